package solver

import "github.com/eqsim/eqsim/circuit/mna"

// TransientTo integrates the system's ODE from x0 (nil means all nodes at
// 0 V) with the integrator the DC chose for the system, as SolveTo solves
// its equilibrium: the layered transient (Layered.TransientTo) on a layered
// network, the general Transient otherwise, and the general one as well
// when the layered transient cannot take the circuit (a capacitor between
// two free nodes) or fails. It writes the final state into dst (len
// sys.Size(), which may be x0 itself), which becomes the Result's X. On a
// layered network it keeps the layered solver's work space from one call
// to the next.
//
// A fallback to the general Transient starts again from x0; Observe and
// Adapt then see the general integration's states from time 0 after the
// layered one's.
func (d *DC) TransientTo(dst, x0 []float64, set *TransientSettings) (Result, error) {
	var start []float64
	if d.lay != nil {
		if x0 != nil && &x0[0] == &dst[0] {
			// The layered transient overwrites dst; keep the start for a
			// fallback.
			start = append([]float64(nil), x0...)
		}
		res, err := d.lay.TransientTo(dst, x0, set)
		if err == nil {
			return res, nil
		}
		if checkSize(d.sys, set.withDefaults().Settings) != nil {
			// The general integrator would refuse it.
			return res, err
		}
		if start != nil {
			x0 = start
		}
	}
	d.sys.UpdatePins()
	res, err := Transient(d.sys, x0, set)
	if len(res.X) == len(dst) {
		copy(dst, res.X)
		res.X = dst
	}
	return res, err
}

// Power returns the power the sources deliver to the system at the state
// x, in watts (mna.System.Power): at an equilibrium, what its resistive
// elements dissipate.
func (d *DC) Power(x []float64) mna.Power { return d.sys.Power(x) }
