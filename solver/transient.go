package solver

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/solve"
)

// fallbackFactor is the iteration budget of a step's fallbacks, in
// MaxIterations.
const fallbackFactor = 5

// Transient integrates the circuit's ODE C dx/dt = -F(x) from x0 (nil
// means all zeros) at time 0 until it reaches the equilibrium, and returns
// that equilibrium. C holds sys.Capacitances: the node capacitances and
// capacitors. Branch rows have no capacitance; their equations are
// constraints at every step, so a start that violates them (the zero start
// with a floating voltage source) is projected onto them by the first
// step, as the physical circuit would be by an impulse. Sources are
// constant: they are on, at their values, from time 0. Transient panics if
// x0 has the wrong length or the settings are invalid.
//
// The default method is TR-BDF2 (TransientSettings.Method): each step a
// trapezoidal stage to t + (2-sqrt 2)*h, then a BDF2 stage to t + h. It is
// second order, so it tracks a settling exponential within 1% at some
// three steps per time constant, and L-stable like backward Euler: stiff,
// fast transients are damped, never rung, as the trapezoidal rule alone
// would ring them. Its step is adapted to an estimate of the local
// truncation error (Hosea and Shampine's, filtered through the step's
// matrix so that stiff components do not count). It starts with one
// backward-Euler step, since the start may be inconsistent. Backward Euler
// (MethodBE) is first order: it needs some three times the steps for a
// settling time 6% long, but for circuits without controlled sources it
// decreases the co-content at every step whatever its size, since each
// step minimises E(x) + |x - x_prev|²_C/(2h) subject to the branch
// equations. Either way each stage's implicit equation is solved by Newton
// with junction limiting and the tolerances of Settings; a step that fails
// is retried shorter, and steps grow by MaxGrowth at most once transients
// have decayed.
//
// Transient stops at the first accepted state that meets Newton's
// acceptance test for the DC equilibrium (KCL residual, and a Newton update
// from it within the voltage tolerance); that last update, smaller than the
// tolerance, is applied, so Newton and Transient agree to well within
// VoltTol + RelTol*|x| where the equilibrium is unique. With StopTime it
// stops there instead (see TransientSettings).
//
// Result.Steps counts accepted steps, Result.Iterations Newton iterations
// over all stages, Result.Time is the simulated time reached and
// Result.SettlingTime the time after which every free node voltage stayed
// within SettleTol of its final value (StopTime if it had not settled by
// then). Result.Energy is the energy the sources delivered until
// SettlingTime (until StopTime if given), integrated with the quadrature
// the method implies, so that the charge a pinned node delivers is exactly
// what the capacitances and conductances took; Result.Power is the power
// at the final state. Energy does not include the impulse that charges a
// capacitor between two fixed nodes at time 0.
//
// With thermal noise on (TransientSettings.Noise; by default the circuit's
// ThermalNoise), Transient integrates the Langevin equation C dx/dt =
// -F(x) + xi(t), xi the white noise currents of the circuit's conductances
// and junctions at their state (mna.System.NoiseSources), in fixed steps of
// NoiseStep by the stochastic implicit midpoint rule with noise seeded by
// Seed (ode.Langevin says why this rule and how), to StopTime or, without
// one, to the settling time of the same transient without noise, which it
// integrates first. The Status and SettlingTime are the noiseless
// transient's (a noisy state never settles); Steps, Energy and Power are
// the noisy trajectory's, and MaxSteps bounds its steps (zero means
// ode.DefaultLangevinMaxSteps).
//
// If the equilibrium is not reached within MaxSteps or MaxTime, a step
// cannot be solved, or the state runs away (beyond 1e30 in any unknown:
// an equilibrium that Newton may find can be unstable), Transient returns
// the last state, a Status other than Converged and a *ConvergenceError
// naming the node with the largest KCL residual. For a system with more
// than Settings.MaxSize unknowns it returns a *SizeError and does not
// integrate.
func Transient(sys *mna.System, x0 []float64, set *TransientSettings) (Result, error) {
	ts := set.WithDefaults()
	if err := checkSize(sys, ts.Settings); err != nil {
		return Result{}, err
	}
	n := sys.Size()
	x := make([]float64, n)
	if x0 != nil {
		if len(x0) != n {
			panic(fmt.Sprintf("solver: len(x0) = %d, want %d", len(x0), n))
		}
		copy(x, x0)
	}
	e := newEngine(sys, ts.Settings, capacitors(sys))
	if n == 0 {
		if ts.Observe != nil {
			ts.Observe(0, x)
		}
		return e.result(x, "transient", Converged), nil
	}
	m := newDenseODE(e, &ts)
	out := solve.Integrate(m, nil, x, &ts, set, ts.Noisy(sys))
	r := e.result(x, "transient", out.Status)
	r.Steps, r.Time, r.SettlingTime = out.Steps, out.Time, out.Settling
	r.Energy, r.Power = out.Energy, out.Power
	if out.Status != Converged && out.Status != TimeLimit {
		return r, &ConvergenceError{Status: out.Status, Method: "transient", Residual: r.Residual, WorstNode: r.WorstNode}
	}
	return r, nil
}

// shortestTau returns the shortest node time constant C_ii/G_ii in
// seconds, with G_ii the conductance of the linear elements at node i.
// Junctions are left out: at an inconsistent start one may be forward
// biased by volts, with a time constant of 1e-30 s that no step can or
// need resolve. Only a circuit without linear conductances falls back to
// the Jacobian at x.
func (e *engine) shortestTau(x []float64) float64 {
	cdiag := make([]float64, e.nf)
	for _, c := range e.caps {
		cdiag[c.i] += c.c
		if c.j >= 0 {
			cdiag[c.j] += c.c
		}
	}
	g := e.sc.LinearConductance()
	tau := math.Inf(1)
	for i, c := range cdiag {
		if g[i] > 0 && c > 0 {
			tau = math.Min(tau, c/g[i])
		}
	}
	if !math.IsInf(tau, 1) {
		return tau
	}
	o := runOpts{}
	e.eval(e.f, true, x, nil, nil, &o)
	for i, c := range cdiag {
		if g := e.jac.Diag(i); g > 0 && c > 0 {
			tau = math.Min(tau, c/g)
		}
	}
	if math.IsInf(tau, 1) {
		return 1e-9
	}
	return tau
}

// steady reports whether x meets the DC acceptance test; if it does, it
// applies the final Newton update to x.
func (e *engine) steady(x []float64) bool {
	o := runOpts{}
	e.eval(e.f, false, x, nil, nil, &o)
	e.tolerances(x, &o)
	if !e.sc.KCLOK(e.f) {
		return false
	}
	e.eval(e.f, true, x, nil, nil, &o)
	e.jac.Factor()
	e.iters++
	for i, v := range e.f {
		e.rhs[i] = -v
	}
	if !e.jac.Solve(e.d, e.rhs) || !e.sc.UpdateOK(e.d) {
		return false
	}
	copy(e.xk, x)
	for i := range x {
		x[i] += e.d[i]
	}
	e.eval(e.f, false, x, nil, nil, &o)
	e.tolerances(x, &o)
	if !e.sc.KCLOK(e.f) {
		copy(x, e.xk)
	}
	return true
}
