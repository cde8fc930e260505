package jacobian

import (
	"errors"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/sparse"
)

// sparseMatrix is a Matrix on a sparse matrix whose pattern is the
// system's Jacobian pattern, every diagonal entry and the pairs.
type sparseMatrix struct {
	sys   *mna.System
	a     *sparse.Matrix
	vals  []float64
	slots []int    // of the system's pattern, for EvalSparse
	diag  []int    // slot of (i, i)
	pairs [][4]int // slots of (I, I), (J, J), (I, J), (J, I); -1 for none
	sym   *sparse.Symbolic
	lu    sparse.LU
	// factored says that the LU holds a factorization from Factor,
	// whose pivots Refactor can reuse; ok that the last one succeeded.
	factored, ok bool
}

func newSparse(sys *mna.System, pairs []Pair) *sparseMatrix {
	n := sys.Size()
	rows, cols := sys.JacobianPattern()
	b := sparse.NewBuilder(n)
	for h := range rows {
		b.Add(rows[h], cols[h])
	}
	dh := make([]int, n)
	for i := range n {
		dh[i] = b.Add(i, i)
	}
	ph := make([][4]int, len(pairs))
	for k, p := range pairs {
		ph[k] = [4]int{b.Add(p.I, p.I), -1, -1, -1}
		if p.J >= 0 {
			ph[k][1], ph[k][2], ph[k][3] = b.Add(p.J, p.J), b.Add(p.I, p.J), b.Add(p.J, p.I)
		}
	}
	a, slots := b.Compile()
	s := &sparseMatrix{sys: sys, a: a, vals: a.Values(), slots: slots[:len(rows)], diag: make([]int, n), pairs: ph}
	for i, h := range dh {
		s.diag[i] = slots[h]
	}
	for k := range ph {
		for t, h := range ph[k] {
			if h >= 0 {
				s.pairs[k][t] = slots[h]
			}
		}
	}
	s.sym = sparse.Analyze(a, nil)
	return s
}

func (s *sparseMatrix) Kind() Kind { return Sparse }

// cost returns the predicted time of a Refactor, in nanoseconds.
func (s *sparseMatrix) cost() float64 {
	nnz, madds := s.sym.Predicted()
	return sparseNs*madds + sparseEntryNs*(nnz+float64(s.a.NNZ())) + sparseFixedNs
}

func (s *sparseMatrix) Eval(f, x []float64, lim *mna.Limiter, jac bool) bool {
	if !jac {
		return s.sys.Eval(f, nil, x, lim)
	}
	return s.sys.EvalSparse(f, s.vals, s.slots, x, lim)
}

func (s *sparseMatrix) AddDiag(i int, g float64) { s.vals[s.diag[i]] += g }

func (s *sparseMatrix) AddPair(k int, g float64) {
	p := &s.pairs[k]
	s.vals[p[0]] += g
	if p[1] < 0 {
		return
	}
	s.vals[p[1]] += g
	s.vals[p[2]] -= g
	s.vals[p[3]] -= g
}

func (s *sparseMatrix) Diag(i int) float64 { return s.vals[s.diag[i]] }

// Factor refactors with the pivots of the last full factorization and
// factors anew when a reused pivot became too small.
func (s *sparseMatrix) Factor() bool {
	if s.a.N() == 0 {
		s.ok = true
		return true
	}
	var err error
	if s.factored {
		err = s.lu.Refactor(s.a)
		var pe *sparse.PivotError
		if errors.As(err, &pe) {
			err = s.lu.Factor(s.a, s.sym)
		}
	} else {
		err = s.lu.Factor(s.a, s.sym)
	}
	// A failed Factor leaves no pivots to reuse; Refactor then calls
	// Factor itself.
	s.factored = true
	s.ok = err == nil
	return s.ok
}

func (s *sparseMatrix) Solve(dst, rhs []float64) bool {
	if !s.ok {
		return false
	}
	if s.a.N() > 0 {
		s.lu.SolveTo(dst, rhs)
	}
	return allFinite(dst)
}

func (s *sparseMatrix) SolveTrans(dst, rhs []float64) bool {
	if !s.ok {
		return false
	}
	if s.a.N() > 0 {
		s.lu.SolveTransTo(dst, rhs)
	}
	return allFinite(dst)
}
