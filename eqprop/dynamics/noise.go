package dynamics

import (
	"fmt"
	"math/rand/v2"
)

// AddNoiseTo adds to v, node voltages by node index (len(sys.Nodes())+1, as
// Measured returns them), one draw of the thermal noise of their means
// over the window, from the linearized network at the state x: every
// noise source of the circuit (mna.System.NoiseTo: 4kTG on every
// conductance, 2q|I| on every junction at its current at x) contributes a
// current whose mean over the window has variance PSD/(2*Window), and one
// solve with the small-signal conductance matrix at x (solver.DC.ResponseTo)
// turns those currents into the voltage noise of every free node. Pinned
// nodes get none. The standard normal numbers come from rng, one per
// source into a free node, in the order of mna.Noise. It panics without a
// window and returns an error if the small-signal matrix is singular.
func (r *Runner) AddNoiseTo(v, x []float64, rng *rand.Rand) error {
	w := r.set.Window
	if !(w > 0) {
		panic("dynamics: thermal noise of a measurement needs a window")
	}
	if r.noise == nil || r.stale {
		r.noise = r.sys.NoiseTo(r.noise, x)
		r.stale = false
		nf := r.sys.NumFree()
		r.cur, r.dv = make([]float64, nf), make([]float64, nf)
	} else {
		r.noise.Update(x)
	}
	if n := r.noise.Draws(); cap(r.z) < n {
		r.z = make([]float64, n)
	}
	z := r.z[:r.noise.Draws()]
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	r.noise.CurrentsTo(r.cur, z, 1/(2*w))
	if err := r.respond(r.dv, x, r.cur); err != nil {
		return fmt.Errorf("dynamics: thermal noise: %w", err)
	}
	for u, i := range r.free {
		v[i] += r.dv[u]
	}
	return nil
}
