package solver

import (
	"math/rand/v2"

	"github.com/eqsim/eqsim/solver/solve"
)

// Noise draws the mean noise currents over a step into the node rows (see
// ode.NoisyModel); the conductances are read at the first draw of the
// transient.
func (m *denseODE) Noise(dst, x []float64, h float64, rng *rand.Rand) {
	if m.noise == nil {
		m.noise = m.e.sys.NoiseTo(nil, x)
		m.z = make([]float64, m.noise.Draws())
	}
	solve.NoiseDraw(m.noise, m.z, dst[:m.e.nf], x, h, rng)
}
