package solver

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"
)

// luSolver wraps a dense LU factorization for repeated solves.
type luSolver struct {
	lu   mat.LU
	ok   bool
	x, b *mat.VecDense
}

func newLUSolver(n int) *luSolver {
	if n == 0 {
		return &luSolver{}
	}
	return &luSolver{x: mat.NewVecDense(n, nil), b: mat.NewVecDense(n, nil)}
}

// factor factorizes a. A singular a shows in the next solve.
func (s *luSolver) factor(a *mat.Dense) {
	s.lu.Factorize(a)
	s.ok = true
}

// solve writes the solution of A*dst = rhs into dst, for the A last
// factorized. It reports false if A was singular or the solution is not
// finite. An ill-conditioned A is not an error here: the Newton loop judges
// the step by the residual it produces.
func (s *luSolver) solve(dst, rhs []float64) bool {
	if !s.ok {
		return false
	}
	copy(s.b.RawVector().Data, rhs)
	err := s.lu.SolveVecTo(s.x, false, s.b)
	if c, isCond := err.(mat.Condition); isCond && math.IsInf(float64(c), 1) {
		return false
	}
	copy(dst, s.x.RawVector().Data)
	return allFinite(dst)
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// capacitor is a capacitance between two rows of x, or between row i and
// ground (or a pinned node) if j < 0.
type capacitor struct {
	i, j int
	c    float64 // F
}

// capacitors decomposes the system's capacitance matrix into capacitors:
// an off-diagonal entry C_ij is a capacitor -C_ij between rows i and j, and
// what remains of a diagonal entry goes to ground. Capacitive currents are
// then computed per capacitor, from differences of voltage increments,
// which keeps them accurate where a common-mode move with no capacitance
// of its own would drown them in rounding.
func capacitors(sys *mna.System) []capacitor {
	n := sys.Size()
	if n == 0 {
		return nil
	}
	c := mat.NewDense(n, n, nil)
	sys.CapacitanceMatrixTo(c)
	var caps []capacitor
	for i := range n {
		g := c.At(i, i)
		for j := range n {
			if j == i {
				continue
			}
			if v := c.At(i, j); v != 0 {
				g += v
				if j > i {
					caps = append(caps, capacitor{i, j, -v})
				}
			}
		}
		// Rounding of the sum above must not leave a negative or
		// vanishing capacitor behind.
		if g > 1e-12*c.At(i, i) {
			caps = append(caps, capacitor{i, -1, g})
		}
	}
	return caps
}
