package dataset

import "github.com/eqsim/eqsim/eqprop"

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
