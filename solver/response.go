package solver

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// ResponseTo writes into dv (len sys.NumFree(), by x index) the change of
// the free node voltages, in volts, that small currents i (amperes, len
// sys.NumFree(), by x index, each flowing into its node from ground)
// cause at the state x, to first order: dv is the solution of J*dx = i
// restricted to the nodes, with J the Jacobian of the KCL residual at x
// (the small-signal conductance matrix, junctions at their conductance at
// x; branch rows get no current). That is the linearized network of a
// noise analysis: currents drawn from the devices' noise give the voltage
// noise they cause.
//
// On a layered network it costs one evaluation and one block elimination
// of the layered solver, as a Newton iteration does; otherwise one dense
// LU factorization of sys.Size() unknowns. It returns an error if J is
// singular at x. It panics if a length is wrong.
func (d *DC) ResponseTo(dv, x, i []float64) error {
	nf := d.sys.NumFree()
	if len(dv) != nf || len(i) != nf || len(x) != d.sys.Size() {
		panic("solver: bad length for DC.ResponseTo")
	}
	if d.lay != nil {
		return d.lay.responseTo(dv, x, i)
	}
	if d.rsp == nil {
		n := d.sys.Size()
		d.rsp = &response{f: make([]float64, n), rhs: make([]float64, n), sol: make([]float64, n), lin: newLUSolver(n)}
		if n > 0 {
			d.rsp.jac = mat.NewDense(n, n, nil)
		}
	}
	r := d.rsp
	if len(r.f) == 0 {
		return nil
	}
	d.sys.UpdatePins()
	d.sys.Eval(r.f, r.jac, x, nil)
	r.lin.factor(r.jac)
	// A current i into a node enters the residual (the current leaving
	// it) as -i: J dx = i.
	clear(r.rhs)
	copy(r.rhs, i)
	if !r.lin.solve(r.sol, r.rhs) {
		return fmt.Errorf("solver: the small-signal conductance matrix is singular at the state")
	}
	copy(dv, r.sol[:nf])
	return nil
}

// response is the dense work space of ResponseTo.
type response struct {
	jac         *mat.Dense
	f, rhs, sol []float64
	lin         *luSolver
}

// responseTo is DC.ResponseTo on the layered path: the Jacobian at x in
// folded form, a current into a driven node entering its driver's row
// divided by the gain (as the amplifier's mirror returns it), and the
// driven nodes moving gain times their driver.
func (s *Layered) responseTo(dv, x, i []float64) error {
	s.load()
	for k, u := range s.xidx {
		s.v[k] = x[u]
	}
	s.eval(true)
	clear(s.f)
	for u, c := range i {
		s.f[s.fidx[u]] -= c / s.gain[u]
	}
	if !s.step(true) {
		return fmt.Errorf("solver: the small-signal conductance matrix is singular at the state")
	}
	for u := range dv {
		dv[u] = s.gain[u] * s.dx[s.fidx[u]]
	}
	return nil
}
