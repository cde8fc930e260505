package dataset

import "github.com/eqsim/eqsim/eqprop"

// means returns the mean of each feature over the samples of s, nil if
// it has none. The sums run in sample order: a CSV file of the features
// less these means, written at full precision, trains bit for bit as
// Spec.OffsetMean does.
func means(s *eqprop.Set) []float64 {
	if s.Len() == 0 {
		return nil
	}
	m, x := make([]float64, s.Features), make([]float64, s.Features)
	for i := range s.Len() {
		for j, v := range s.SampleTo(x, i) {
			m[j] += v
		}
	}
	for j := range m {
		m[j] /= float64(s.Len())
	}
	return m
}

// offset returns s with c subtracted from every feature and from its
// blank value, or s itself if c is 0. A coded set keeps its codes and
// gets levels of its own; a set of float64 features gets a copy.
func offset(s *eqprop.Set, c float64) *eqprop.Set {
	if c == 0 {
		return s
	}
	t := *s
	t.Blank -= c
	if s.Levels != nil {
		lv := *s.Levels
		for i := range lv {
			lv[i] -= c
		}
		t.Levels = &lv
		return &t
	}
	t.X = make([]float64, len(s.X))
	for i, x := range s.X {
		t.X[i] = x - c
	}
	return &t
}
