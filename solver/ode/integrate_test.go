package ode

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"
)

// rcModel is C dv/dt = -g*(v - vs): a capacitor charged through a
// conductance from a source, the ODE of one RC stage.
type rcModel struct{ g, c, vs float64 }

func (m *rcModel) Size() int                         { return 1 }
func (m *rcModel) NDiff() int                        { return 1 }
func (m *rcModel) NodeMap() ([]int, []float64)       { return nil, nil }
func (m *rcModel) ShortestTau(_ []float64) float64   { return m.c / m.g }
func (m *rcModel) CapMul(dst, v []float64)           { dst[0] = m.c * v[0] }
func (m *rcModel) Steady(_, q []float64) bool        { return math.Abs(q[0]) < 1e-18 }
func (m *rcModel) Power(_, _ []float64) mna.Power    { return mna.Power{} }
func (m *rcModel) Observe(_ float64, _, _ []float64) {}

func (m *rcModel) Stage(x, xn, delta, hist []float64, alpha float64, _ bool) Status {
	h := 0.0
	if hist != nil {
		h = hist[0]
	}
	delta[0] = -(m.g*(xn[0]-m.vs) + h) / (m.g + alpha*m.c)
	x[0] = xn[0] + delta[0]
	return Converged
}

func (m *rcModel) Filter(v []float64, alpha float64) bool {
	v[0] = alpha * m.c * v[0] / (alpha*m.c + m.g)
	return true
}

// TestTransientErrorEstimate checks TR-BDF2's filtered error estimate
// against the true local error of one step of an RC stage, from a state
// on the exact solution with its exact slope: within 10% for steps up to
// half the time constant.
func TestTransientErrorEstimate(t *testing.T) {
	const g, c, v = 1e-3, 1e-12, 1.0
	tau := c / g
	for _, w := range []float64{0.05, 0.1, 0.2, 0.35, 0.5} {
		ts := Settings{}.WithDefaults()
		it := New(&rcModel{g: g, c: c, vs: v}, ts)
		const t0 = 1e-9
		x := []float64{v * (1 - math.Exp(-t0/tau))}
		it.xd[0] = v / tau * math.Exp(-t0/tau)
		h := w * tau
		if st, _, _, _ := it.stepTRBDF2(x, h, 0); st != Converged {
			t.Fatalf("w %g: %v", w, st)
		}
		exact := v * (1 - math.Exp(-(t0+h)/tau))
		lte := exact - it.y[0]
		if math.Abs(it.est[0]-lte) > 0.1*math.Abs(lte) {
			t.Errorf("h = %g tau: estimate %.4g V, true local error %.4g V", w, it.est[0], lte)
		}
	}
}
