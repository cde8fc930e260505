package ode

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"
)

// ou is the Ornstein-Uhlenbeck process C dv/dt = -G v + xi with white
// noise of one-sided density S: a node of capacitance C to ground
// through a conductance G. Its stationary variance is S/(4GC) (kT/C for
// S = 4kTG). Stages longer than hmax fail, to exercise the bisection.
type ou struct {
	c, g, s float64
	hmax    float64
	obs     func(t float64, v float64)
	stages  int
}

func (m *ou) Size() int                       { return 1 }
func (m *ou) NDiff() int                      { return 1 }
func (m *ou) NodeMap() ([]int, []float64)     { return nil, nil }
func (m *ou) ShortestTau(_ []float64) float64 { return m.c / m.g }

func (m *ou) Stage(x, xn, delta, hist []float64, alpha float64, _ bool) Status {
	m.stages++
	// A backward-Euler stage spans 1/alpha, a midpoint step's stage
	// (alpha = 2/h) half the step: the step is what matters here.
	if m.hmax > 0 && 2/alpha > m.hmax*(1+1e-9) && 1/alpha > m.hmax/2*(1+1e-9) {
		return IterationLimit
	}
	h := 0.0
	if hist != nil {
		h = hist[0]
	}
	delta[0] = -(m.g*xn[0] + h) / (m.g + alpha*m.c)
	x[0] = xn[0] + delta[0]
	return Converged
}

func (m *ou) CapMul(dst, v []float64)        { dst[0] = m.c * v[0] }
func (m *ou) Filter([]float64, float64) bool { return true }
func (m *ou) Steady(_, _ []float64) bool     { return false }
func (m *ou) Power(_, _ []float64) mna.Power {
	return mna.Power{}
}
func (m *ou) Observe(t float64, x, _ []float64) {
	if m.obs != nil {
		m.obs(t, x[0])
	}
}
func (m *ou) Noise(dst, _ []float64, h float64, rng *rand.Rand) {
	dst[0] = math.Sqrt(m.s/(2*h)) * rng.NormFloat64()
}

// ouStats runs m with steps of h for burn + n steps and returns the sample
// variance of v over the last n states, and the sample variance of the
// means of consecutive windows of w steps (trapezoidal).
func ouStats(m *ou, h float64, burn, n, w int, seed uint64) (vr, wvar float64) {
	var vs []float64
	m.obs = func(_ float64, v float64) { vs = append(vs, v) }
	x := []float64{0}
	Langevin(m, x, LangevinSettings{Step: h, StopTime: float64(burn+n) * h, Seed: seed})
	vs = vs[burn:]
	vr = variance(vs)
	var means []float64
	for k := 0; k+w < len(vs); k += w {
		var s float64
		for i := k; i < k+w; i++ {
			s += (vs[i] + vs[i+1]) / 2
		}
		means = append(means, s/float64(w))
	}
	return vr, variance(means)
}

func variance(v []float64) float64 {
	var m, s float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s / float64(len(v)-1)
}

// TestLangevinStationary checks the stochastic midpoint rule on the
// Ornstein-Uhlenbeck process against its closed forms: the stationary
// variance S/(4GC) at steps of 0.3, 1 and 3 time constants (the rule keeps
// it exact at any step), and the variance of the mean over a window of T =
// 50 time constants, 2*var*tau/T*(1 - tau/T*(1 - exp(-T/tau))). The
// estimates' standard errors: the variance of n samples of an AR(1)
// sequence with lag-one correlation r, (r the rule's decay per step), has a
// relative standard deviation sqrt(2/n*(1+r²)/(1-r²)), at most 0.8% here;
// that of K window means sqrt(2/K), 2.2% for K = 4000. The tolerance is
// four of them, so a noise amplitude 10% off (21% in variance) fails.
func TestLangevinStationary(t *testing.T) {
	const n = 200000
	for _, tc := range []struct {
		h    float64 // in time constants
		hmax float64 // longest stage that succeeds; 0: all
	}{{0.3, 0}, {1, 0}, {3, 0}, {1, 0.3}} {
		m := &ou{c: 2, g: 0.5, s: 3, hmax: tc.hmax} // tau = 4
		tau := m.c / m.g
		want := m.s / (4 * m.g * m.c)
		a := tc.h
		r := (1 - a/2) / (1 + a/2)
		if tc.hmax > 0 {
			// Every step is split into quarters: four stages of the
			// quarter step.
			a /= 4
			r = math.Pow((1-a/2)/(1+a/2), 4)
		}
		got, _ := ouStats(m, tc.h*tau, int(20/tc.h)+1, n, n, 1)
		se := math.Sqrt(2 / float64(n) * (1 + r*r) / (1 - r*r))
		if d := got/want - 1; math.Abs(d) > 4*se {
			t.Errorf("h = %g tau, hmax %g: variance %.5g, want %.5g (%+.2f%%, tolerance %.2f%%)", tc.h, tc.hmax, got, want, 100*d, 400*se)
		}
		if tc.hmax > 0 && m.stages < 4*n {
			t.Errorf("hmax %g: %d stages for %d steps: the steps were not split", tc.hmax, m.stages, n)
		}
	}
	// The window mean.
	const k, w = 4000, 100
	m := &ou{c: 1e-12, g: 1e-6, s: 4 * 1.380649e-23 * 300 * 1e-6} // 1 pF, 1 uS, 300 K
	tau := m.c / m.g
	h := 0.5 * tau
	T := w * h
	sigma2 := m.s / (4 * m.g * m.c)
	want := 2 * sigma2 * tau / T * (1 - tau/T*(1-math.Exp(-T/tau)))
	vr, got := ouStats(m, h, 40, k*w+1, w, 7)
	if d := vr/sigma2 - 1; math.Abs(d) > 0.03 {
		t.Errorf("1 pF: variance %.4g V², want kT/C = %.4g V²", vr, sigma2)
	}
	se := math.Sqrt(2.0 / k)
	if d := got/want - 1; math.Abs(d) > 4*se {
		t.Errorf("window of %g s: variance of the mean %.5g V², want %.5g V² (%+.2f%%, tolerance %.2f%%)", T, got, want, 100*d, 400*se)
	}
}

// TestLangevinDeterministic checks that the same seed gives the same
// trajectory and another seed another, and that without noise the steps
// are backward Euler's then the midpoint rule's.
func TestLangevinDeterministic(t *testing.T) {
	run := func(seed uint64, s float64) []float64 {
		m := &ou{c: 1, g: 1, s: s}
		var vs []float64
		m.obs = func(_ float64, v float64) { vs = append(vs, v) }
		x := []float64{1}
		out := Langevin(m, x, LangevinSettings{Step: 0.25, StopTime: 2.5, Seed: seed})
		if out.Status != TimeLimit || out.Steps != 10 || out.Time != 2.5 {
			t.Fatalf("outcome %+v", out)
		}
		return vs
	}
	a, b, c := run(3, 1), run(3, 1), run(4, 1)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: %g and %g with one seed", i, a[i], b[i])
		}
	}
	if a[5] == c[5] {
		t.Errorf("seeds 3 and 4 give the same state %g", a[5])
	}
	v := run(1, 0)
	want := 1.0
	for i, got := range v {
		if math.Abs(got-want) > 1e-15 {
			t.Errorf("noiseless step %d: %.17g, want %.17g", i, got, want)
		}
		if i == 0 {
			want /= 1.25
		} else {
			want *= (1 - 0.125) / (1 + 0.125)
		}
	}
}
