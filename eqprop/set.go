package eqprop

import "fmt"

// Set is a labelled data set: Len() samples of Features features each.
// The trainer reads only this; package dataset builds Sets from files.
type Set struct {
	// Name is the data set's name ("mnist", "xor", ...).
	Name string
	// Source is where the samples were read from (the images or CSV file),
	// or "" for built-in sets.
	Source string
	// Features is the number of features of each sample.
	Features int
	// Classes is the number of classes; every label is in [0, Classes).
	Classes int
	// X holds the features, row-major: sample i is
	// X[i*Features : (i+1)*Features].
	X []float64
	// Labels holds the label of each sample.
	Labels []int
}

// Len returns the number of samples in s.
func (s *Set) Len() int { return len(s.Labels) }

// Sample returns the features of sample i. The result is a view of s.X:
// writing to it changes s. Sample panics if i is out of range.
func (s *Set) Sample(i int) []float64 {
	if i < 0 || i >= s.Len() {
		panic(fmt.Sprintf("eqprop: sample %d out of range [0, %d)", i, s.Len()))
	}
	lo, hi := i*s.Features, (i+1)*s.Features
	return s.X[lo:hi:hi]
}

// Subset returns a Set of the first n samples of s, or all of them when
// n <= 0 or n > s.Len(). The result shares its memory with s; appending to
// its slices never writes into s.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n > s.Len() {
		n = s.Len()
	}
	t := *s
	t.X = s.X[: n*s.Features : n*s.Features]
	t.Labels = s.Labels[:n:n]
	return &t
}
