package solver

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Defaults of TransientSettings.
const (
	// DefaultStepIterations bounds the Newton iterations of one time step.
	DefaultStepIterations = 20
	// DefaultMaxSteps bounds the accepted time steps.
	DefaultMaxSteps = 20000
	// DefaultSettleTol is the settling tolerance in volts.
	DefaultSettleTol = 1e-6
	// DefaultTrAbsTol is the absolute local truncation error allowed per
	// step, in volts.
	DefaultTrAbsTol = 1e-7
	// DefaultTrRelTol is the local truncation error allowed per step
	// relative to the step's change of the node voltage.
	DefaultTrRelTol = 0.05
	// DefaultMaxGrowth bounds the ratio of successive steps.
	DefaultMaxGrowth = 2
)

// TransientSettings configures Transient. A nil *TransientSettings means
// all defaults, and so does the zero value of each field.
type TransientSettings struct {
	// Settings holds the Newton tolerances of every time step and of the
	// steady state, as for Newton. Its MaxIterations bounds the iterations
	// of one Newton run of a time step (zero means DefaultStepIterations);
	// a run that fails is followed by two fallbacks with five times that
	// budget, and if they fail too the step is retried an eighth as long.
	// Its fallback switches are unused.
	Settings

	// MaxSteps bounds the number of accepted steps. Zero means
	// DefaultMaxSteps.
	MaxSteps int
	// MaxTime is the simulated time in seconds after which Transient gives
	// up. Zero means no limit.
	MaxTime float64
	// InitialStep is the first time step in seconds. Zero means a
	// thousandth of the shortest node time constant C_ii/G_ii, where G_ii
	// is the conductance of the linear elements at node i. No step is
	// shorter than a thousandth of the initial step: the error estimate
	// is ignored there, and a step whose Newton iteration fails there is a
	// failure of the transient.
	InitialStep float64
	// TrAbsTol (volts) and TrRelTol bound the estimated local truncation
	// error of each node voltage in each step by TrAbsTol + TrRelTol*|dv|,
	// where dv is the step's change of that voltage. The relative part
	// keeps every decaying transient resolved (some ten steps per time
	// constant with the default), the absolute part lets the step grow
	// once all transients have decayed below it. With the defaults the
	// settling time of an RC stage comes out some 6% long (backward Euler
	// decays a little slower than the exponential); TrAbsTol 1e-8 and
	// TrRelTol 0.01 bring that to 2% for four times the steps. Zero means
	// DefaultTrAbsTol and DefaultTrRelTol.
	TrAbsTol, TrRelTol float64
	// MaxGrowth bounds the ratio of a step to the one before. Zero means
	// DefaultMaxGrowth.
	MaxGrowth float64
	// SettleTol is the settling tolerance in volts for
	// Result.SettlingTime. Zero means DefaultSettleTol.
	SettleTol float64
	// Observe, if not nil, is called with the initial state at time 0 and
	// with the state after every accepted step. It must not modify or
	// retain x.
	Observe func(t float64, x []float64)
}

func (s *TransientSettings) withDefaults() TransientSettings {
	var d TransientSettings
	if s != nil {
		d = *s
	}
	if d.MaxIterations <= 0 {
		d.MaxIterations = DefaultStepIterations
	}
	d.Settings = d.Settings.withDefaults()
	if d.MaxSteps <= 0 {
		d.MaxSteps = DefaultMaxSteps
	}
	if d.TrAbsTol <= 0 {
		d.TrAbsTol = DefaultTrAbsTol
	}
	if d.TrRelTol <= 0 {
		d.TrRelTol = DefaultTrRelTol
	}
	if d.MaxGrowth <= 1 {
		d.MaxGrowth = DefaultMaxGrowth
	}
	if d.SettleTol <= 0 {
		d.SettleTol = DefaultSettleTol
	}
	return d
}

// Limits of the step control.
const (
	maxStepFailures = 30   // consecutive failed Newton solves of a step
	minStepShrink   = 0.2  // smallest ratio of a retried step to the rejected one
	safety          = 0.9  // of the step the error estimate allows
	initialStepFrac = 1e-3 // of the shortest node time constant
	minStepFrac     = 1e-3 // of the initial step
	fallbackFactor  = 5    // iteration budget of a step's fallbacks, in MaxIterations
	divergence      = 1e30 // V or A: a state beyond it has run away
)

func maxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// Transient integrates the circuit's ODE C dx/dt = -F(x) from x0 (nil
// means all zeros) at time 0 until it reaches the equilibrium, and returns
// that equilibrium. C is sys.CapacitanceMatrixTo's capacitance: the node
// capacitances and capacitors. Branch rows have no capacitance; their
// equations are constraints at every step, so a start that violates them
// (the zero start with a floating voltage source) is projected onto them
// by the first step, as the physical circuit would be by an impulse.
// Transient panics if x0 has the wrong length.
//
// The method is backward Euler, which is L-stable (stiff, fast transients
// are damped, never rung) and, for circuits without controlled sources,
// decreases the co-content at every step whatever its size: each step
// minimises E(x) + |x - x_prev|²_C/(2h) subject to the branch equations.
// Its price is first-order accuracy, which matters only to SettlingTime. The step is adapted to an
// estimate of the local truncation error (predictor-corrector difference,
// see TransientSettings) and grows by MaxGrowth a step once transients have
// decayed. Each step's implicit equation is solved by Newton with junction
// limiting and the tolerances of Settings; a step that fails is retried
// shorter.
//
// Transient stops at the first accepted state that meets Newton's
// acceptance test for the DC equilibrium (KCL residual, and a Newton update
// from it within the voltage tolerance); that last update, smaller than the
// tolerance, is applied, so Newton and Transient agree to well within
// VoltTol + RelTol*|x| where the equilibrium is unique.
//
// Result.Steps counts accepted steps, Result.Iterations Newton iterations
// over all steps, Result.Time is the simulated time reached and
// Result.SettlingTime the time after which every free node voltage stayed
// within SettleTol of its final value (interpolated linearly within the
// step where it entered that band).
//
// If the equilibrium is not reached within MaxSteps or MaxTime, a step
// cannot be solved, or the state runs away (beyond 1e30 in any unknown:
// an equilibrium that Newton may find can be unstable), Transient returns
// the last state, a Status other than Converged and a *ConvergenceError
// naming the node with the largest KCL residual. For a system with more
// than Settings.MaxSize unknowns it returns a *SizeError and does not
// integrate.
func Transient(sys *mna.System, x0 []float64, set *TransientSettings) (Result, error) {
	ts := set.withDefaults()
	if err := checkSize(sys, ts.Settings); err != nil {
		return Result{}, err
	}
	n, nf := sys.Size(), sys.NumFree()
	x := make([]float64, n)
	if x0 != nil {
		if len(x0) != n {
			panic(fmt.Sprintf("solver: len(x0) = %d, want %d", len(x0), n))
		}
		copy(x, x0)
	}
	e := newEngine(sys, ts.Settings)
	observe := func(t float64) {
		if ts.Observe != nil {
			ts.Observe(t, x)
		}
	}
	observe(0)
	if n == 0 {
		return e.result(x, "transient", Converged), nil
	}
	e.caps = capacitors(sys)
	tr := trajectory{nf: nf}
	tr.add(0, x)

	h := ts.InitialStep
	if h <= 0 {
		h = initialStepFrac * e.shortestTau(x)
	}
	hmin := minStepFrac * h
	var (
		t, hprev float64
		steps    int
		fails    int
		status   = IterationLimit
		xprev    = make([]float64, n)
		y        = make([]float64, n)
		pred     = make([]float64, n)
	)
	for steps < ts.MaxSteps && (ts.MaxTime <= 0 || t < ts.MaxTime) {
		// The linear predictor needs two consistent states. The start may
		// violate the branch constraints; the first step then carries an
		// impulse, which controlled sources pass on to nodes whose
		// voltage only the second step brings back. So the predictor,
		// and the error estimate, start at the fourth step.
		usePred := steps >= 3
		for i := range pred {
			pred[i] = 0
			if usePred && i < nf {
				pred[i] = h / hprev * (x[i] - xprev[i])
			}
		}
		// The first step starts the junctions at their critical voltage:
		// a start that forward biases one by volts would take an
		// iteration per N*Vt to come down. Later steps start from
		// consistent junction voltages. A step that fails tries the
		// other way, then backtracking without limiting, with a larger
		// budget, before it is retried shorter.
		var st Status
		for _, o := range []runOpts{
			{limit: true, init: steps == 0},
			{limit: true, init: steps != 0, iters: fallbackFactor * ts.MaxIterations},
			{search: true, iters: fallbackFactor * ts.MaxIterations},
		} {
			o.invh, o.xold = 1/h, x
			copy(e.delta, pred)
			copy(y, x)
			if st = e.run(y, o); st == Converged {
				break
			}
		}
		if st != Converged {
			fails++
			h /= 8
			if fails > maxStepFailures || h < hmin {
				status = st
				break
			}
			continue
		}
		growth := ts.MaxGrowth
		if usePred {
			// Milne's device: the backward-Euler error is h/(h+hprev)
			// times the predictor-corrector difference.
			r := h / (h + hprev)
			var errMax float64
			for i := 0; i < nf; i++ {
				lte := r * math.Abs(e.delta[i]-pred[i])
				errMax = math.Max(errMax, lte/(ts.TrAbsTol+ts.TrRelTol*math.Abs(e.delta[i])))
			}
			if errMax > 1 && h > hmin {
				// Below hmin the step is accepted whatever its error.
				h = math.Max(hmin, h*math.Max(minStepShrink, safety/math.Sqrt(errMax)))
				continue
			}
			if errMax > 0 {
				growth = math.Min(growth, safety/math.Sqrt(errMax))
			}
		}
		fails = 0
		copy(xprev, x)
		copy(x, y)
		hprev = h
		t += h
		steps++
		observe(t)
		tr.add(t, x)
		if maxAbs(x) > divergence {
			// An unstable equilibrium: the state runs away from it.
			status = Diverged
			break
		}
		if e.steady(x) {
			status = Converged
			break
		}
		h *= growth
	}
	r := e.result(x, "transient", status)
	r.Steps, r.Time = steps, t
	if status != Converged {
		return r, &ConvergenceError{Status: status, Method: "transient", Residual: r.Residual, WorstNode: r.WorstNode}
	}
	r.SettlingTime = tr.settlingTime(x, ts.SettleTol)
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
	g := e.sc.linearConductance()
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
	e.eval(e.f, e.jac, x, nil, nil, &o)
	for i, c := range cdiag {
		if g := e.jac.At(i, i); g > 0 && c > 0 {
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
	e.eval(e.f, nil, x, nil, nil, &o)
	e.tolerances(x, &o)
	if !e.sc.kclOK(e.f) {
		return false
	}
	e.eval(e.f, e.jac, x, nil, nil, &o)
	e.lin.factor(e.jac)
	e.iters++
	for i, v := range e.f {
		e.rhs[i] = -v
	}
	if !e.lin.solve(e.d, e.rhs) || !e.sc.updateOK(e.d) {
		return false
	}
	copy(e.xk, x)
	for i := range x {
		x[i] += e.d[i]
	}
	e.eval(e.f, nil, x, nil, nil, &o)
	e.tolerances(x, &o)
	if !e.sc.kclOK(e.f) {
		copy(x, e.xk)
	}
	return true
}

// trajectory records the free node voltages after every step.
type trajectory struct {
	nf    int
	times []float64
	v     []float64 // len(times) rows of nf
}

func (tr *trajectory) add(t float64, x []float64) {
	tr.times = append(tr.times, t)
	tr.v = append(tr.v, x[:tr.nf]...)
}

// settlingTime returns the time after which every node stayed within tol
// of its final voltage in x.
func (tr *trajectory) settlingTime(x []float64, tol float64) float64 {
	var settle float64
	last := len(tr.times) - 1
	for i := 0; i < tr.nf; i++ {
		final := x[i]
		for k := last; k >= 0; k-- {
			a := tr.v[k*tr.nf+i] - final
			if math.Abs(a) <= tol {
				continue
			}
			ts := tr.times[k]
			if k < last {
				// Entered the band between records k and k+1.
				b := tr.v[(k+1)*tr.nf+i] - final
				var s float64
				if a > 0 {
					s = (a - tol) / (a - b)
				} else {
					s = (a + tol) / (a - b)
				}
				ts += s * (tr.times[k+1] - tr.times[k])
			}
			settle = math.Max(settle, ts)
			break
		}
	}
	return settle
}
