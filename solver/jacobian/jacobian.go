package jacobian

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Kind selects the form of a Jacobian.
type Kind int

const (
	// Auto picks Dense or Sparse by predicted work: Dense for systems of
	// at most SmallSize unknowns, Sparse for more than MaxDense, and in
	// between whichever the analysis of the pattern predicts is faster.
	Auto Kind = iota
	// Dense is a gonum matrix factored by gonum's LU.
	Dense
	// Sparse is a sparse matrix factored by package solver/sparse.
	Sparse
)

func (k Kind) String() string {
	switch k {
	case Auto:
		return "auto"
	case Dense:
		return "dense"
	case Sparse:
		return "sparse"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Pair is an extra symmetric stamp between unknowns I and J: a
// conductance, as a capacitor of a time step is, between them, or from I
// to ground when J is negative.
type Pair struct{ I, J int }

// Matrix is the Jacobian of one system, with its factorization.
type Matrix interface {
	// Eval writes the residual F(x) into f as System.Eval does (lim as
	// there) and, if jac is true, the Jacobian dF/dx into the matrix,
	// which it zeroes first. It reports whether a junction was limited.
	Eval(f, x []float64, lim *mna.Limiter, jac bool) (limited bool)
	// AddDiag adds g to entry (i, i) of the matrix.
	AddDiag(i int, g float64)
	// AddPair adds the stamp of the k-th pair the Matrix was made with:
	// g at (I, I) and (J, J), -g at (I, J) and (J, I); only (I, I) for a
	// pair to ground.
	AddPair(k int, g float64)
	// Diag returns entry (i, i) of the matrix.
	Diag(i int) float64
	// Factor factors the matrix as it stands. It reports false if the
	// matrix is singular, or not finite, to working precision; Solve
	// then reports false too.
	Factor() bool
	// Solve writes the solution of A·dst = rhs into dst, for the A last
	// factored, and reports whether it is finite. dst and rhs may be the
	// same slice.
	Solve(dst, rhs []float64) bool
	// SolveTrans is Solve with the transpose of A.
	SolveTrans(dst, rhs []float64) bool
	// Kind returns Dense or Sparse.
	Kind() Kind
}

// Sizes of Auto's choice.
const (
	// SmallSize is the largest system Auto makes dense without analysing
	// its pattern.
	SmallSize = 60
	// MaxDense is the largest system Auto may make dense: a dense
	// Jacobian of 4096 unknowns takes 134 MB and some 3 s a
	// factorization on one core.
	MaxDense = 4096
)

// New returns the Jacobian of sys in the form kind asks for, with the
// extra pairs. It panics if a pair names an unknown out of range.
func New(sys *mna.System, kind Kind, pairs []Pair) Matrix {
	n := sys.Size()
	for _, p := range pairs {
		if p.I < 0 || p.I >= n || p.J >= n {
			panic(fmt.Sprintf("jacobian: pair (%d, %d) out of range for %d unknowns", p.I, p.J, n))
		}
	}
	switch kind {
	case Dense:
		return newDense(sys, pairs)
	case Sparse:
		return newSparse(sys, pairs)
	case Auto:
		if n <= SmallSize {
			return newDense(sys, pairs)
		}
		s := newSparse(sys, pairs)
		if n > MaxDense || s.cost() < denseCost(n) {
			return s
		}
		return newDense(sys, pairs)
	}
	panic(fmt.Sprintf("jacobian: unknown kind %v", kind))
}

// Cost model of Auto, in nanoseconds, fitted to BenchmarkFactor (one
// Newton iteration's Eval, Factor and Solve) on the project's 2-core
// machine under load: gonum's dense LU at about denseNs per multiply-add
// of its (2/3)n³ plus denseEntryNs per entry of the n×n matrix (stamping,
// zeroing, copying); the sparse Refactor at about sparseNs per predicted
// multiply-add plus sparseEntryNs per entry of the matrix and of its
// factors, plus sparseFixedNs. On all-to-all coupled groups dense wins
// from about 70 unknowns; on resistor-diode grids sparse wins at every
// size measured (100 unknowns: 23 µs against 216 µs).
const (
	denseNs       = 0.25
	denseEntryNs  = 15
	sparseNs      = 1.4
	sparseEntryNs = 8
	sparseFixedNs = 5000
)

func denseCost(n int) float64 {
	f := float64(n)
	return denseNs*2*f*f*f/3 + denseEntryNs*f*f
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
