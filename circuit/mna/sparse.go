package mna

// This file gives the Jacobian in sparse form, for solvers of systems too
// large for a dense matrix: its pattern once, then its values at every
// evaluation into the slots the solver's sparse matrix assigns to the
// pattern's entries.

// pattern is the position of every Jacobian entry an evaluation stamps,
// in the order it stamps them.
type pattern struct{ rows, cols []int }

// JacobianPattern returns the position of every Jacobian entry that
// EvalSparse adds to, in the order it adds to them: its h-th addition goes
// to row rows[h] and column cols[h] (unknown indices). A position appears
// once for every device that stamps it. The pattern depends only on the
// circuit's structure, so it holds for every x and every value of the
// elements; it takes one evaluation to compute.
func (s *System) JacobianPattern() (rows, cols []int) {
	n := s.Size()
	x := make([]float64, n)
	e := s.begin(make([]float64, n), x, nil)
	e.pat = &pattern{}
	s.evalAll(&e, make([]float64, n), x, nil)
	s.load(x)
	return e.pat.rows, e.pat.cols
}

// EvalSparse is Eval with the Jacobian in sparse form: it writes the
// residual at x into f and, after zeroing vals, adds the h-th entry of
// the Jacobian pattern (JacobianPattern) into vals[slots[h]]. slots must
// have exactly one element for every entry of the pattern; entries at one position
// may share a slot, and do in a matrix built from the pattern (see
// package solver/sparse, Builder). Limiting is as for Eval. It panics if
// slots does not fit the pattern or vals is nil.
func (s *System) EvalSparse(f, vals []float64, slots []int, x []float64, lim *Limiter) (limited bool) {
	e := s.begin(f, x, lim)
	clear(vals)
	e.sv, e.slots = vals, slots
	if vals == nil {
		panic("circuit: EvalSparse without values")
	}
	limited = s.evalAll(&e, f, x, lim)
	if e.h != len(slots) {
		panic("circuit: EvalSparse: slots do not fit the Jacobian pattern")
	}
	return limited
}
