package ode

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Model is a circuit's ODE C dx/dt = -F(x) in the representation that a
// transient integrates: the unknowns of the dense system, or the folded
// node voltages of a layered network. The first ndiff entries of the state
// are node voltages, under error control; any others (branch currents) are
// algebraic.
type Model interface {
	Size() int
	NDiff() int
	// NodeMap returns, for every free node of the circuit, the node row
	// whose voltage moves it and by what factor (a node driven by an
	// amplifier moves Gain times as far as its driver); nil for the
	// identity.
	NodeMap() (rows []int, gains []float64)
	// ShortestTau returns the shortest node time constant at x, seconds.
	ShortestTau(x []float64) float64
	// Stage solves F(x) + alpha*C*delta + hist = 0 with x = xn + delta on
	// the node rows (hist nil means zero) for x and delta, in place:
	// delta holds the predicted increment on entry. first says that the
	// Stage starts a transient, from a state that may be far from
	// consistent. It returns Converged or the reason it failed.
	Stage(x, xn, delta, hist []float64, alpha float64, first bool) Status
	// CapMul sets dst = C*v on the node rows.
	CapMul(dst, v []float64)
	// Filter replaces v (node rows) by (alpha*C + J)^-1 * alpha*C*v, with
	// J the Jacobian of the last stage solved; it reports false if it
	// could not.
	Filter(v []float64, alpha float64) bool
	// Steady reports whether x has settled to an equilibrium that meets
	// the DC acceptance test, and if so may move x onto it (by no more
	// than a tenth of SettleTol); q is the capacitive current C dx/dt at
	// x (node rows), which equals -F(x) up to the stage's tolerance.
	Steady(x, q []float64) bool
	// Power returns the power the sources deliver at x while the node
	// voltages change at xdot (V/s).
	Power(x, xdot []float64) mna.Power
	// Observe passes the state at time t, where the node voltages change
	// at xdot, to the caller's Observe.
	Observe(t float64, x, xdot []float64)
}

// TR-BDF2 with gamma = 2 - sqrt(2) (Bank et al. 1985; Hosea and Shampine
// 1996): a trapezoidal stage to t + gamma*h, then a BDF2 stage through
// t, t + gamma*h and t + h. Both stages have the same ratio of step to
// capacitance in their matrices, the method is L-stable and second order,
// and its error constant (trbdfErr) is a fifth of BDF2's.
var (
	trbdfGamma = 2 - math.Sqrt2
	// BDF2 stage: x1 - trbdfA*xg + (trbdfA-1)*x0 = trbdfD*h*x1'.
	trbdfA = 1 / (trbdfGamma * (2 - trbdfGamma))
	trbdfD = trbdfGamma / 2 // = (1 - gamma)/(2 - gamma)
	// The quadrature the method implies: the integral of x' over a step
	// is h*(trbdfW*(x0' + xg') + trbdfD*x1').
	trbdfW = 1 / (2 * (2 - trbdfGamma))
	// The local truncation error is trbdfErr*h^3*x'''.
	trbdfErr = (-3*trbdfGamma*trbdfGamma + 4*trbdfGamma - 2) / (12 * (2 - trbdfGamma))
)

// Outcome is how an integration ended.
type Outcome struct {
	// Status is Converged (settled, or settled before the stop time),
	// TimeLimit (stopped at the stop time before it settled), or why it
	// failed: a stage's Status, Diverged, or IterationLimit when MaxSteps
	// or MaxTime ran out.
	Status Status
	// Steps counts the accepted steps, Time is the simulated time reached
	// in seconds and Settling the settling time (see Settings.SettleTol).
	Steps          int
	Time, Settling float64
	// Energy is the energy delivered until Settling (until the stop
	// time, if one was given), Power the power at the final state.
	Energy Energy
	Power  mna.Power
	// Xd is dx/dt at the final state (node rows). It belongs to the
	// Integrator.
	Xd []float64
}

// Integrator integrates a Model. It keeps its work space from one
// integration to the next (Reset). It is not safe for concurrent use.
type Integrator struct {
	m      Model
	ts     Settings
	trbdf  bool
	n, nd  int
	rows   []int     // see Model.nodeMap
	gains  []float64 //
	eg     []float64 // per node row, the largest factor of its nodes; nil for ones
	gsq    []float64 // per node row, the sum of the squares of its nodes' factors; nil for ones
	count  int       // free nodes of the circuit
	xprev  []float64 // the state before the last accepted step
	y, yg  []float64 // the step's end and TR stage states
	dg, d1 []float64 // their increments over the step
	xd     []float64 // dx/dt at the present state (node rows)
	xdPrev []float64 // dx/dt one step earlier
	xdg    []float64 // dx/dt at the TR stage
	xd1    []float64 // dx/dt at the step's end
	hist   []float64
	q      []float64
	est    []float64
	tr     trajectory
	pn     mna.Power // power at the present state
	hprev  float64   // the last TR-BDF2 step, whose slopes xdPrev and xd end; 0 if none
}

// Integrate integrates m from x (in place) at time 0 as s says; s must
// have its defaults applied (Settings.WithDefaults).
func Integrate(m Model, x []float64, s Settings) Outcome {
	return New(m, s).Integrate(x)
}

// Integrate integrates its model from x (in place) at time 0.
func (it *Integrator) Integrate(x []float64) Outcome {
	it.m.Observe(0, x, it.xd)
	it.tr.add(0, x, Energy{})
	return it.run(x)
}

// New returns an Integrator of m with the settings s, whose defaults must
// be applied (Settings.WithDefaults).
func New(m Model, ts Settings) *Integrator {
	n, nd := m.Size(), m.NDiff()
	it := &Integrator{
		m: m, n: n, nd: nd,
		xprev: make([]float64, n), y: make([]float64, n), yg: make([]float64, n),
		dg: make([]float64, nd), d1: make([]float64, nd),
		xd: make([]float64, nd), xdPrev: make([]float64, nd), xdg: make([]float64, nd), xd1: make([]float64, nd),
		hist: make([]float64, nd), q: make([]float64, nd), est: make([]float64, nd),
	}
	it.rows, it.gains = m.NodeMap()
	it.count = nd
	if it.rows != nil {
		it.count = len(it.rows)
		it.eg, it.gsq = make([]float64, nd), make([]float64, nd)
		for k, r := range it.rows {
			g := it.gains[k]
			it.eg[r] = math.Max(it.eg[r], math.Abs(g))
			it.gsq[r] += g * g
		}
	}
	it.Reset(ts)
	return it
}

// Reset readies it for another integration of its model with ts, keeping
// its memory.
func (it *Integrator) Reset(ts Settings) {
	it.ts, it.trbdf = ts, ts.Method != MethodBE
	clear(it.xd)
	clear(it.xdPrev)
	it.hprev, it.pn = 0, mna.Power{}
	it.tr.reset(it.nd)
}

// run is the step loop: it takes steps of the method, judges their error,
// stops at the equilibrium or at StopTime, and keeps the energy. Its cases
// (failed stages, rejected steps, the stop time, the end) belong together.
func (it *Integrator) run(x []float64) Outcome {
	ts, m := &it.ts, it.m
	h := ts.InitialStep
	if h <= 0 {
		h = initialStepFrac * m.ShortestTau(x)
	}
	hmin := minStepFrac * h
	var (
		t, hprev float64
		steps    int
		fails    int
		rejected bool
		energy   Energy
		status   = IterationLimit
	)
	for steps < ts.MaxSteps && (ts.MaxTime <= 0 || t < ts.MaxTime) {
		last := ts.StopTime > 0 && h >= ts.StopTime-t
		if last {
			h = ts.StopTime - t
		}
		var (
			st     Status
			next   float64 // the factor for the next step, or the step to retry
			reject bool
			de     Energy
			p1     mna.Power
		)
		if !it.trbdf || steps == 0 {
			// TR-BDF2 begins with a backward-Euler step: its
			// trapezoidal stage needs dx/dt at a consistent state, and
			// the start may violate the branch equations.
			st, next, reject = it.stepBE(x, h, hprev, steps, hmin)
			if st == Converged && !reject {
				p1 = m.Power(it.y, it.xd1)
				de = Energy{h * p1.Sources, h * p1.Controlled}
			}
		} else {
			var pg mna.Power
			st, next, reject, pg = it.stepTRBDF2(x, h, hmin)
			if st == Converged && !reject {
				p1 = m.Power(it.y, it.xd1)
				w, d := h*trbdfW, h*trbdfD
				de = Energy{
					Sources:    w*(it.pn.Sources+pg.Sources) + d*p1.Sources,
					Controlled: w*(it.pn.Controlled+pg.Controlled) + d*p1.Controlled,
				}
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
		if reject {
			h, rejected = next, true
			continue
		}
		if rejected {
			// A step just rejected is not followed by a longer one:
			// the error is changing faster than the estimate says.
			next = math.Min(next, 1)
			rejected = false
		}
		fails = 0
		copy(it.xprev, x)
		copy(x, it.y)
		copy(it.xdPrev, it.xd)
		copy(it.xd, it.xd1)
		it.hprev = 0
		if it.trbdf && steps > 0 {
			it.hprev = h
		}
		it.pn = p1
		energy.Sources += de.Sources
		energy.Controlled += de.Controlled
		hprev = h
		if t += h; last {
			t = ts.StopTime
		}
		steps++
		m.Observe(t, x, it.xd)
		it.tr.add(t, x, energy)
		if !(maxAbs(x) <= divergence) {
			// An unstable equilibrium: the state runs away from it.
			status = Diverged
			break
		}
		// The capacitive current at the new state, for the quick part
		// of the DC test.
		m.CapMul(it.q, it.xd)
		if m.Steady(x, it.q) {
			status = Converged
			break
		}
		if ts.StopTime > 0 && t >= ts.StopTime {
			status = TimeLimit
			break
		}
		h *= next
	}
	return it.finish(x, status, steps, t, energy)
}

// finish returns the outcome of an integration that ended at x, at time t
// after steps steps, with status and the energy delivered until t.
func (it *Integrator) finish(x []float64, status Status, steps int, t float64, energy Energy) Outcome {
	ts, m := &it.ts, it.m
	out := Outcome{Status: status, Steps: steps, Time: t, Energy: energy, Power: it.pn, Xd: it.xd}
	switch status {
	case Converged:
		clear(it.xd)
		out.Power = m.Power(x, it.xd)
		out.Settling = it.tr.settlingTime(x, ts.SettleTol, it.eg)
		if ts.StopTime > 0 {
			if rest := ts.StopTime - t; rest > 0 {
				// Settled before the stop time: the state stays.
				out.Energy.Sources += rest * out.Power.Sources
				out.Energy.Controlled += rest * out.Power.Controlled
				out.Time = ts.StopTime
				m.Observe(out.Time, x, it.xd)
			}
		} else {
			out.Energy = it.tr.energyAt(out.Settling)
		}
	case TimeLimit:
		out.Settling = t
	}
	return out
}

// stepBE takes a backward-Euler step of h from x into it.y. It returns the
// stage's status and, if the stage converged, next and whether the error
// estimate rejects the step: next is the step to retry with if it does,
// else the factor by which the next step may grow.
func (it *Integrator) stepBE(x []float64, h, hprev float64, steps int, hmin float64) (Status, float64, bool) {
	ts, nd := &it.ts, it.nd
	// The linear predictor needs two consistent states. The start may
	// violate the branch constraints; the first step then carries an
	// impulse, which controlled sources pass on to nodes whose voltage
	// only the second step brings back. So the predictor, and the error
	// estimate, start at the fourth step.
	usePred := !it.trbdf && steps >= 3
	pred := it.dg
	for i := range pred {
		pred[i] = 0
		if usePred {
			pred[i] = h / hprev * (x[i] - it.xprev[i])
		}
	}
	copy(it.d1, pred)
	copy(it.y, x)
	if st := it.m.Stage(it.y, x, it.d1, nil, 1/h, steps == 0); st != Converged {
		return st, 0, false
	}
	for i, d := range it.d1 {
		it.xd1[i] = d / h
	}
	growth := ts.MaxGrowth
	if usePred {
		// Milne's device: the backward-Euler error is h/(h+hprev)
		// times the predictor-corrector difference.
		r := h / (h + hprev)
		for i := range nd {
			it.est[i] = r * (it.d1[i] - pred[i])
		}
		errMax := it.errNorm(false)
		if errMax > 1 && h > hmin {
			// Below hmin the step is accepted whatever its error.
			return Converged, math.Max(hmin, h*math.Max(minStepShrink, safety/math.Sqrt(errMax))), true
		}
		if errMax > 0 {
			growth = math.Min(growth, safety/math.Sqrt(errMax))
		}
	}
	return Converged, growth, false
}

// stepTRBDF2 takes a TR-BDF2 step of h from x into it.y, as stepBE, and
// returns the power at the TR stage too.
func (it *Integrator) stepTRBDF2(x []float64, h, hmin float64) (Status, float64, bool, mna.Power) {
	ts, m, nd := &it.ts, it.m, it.nd
	g := trbdfGamma
	hg := g * h
	// Both stages have the matrix alpha*C + J with this alpha (trbdfD is
	// gamma/2), so a model may reuse the first stage's factorization.
	alpha := 2 / hg
	// Trapezoidal stage to t + gamma*h: C*(xg - x)*alpha = C*x' + C*xg'.
	m.CapMul(it.hist, it.xd)
	// The prediction: Taylor's to second order, x'' from the last two
	// slopes.
	c2 := 0.0
	if it.hprev > 0 {
		c2 = hg * hg / (2 * it.hprev)
	}
	for i := range it.hist {
		it.hist[i] = -it.hist[i]
		it.dg[i] = hg*it.xd[i] + c2*(it.xd[i]-it.xdPrev[i])
	}
	copy(it.yg, x)
	if st := m.Stage(it.yg, x, it.dg, it.hist, alpha, false); st != Converged {
		return st, 0, false, mna.Power{}
	}
	for i := range nd {
		it.xdg[i] = alpha*it.dg[i] - it.xd[i]
	}
	pg := m.Power(it.yg, it.xdg)
	// BDF2 stage to t + h through x, xg and x1:
	// x1 - x - trbdfA*(xg - x) = trbdfD*h*x1' = x1'/alpha.
	m.CapMul(it.hist, it.dg)
	for i := range it.hist {
		it.hist[i] *= -alpha * trbdfA
		// The quadratic through x (with its slope) and xg, at t + h.
		c := (it.dg[i] - hg*it.xd[i]) / (g * g)
		it.d1[i] = h*it.xd[i] + c
	}
	copy(it.y, it.yg)
	if st := m.Stage(it.y, x, it.d1, it.hist, alpha, false); st != Converged {
		return st, 0, false, pg
	}
	for i := range nd {
		it.xd1[i] = alpha * (it.d1[i] - trbdfA*it.dg[i])
	}
	// The error estimate: trbdfErr*h^3*x''', x''' from the divided
	// difference of x' over the step's three points, filtered through
	// the stage's matrix so that stiff components, which the method
	// damps, do not count (Hosea and Shampine).
	for i := range nd {
		dd := it.xd[i]/g - it.xdg[i]/(g*(1-g)) + it.xd1[i]/(1-g)
		it.est[i] = 2 * trbdfErr * h * dd
	}
	if !m.Filter(it.est, alpha) {
		return Singular, 0, false, pg
	}
	errMax := it.errNorm(true)
	if math.IsNaN(errMax) {
		return Diverged, 0, false, pg
	}
	if errMax > 1 && h > hmin {
		return Converged, math.Max(hmin, h*math.Max(minStepShrink, safety*math.Cbrt(1/errMax))), true, pg
	}
	growth := ts.MaxGrowth
	if errMax > 0 {
		growth = math.Min(growth, safety*math.Cbrt(1/errMax))
	}
	return Converged, growth, false, pg
}

// errNorm returns the estimated error it.est of the step relative to its
// tolerance, TrAbsTol + TrRelTol*|d| with d the step's increment it.d1,
// for every free node of the circuit. With trbdf it is TR-BDF2's norm: d is
// the largest increment of any node in the step (a relative tolerance of
// the state, not of each node), and the root mean square over the nodes is
// returned. Otherwise it is backward Euler's: d is each node's own
// increment, and the largest ratio is returned. A NaN estimate gives NaN.
func (it *Integrator) errNorm(trbdf bool) float64 {
	abs, rel := it.ts.TrAbsTol, it.ts.TrRelTol
	if trbdf {
		// One tolerance for all nodes: the sum of squares goes by row,
		// each row weighted by the squares of its nodes' factors.
		var dm, sum float64
		for i, d := range it.d1 {
			if a := it.eg1(i) * math.Abs(d); a > dm {
				dm = a
			}
			e := it.est[i]
			sum += it.g2(i) * e * e
		}
		if sum != sum {
			return sum
		}
		tol := abs + rel*dm
		return math.Sqrt(sum/float64(it.count)) / tol
	}
	var largest float64
	if it.rows == nil {
		for i, e := range it.est {
			r := math.Abs(e) / (abs + rel*math.Abs(it.d1[i]))
			if r > largest {
				largest = r
			} else if r != r {
				return r
			}
		}
		return largest
	}
	for k, row := range it.rows {
		g := math.Abs(it.gains[k])
		r := g * math.Abs(it.est[row]) / (abs + rel*g*math.Abs(it.d1[row]))
		if r > largest {
			largest = r
		} else if r != r {
			return r
		}
	}
	return largest
}

// eg1 returns the largest factor of row i's nodes, g2 the sum of their
// squares.
func (it *Integrator) eg1(i int) float64 {
	if it.eg == nil {
		return 1
	}
	return it.eg[i]
}

func (it *Integrator) g2(i int) float64 {
	if it.gsq == nil {
		return 1
	}
	return it.gsq[i]
}
