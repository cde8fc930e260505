package dynamics

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit/mna"
)

// errSingular says that the small-signal conductance matrix is singular.
var errSingular = errors.New("the small-signal conductance matrix is singular at the state")

// respond writes into dv the free node voltages' response to the small
// currents i into the free nodes at the state x (see
// solver.Layered.ResponseTo): by the layered solver's block elimination on
// a layered network, by a dense LU factorization of the Jacobian
// otherwise.
func (r *Runner) respond(dv, x, i []float64) error {
	if l, _ := r.dc.Layered(); l != nil {
		return l.ResponseTo(dv, x, i)
	}
	if r.dense == nil {
		r.dense = newDenseResponse(r.sys)
	}
	return r.dense.solve(r.sys, dv, x, i)
}

// denseResponse is the work space of the dense response.
type denseResponse struct {
	jac         *mat.Dense
	lu          mat.LU
	f, rhs, sol *mat.VecDense
}

func newDenseResponse(sys *mna.System) *denseResponse {
	n := sys.Size()
	return &denseResponse{jac: mat.NewDense(n, n, nil), f: mat.NewVecDense(n, nil), rhs: mat.NewVecDense(n, nil), sol: mat.NewVecDense(n, nil)}
}

// solve solves J*dx = [i; 0] at x, with J the Jacobian of sys's residual
// (branch rows included), and writes the node rows of dx into dv.
func (d *denseResponse) solve(sys *mna.System, dv, x, i []float64) error {
	sys.UpdatePins()
	sys.Eval(d.f.RawVector().Data, d.jac, x, nil)
	d.lu.Factorize(d.jac)
	rhs := d.rhs.RawVector().Data
	clear(rhs)
	copy(rhs, i)
	err := d.lu.SolveVecTo(d.sol, false, d.rhs)
	if c, ok := err.(mat.Condition); ok && math.IsInf(float64(c), 1) {
		return errSingular
	}
	copy(dv, d.sol.RawVector().Data[:len(dv)])
	return nil
}
