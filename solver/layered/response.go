package layered

import "fmt"

// ResponseTo writes into dv (len sys.NumFree(), by x index) the change of
// the free node voltages, in volts, that small currents i (amperes, by x
// index, each into its node) cause at the state x (len sys.Size()), to
// first order: J*dv = i with J the Jacobian of the KCL residual at x (the
// small-signal conductance matrix), a current into a driven node entering
// its driver's row divided by the gain as the amplifier's mirror returns
// it. It costs one evaluation and one block elimination, as a Newton
// iteration does, and returns an error if J is singular at x.
func (s *Solver) ResponseTo(dv, x, i []float64) error {
	if len(dv) != len(s.fidx) || len(i) != len(s.fidx) || len(x) != s.sys.Size() {
		panic("solver: bad length for Layered.ResponseTo")
	}
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
