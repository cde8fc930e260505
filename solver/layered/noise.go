package layered

import (
	"math/rand/v2"

	"github.com/eqsim/eqsim/solver/solve"
)

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
	solve.NoiseDraw(m.noise, m.z, m.cur, m.xs, h, rng)
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
