package eqprop

import (
	"slices"
	"testing"
)

func TestSubset(t *testing.T) {
	s := &Set{Features: 2, Classes: 3, X: []float64{0, 1, 2, 3, 4, 5}, Labels: []int{0, 1, 2}}
	for _, tc := range []struct{ n, want int }{{-1, 3}, {0, 3}, {1, 1}, {2, 2}, {3, 3}, {4, 3}} {
		sub := s.Subset(tc.n)
		if sub.Len() != tc.want || !slices.Equal(sub.X, s.X[:2*tc.want]) || !slices.Equal(sub.Labels, s.Labels[:tc.want]) || sub.Classes != 3 {
			t.Errorf("Subset(%d): got X %v labels %v classes %d", tc.n, sub.X, sub.Labels, sub.Classes)
		}
	}
	// Appending to a subset must not write into the set.
	sub := s.Subset(1)
	sub.X = append(sub.X, 9, 9)
	sub.Labels = append(sub.Labels, 9)
	if s.X[2] != 2 || s.Labels[1] != 1 {
		t.Errorf("append to a subset changed the set: %v %v", s.X, s.Labels)
	}
	// Sample is a view that cannot grow into the next sample.
	x := s.Sample(1)
	if !slices.Equal(x, []float64{2, 3}) || cap(x) != 2 {
		t.Errorf("Sample(1) = %v with capacity %d", x, cap(x))
	}
}

func TestSamplePanics(t *testing.T) {
	s := &Set{Features: 1, X: []float64{1}, Labels: []int{0}}
	for _, i := range []int{-1, 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Sample(%d) did not panic", i)
				}
			}()
			s.Sample(i)
		}()
	}
}
