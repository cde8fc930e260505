package eqprop

import (
	"fmt"

	"github.com/eqsim/eqsim/internal/pixels"
)

// Set is a labelled data set: Len() samples of Features features each.
// The trainer reads only this; package dataset builds Sets from files.
//
// The features are stored in one of two forms: as float64s in X, or,
// for data whose features take at most 256 values (the pixels of image
// data sets), as one byte per feature in Codes that Levels maps to its
// value, in an eighth of the memory. SampleTo reads either.
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
	// X[i*Features : (i+1)*Features]. It is nil in a coded set.
	X []float64
	// Codes holds, in a coded set (Levels not nil), the features as
	// bytes, row-major: feature j of sample i is
	// Levels[Codes[i*Features+j]].
	Codes  []byte
	Levels *[256]float64
	// Labels holds the label of each sample.
	Labels []int
	// Blank is the feature value of a blank pixel, which fills the edge
	// an image moves away from (ShiftedTo) [0].
	Blank float64
	// Offsets, if not nil, holds a value per feature that SampleTo,
	// ShiftedTo and MovedTo subtract from it after any move, so that a
	// blank pixel that comes in reads Blank less the offset of where it
	// lands: the features' means over a training set, for inputs that
	// swing each about its own mean (dataset.Spec.OffsetMean) [nil].
	Offsets []float64
}

// Len returns the number of samples in s.
func (s *Set) Len() int { return len(s.Labels) }

// SampleTo writes the features of sample i into dst, which must have
// Features elements, and returns dst. It panics if i is out of range or
// dst has the wrong length.
func (s *Set) SampleTo(dst []float64, i int) []float64 {
	return s.centre(s.rawTo(dst, i))
}

// rawTo is SampleTo without Offsets.
func (s *Set) rawTo(dst []float64, i int) []float64 {
	if i < 0 || i >= s.Len() {
		panic(fmt.Sprintf("eqprop: sample %d out of range [0, %d)", i, s.Len()))
	}
	if len(dst) != s.Features {
		panic(fmt.Sprintf("eqprop: %d elements for the %d features of a sample", len(dst), s.Features))
	}
	lo, hi := i*s.Features, (i+1)*s.Features
	if s.Levels == nil {
		copy(dst, s.X[lo:hi])
		return dst
	}
	lv := s.Levels
	for j, c := range s.Codes[lo:hi] {
		dst[j] = lv[c]
	}
	return dst
}

// centre subtracts Offsets, if any, from the features in dst and
// returns dst.
func (s *Set) centre(dst []float64) []float64 {
	for j, c := range s.Offsets {
		dst[j] -= c
	}
	return dst
}

// CheckShift returns an error unless moves of up to n pixels (see
// Config.Shift) fit s: n is 0 or s's images are square and wider.
func (s *Set) CheckShift(n int) error {
	if w, ok := pixels.Side(s.Features); n > 0 && (!ok || n >= w) {
		return fmt.Errorf("shift = %d moves images, but data set %s's %d features are not a square image wider than %d pixels", n, s.Name, s.Features, n)
	}
	return nil
}

// CheckFlip returns an error if flip (see Config.Flip) is set but s's
// features are not a square image.
func (s *Set) CheckFlip(flip bool) error {
	if _, ok := pixels.Side(s.Features); flip && !ok {
		return fmt.Errorf("flip = true mirrors images, but data set %s's %d features are not a square image", s.Name, s.Features)
	}
	return nil
}

// ShiftedTo is SampleTo with the features, a square image, moved dx
// pixels right and dy down (pixels.Shift). It panics if they are not a
// square image.
func (s *Set) ShiftedTo(dst []float64, i, dx, dy int) []float64 {
	return s.MovedTo(dst, i, dx, dy, false)
}

// MovedTo is ShiftedTo, with the image mirrored left to right before
// Offsets are subtracted if mirror (pixels.Mirror). It panics if the
// features are not a square image.
func (s *Set) MovedTo(dst []float64, i, dx, dy int, mirror bool) []float64 {
	w, ok := pixels.Side(s.Features)
	if !ok {
		panic(fmt.Sprintf("eqprop: the %d features of %q are not a square image", s.Features, s.Name))
	}
	pixels.Shift(s.rawTo(dst, i), w, dx, dy, s.Blank)
	if mirror {
		pixels.Mirror(dst[:s.Features], w)
	}
	return s.centre(dst)
}

// Sample returns the features of sample i in a new slice. It panics if i
// is out of range.
func (s *Set) Sample(i int) []float64 {
	return s.SampleTo(make([]float64, s.Features), i)
}

// Subset returns a Set of the first n samples of s, or all of them when
// n <= 0 or n > s.Len(). The result shares its memory with s; appending to
// its slices never writes into s.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n > s.Len() {
		n = s.Len()
	}
	t := *s
	if s.Levels == nil {
		t.X = s.X[: n*s.Features : n*s.Features]
	} else {
		t.Codes = s.Codes[: n*s.Features : n*s.Features]
	}
	t.Labels = s.Labels[:n:n]
	return &t
}
