package solver

import (
	"math/rand/v2"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/ode"
)

// NoiseMode says whether a transient integrates thermal noise.
type NoiseMode int

const (
	// NoiseCircuit, the zero value, integrates thermal noise if the
	// circuit's ThermalNoise is on.
	NoiseCircuit NoiseMode = iota
	// NoiseOn integrates thermal noise whatever the circuit says.
	NoiseOn
	// NoiseOff integrates no noise.
	NoiseOff
)

// noisy reports whether a transient of sys with s integrates noise.
func (s *TransientSettings) noisy(sys *mna.System) bool {
	switch s.Noise {
	case NoiseOn:
		return true
	case NoiseOff:
		return false
	}
	return sys.Circuit().ThermalNoise
}

// integrate integrates m from x as set says (set has its defaults, raw is
// what the caller gave, nil for defaults): with thermal noise
// ode.NoisyTransient, else the step control it (a new one if nil).
func integrate(m ode.NoisyModel, it *ode.Integrator, x []float64, set *TransientSettings, raw *TransientSettings, noisy bool) ode.Outcome {
	if !noisy {
		if it == nil {
			return ode.Integrate(m, x, set.steps())
		}
		return it.Integrate(x)
	}
	ls := ode.LangevinSettings{Step: set.NoiseStep, StopTime: set.StopTime, Seed: set.Seed}
	if raw != nil {
		ls.MaxSteps = raw.MaxSteps
	}
	return ode.NoisyTransient(m, x, set.steps(), ls)
}

// noiseDraw draws the mean noise currents over a step of h seconds into
// cur (len NumFree, by x index) from the noise n at the state x.
func noiseDraw(n *mna.Noise, z, cur, x []float64, h float64, rng *rand.Rand) {
	n.Update(x)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	n.CurrentsTo(cur, z, 1/(2*h))
}

// Noise draws the mean noise currents over a step into the node rows (see
// ode.NoisyModel); the conductances are read at the first draw of the
// transient.
func (m *denseODE) Noise(dst, x []float64, h float64, rng *rand.Rand) {
	if m.noise == nil {
		m.noise = m.e.sys.NoiseTo(nil, x)
		m.z = make([]float64, m.noise.Draws())
	}
	noiseDraw(m.noise, m.z, dst[:m.e.nf], x, h, rng)
}

// Noise draws the mean noise currents over a step into the folded rows
// (see ode.NoisyModel): a current into a node driven by an amplifier
// reaches its driver's row divided by the gain, as the node's other
// currents do (its mirror). The conductances are read when the transient
// starts.
func (m *layeredODE) Noise(dst, x []float64, h float64, rng *rand.Rand) {
	s := m.s
	for u, r := range s.fidx {
		m.xs[u] = s.gain[u]*x[r] + s.off[u]
	}
	noiseDraw(m.noise, m.z, m.cur, m.xs, h, rng)
	clear(dst)
	for u, c := range m.cur {
		dst[s.fidx[u]] += c / s.gain[u]
	}
}

// resizeTo returns b with n elements, reusing its memory.
func resizeTo(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
