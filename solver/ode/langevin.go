package ode

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NoisyModel is a Model whose node rows carry white current noise: the
// Langevin equation C dx/dt = -F(x) + xi(t), where xi has the one-sided
// power spectral density matrix S(x): <xi(t) xi(t')ᵀ> = S/2 *
// delta(t - t').
type NoisyModel interface {
	Model
	// Noise writes into dst (node rows) the mean over a step of h seconds
	// from x of the noise currents into the node rows, in amperes: a
	// Gaussian vector of covariance S(x)/(2h), drawn from rng.
	Noise(dst, x []float64, h float64, rng *rand.Rand)
}

// DefaultLangevinMaxSteps bounds the steps of a Langevin integration.
const DefaultLangevinMaxSteps = 1000000

// LangevinSettings configures Langevin.
type LangevinSettings struct {
	// Step is the time step in seconds. Zero means half the model's
	// shortest node time constant at the start.
	Step float64
	// StopTime is the simulated time in seconds at which the integration
	// ends; the last step is shortened to end there. It must be positive.
	StopTime float64
	// Seed seeds the noise: the same seed, model and start give the same
	// trajectory.
	Seed uint64
	// MaxSteps bounds the steps: Langevin returns IterationLimit, without
	// integrating, if StopTime needs more. Zero means
	// DefaultLangevinMaxSteps.
	MaxSteps int
}

// noiseStream is the PCG stream of the noise, apart from other uses of a
// seed.
const noiseStream = 0x6c616e67 // "lang"

// maxBisect bounds how often a step whose stage fails is halved.
const maxBisect = 6

// Langevin integrates the Langevin equation of m from x (in place) at time
// 0 to StopTime with fixed steps of the stochastic implicit midpoint rule,
// after one backward-Euler step (which, as in Integrate, projects a start
// that violates the branch equations onto them):
//
//	C (x1 - x0) = -h F((x0 + x1)/2) + W,
//
// where W is the integral of the noise current over the step, Gaussian
// with covariance h*S/2 (white noise of one-sided density S has the
// autocorrelation S/2*delta; S is taken at x0, the Itô choice). Each step
// is one stage of Model.Stage, a backward-Euler stage of h/2 to the
// midpoint with the step's mean noise current W/h as a constant current,
// extrapolated to x1 = 2*mid - x0 (node rows; branch currents are the
// midpoint's).
//
// Why this rule: for a linear circuit it leaves the stationary covariance
// of the node voltages exactly that of the continuous equation, whatever
// the step (the solution Σ of A Σ + Σ Aᵀ + Q = 0 solves the discrete
// equation of the Cayley map (I - hA/2)^-1 (I + hA/2) as well), and the
// mean of the trapezoidal quadrature of x over a window of N steps is the
// mean of the N midpoints, which sums the step equations to G*mean =
// (sum of W - C*(x_N - x_0))/(N*h): the zero-frequency limit of the
// continuous equation, so the variance of a long window's mean is right
// too. It is A-stable, so the step need not resolve the fastest modes for
// stability; it must resolve the dynamics one wants to see in time (the
// default, half the shortest node time constant, decays a mode of that
// time constant by 0.6 per step against the exponential's 0.607). The
// step is fixed: a local error estimate on a noisy trajectory measures the
// noise, not the error. A step whose stage fails is split in two halves
// whose noise integrals are drawn from the Brownian bridge (W/2 plus or
// minus half an independent draw of the step's noise), up to six times.
//
// The Outcome has the Status TimeLimit at StopTime, or the failure; Steps
// counts the steps taken, Energy is the energy the sources delivered
// (power at each midpoint times the step; the zero-mean noise currents are
// not counted), Power the power at the end. Observe is called at time 0
// and after every step. Langevin panics if StopTime is not positive and
// finite or Step is negative.
func Langevin(m NoisyModel, x []float64, s LangevinSettings) Outcome {
	if !(s.StopTime > 0) || math.IsInf(s.StopTime, 0) || !(s.Step >= 0) {
		panic(fmt.Sprintf("ode: Langevin with StopTime %v s and Step %v s", s.StopTime, s.Step))
	}
	h := s.Step
	if h == 0 {
		h = 0.5 * m.ShortestTau(x)
	}
	maxSteps := s.MaxSteps
	if maxSteps <= 0 {
		maxSteps = DefaultLangevinMaxSteps
	}
	l := &langevin{m: m, nd: m.NDiff(), rng: rand.New(rand.NewPCG(s.Seed, noiseStream))}
	n := m.Size()
	l.y, l.delta, l.xd = make([]float64, n), make([]float64, l.nd), make([]float64, l.nd)
	l.hist = make([]float64, l.nd)
	m.Observe(0, x, l.xd)
	if float64(maxSteps) < math.Ceil(s.StopTime/h-1e-9) {
		return Outcome{Status: IterationLimit, Xd: l.xd, Power: m.Power(x, l.xd)}
	}
	var (
		t      float64
		steps  int
		status = TimeLimit
	)
	for t < s.StopTime {
		// Times are multiples of h, not sums of steps, so that a stop
		// time of n steps takes n steps.
		hs, last := h, false
		if s.StopTime-t <= h*(1+1e-9) {
			hs, last = s.StopTime-t, true
		}
		w := l.buf(0)
		m.Noise(w, x, hs, l.rng)
		for i := range w {
			w[i] *= hs
		}
		if st := l.advance(x, hs, 0, steps == 0); st != Converged {
			status = st
			break
		}
		steps++
		if t = float64(steps) * h; last {
			t = s.StopTime
		}
		m.Observe(t, x, l.xd)
		if !(maxAbs(x) <= divergence) {
			status = Diverged
			break
		}
	}
	return Outcome{Status: status, Steps: steps, Time: t, Settling: t, Energy: l.energy, Power: m.Power(x, l.xd), Xd: l.xd}
}

// langevin is the state of one Langevin integration.
type langevin struct {
	m      NoisyModel
	nd     int
	rng    *rand.Rand
	y      []float64   // the stage's state
	delta  []float64   // its increment over the step's start
	xd     []float64   // the mean rate of the last step (node rows)
	hist   []float64   // the stage's constant current
	w      [][]float64 // per bisection depth: the step's noise integral, C
	energy Energy
}

// buf returns the noise integral buffer of depth d.
func (l *langevin) buf(d int) []float64 {
	for len(l.w) <= d {
		l.w = append(l.w, make([]float64, l.nd))
	}
	return l.w[d]
}

// advance takes a step of h from x (in place) with the noise integral
// l.w[d], by backward Euler if be, else by the midpoint rule, and halves
// it (see Langevin) if its stage fails.
func (l *langevin) advance(x []float64, h float64, d int, be bool) Status {
	m, w := l.m, l.w[d]
	alpha, pred := 2/h, 0.5*h
	if be {
		alpha, pred = 1/h, 0
	}
	for i := range l.nd {
		l.hist[i] = -w[i] / h
		l.delta[i] = pred * l.xd[i]
	}
	copy(l.y, x)
	st := m.Stage(l.y, x, l.delta, l.hist, alpha, be)
	if st == Converged {
		// The mean rate of change over the step is its increment over h:
		// alpha*delta for backward Euler (delta is the increment) and
		// the midpoint (the increment is 2*delta, alpha 2/h) alike.
		for i, dd := range l.delta {
			l.xd[i] = alpha * dd
		}
		p := m.Power(l.y, l.xd)
		l.energy.Sources += h * p.Sources
		l.energy.Controlled += h * p.Controlled
		if be {
			copy(x, l.y)
		} else {
			copy(x[l.nd:], l.y[l.nd:])
			for i, dd := range l.delta {
				x[i] += 2 * dd
			}
		}
		return Converged
	}
	if d >= maxBisect {
		return st
	}
	// The Brownian bridge: given the integral w over the step, the
	// integral over its first half is w/2 plus half an independent draw
	// of a step's integral, and the second half's is the rest.
	second := make([]float64, l.nd)
	m.Noise(second, x, h, l.rng)
	w1 := l.buf(d + 1)
	for i := range w {
		half := 0.5 * h * second[i]
		w1[i] = 0.5*w[i] + half
		second[i] = 0.5*w[i] - half
	}
	if st := l.advance(x, h/2, d+1, be); st != Converged {
		return st
	}
	copy(l.buf(d+1), second)
	return l.advance(x, h/2, d+1, false)
}

// NoisyTransient integrates m from x (in place) as a transient with noise.
// It first integrates a copy of x without noise, with the step control
// det and nobody observing, for the noiseless circuit's status and
// settling time; then Langevin from x with ls to ls.StopTime or, if that is
// zero, to the noiseless settling time (a noisy state never settles). The
// Outcome is Langevin's, with Settling the noiseless settling time (the
// stop time if it had not settled by then) and the Status of the first
// integration that failed, else Converged if the noiseless circuit settled
// by the stop time and TimeLimit if not. If there is nothing to integrate
// (it settles at once), x becomes the noiseless end.
func NoisyTransient(m NoisyModel, x []float64, det Settings, ls LangevinSettings) Outcome {
	quiet := append([]float64(nil), x...)
	det.StopTime = ls.StopTime
	o := New(quietModel{m}, det).Integrate(quiet)
	if o.Status != Converged && o.Status != TimeLimit {
		return o
	}
	if ls.StopTime == 0 {
		ls.StopTime = o.Settling
	}
	if ls.StopTime <= 0 {
		copy(x, quiet)
		m.Observe(0, x, o.Xd)
		return o
	}
	out := Langevin(m, x, ls)
	if out.Status == TimeLimit {
		out.Status = o.Status
	}
	out.Settling = o.Settling
	return out
}

// quietModel is a model whose states nobody observes.
type quietModel struct{ NoisyModel }

func (quietModel) Observe(float64, []float64, []float64) {}
