package jacobian

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"
)

// denseMatrix is a Matrix on a gonum dense matrix.
type denseMatrix struct {
	sys   *mna.System
	a     *mat.Dense
	raw   []float64
	n     int
	pairs []Pair
	lu    mat.LU
	ok    bool
	x, b  *mat.VecDense
}

func newDense(sys *mna.System, pairs []Pair) *denseMatrix {
	n := sys.Size()
	d := &denseMatrix{sys: sys, n: n, pairs: pairs}
	if n > 0 {
		d.a = mat.NewDense(n, n, nil)
		d.raw = d.a.RawMatrix().Data
		d.x, d.b = mat.NewVecDense(n, nil), mat.NewVecDense(n, nil)
	}
	return d
}

func (d *denseMatrix) Kind() Kind { return Dense }

func (d *denseMatrix) Eval(f, x []float64, lim *mna.Limiter, jac bool) bool {
	if jac && d.n > 0 {
		return d.sys.Eval(f, d.a, x, lim)
	}
	return d.sys.Eval(f, nil, x, lim)
}

func (d *denseMatrix) AddDiag(i int, g float64) { d.raw[i*d.n+i] += g }

func (d *denseMatrix) AddPair(k int, g float64) {
	p := d.pairs[k]
	d.raw[p.I*d.n+p.I] += g
	if p.J < 0 {
		return
	}
	d.raw[p.J*d.n+p.J] += g
	d.raw[p.I*d.n+p.J] -= g
	d.raw[p.J*d.n+p.I] -= g
}

func (d *denseMatrix) Diag(i int) float64 { return d.raw[i*d.n+i] }

// Factor factors the matrix. A singular matrix shows in the next solve:
// gonum's LU reports it there by an infinite condition number.
func (d *denseMatrix) Factor() bool {
	if d.n == 0 {
		return true
	}
	d.lu.Factorize(d.a)
	d.ok = true
	return true
}

// Solve solves with the last factorization. An ill-conditioned A is not
// an error here: Newton judges the step by the residual it produces.
func (d *denseMatrix) Solve(dst, rhs []float64) bool { return d.solve(dst, rhs, false) }

func (d *denseMatrix) SolveTrans(dst, rhs []float64) bool { return d.solve(dst, rhs, true) }

func (d *denseMatrix) solve(dst, rhs []float64, trans bool) bool {
	if d.n == 0 {
		return true
	}
	if !d.ok {
		return false
	}
	copy(d.b.RawVector().Data, rhs)
	err := d.lu.SolveVecTo(d.x, trans, d.b)
	if c, isCond := err.(mat.Condition); isCond && math.IsInf(float64(c), 1) {
		return false
	}
	copy(dst, d.x.RawVector().Data)
	return allFinite(dst)
}
