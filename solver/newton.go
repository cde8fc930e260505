package solver

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/jacobian"
	"github.com/eqsim/eqsim/solver/tolerance"

	"github.com/eqsim/eqsim/circuit"
)

// SizeError is returned by Newton and Transient with a dense Jacobian
// (DenseJacobian), before they allocate anything, for a system with more
// unknowns than Settings.MaxSize.
type SizeError struct {
	// Size is the number of unknowns of the system, Max the bound.
	Size, Max int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("solver: %d unknowns are more than the dense solver's limit of %d (Settings.MaxSize): "+
		"its Jacobian would take %.3g GB and every factorization time that grows as n^3; "+
		"use the sparse Jacobian (SparseJacobian or AutoJacobian)", e.Size, e.Max, 8*float64(e.Size)*float64(e.Size)/1e9)
}

// Forms of the general solvers' Jacobian (Settings.Jacobian), from
// package solver/jacobian.
type JacobianKind = jacobian.Kind

const (
	// AutoJacobian is dense for small systems and sparse for large ones,
	// whichever the analysis of its pattern predicts is faster, and never
	// dense above Settings.MaxSize unknowns.
	AutoJacobian = jacobian.Auto
	// DenseJacobian is a dense matrix factored by gonum's LU.
	DenseJacobian = jacobian.Dense
	// SparseJacobian is a sparse matrix (package solver/sparse), ordered
	// and analysed once and refactored at every iteration.
	SparseJacobian = jacobian.Sparse
)

// checkSize returns a *SizeError if s asks for a dense Jacobian and sys
// has more unknowns than s allows.
func checkSize(sys *mna.System, s Settings) error {
	if n := sys.Size(); s.Jacobian == DenseJacobian && s.MaxSize > 0 && n > s.MaxSize {
		return &SizeError{Size: n, Max: s.MaxSize}
	}
	return nil
}

// jacobianFor returns the form of the Jacobian s gives sys.
func jacobianFor(s Settings, sys *mna.System) JacobianKind {
	if s.Jacobian == AutoJacobian && s.MaxSize > 0 && sys.Size() > s.MaxSize {
		return SparseJacobian
	}
	return s.Jacobian
}

// Newton finds the DC operating point of sys by Newton's method on its
// KCL residual, with the Jacobian Settings.Jacobian asks for (by default
// dense for small systems, sparse for large ones), starting from x0 (len sys.Size();
// nil means all zeros). x0 is not modified. Newton panics if x0 has the
// wrong length.
//
// It tries, in order, until one converges:
//
//  1. "newton": full Newton steps with every diode's junction voltage
//     limited as SPICE's pnjlim does (from a cold start, x0 nil, junctions
//     begin at no more than their critical voltage, as in SPICE);
//  2. "damped-newton": Newton steps without junction limiting, each
//     shortened by backtracking until it reduces the residual norm;
//  3. "gmin-stepping": a conductance from every free node to ground,
//     stepped down from 1e-2 S by decades (more finely after a failure) to
//     zero, each stage started from the last;
//  4. "source-stepping": all independent sources (voltage and current
//     sources, inputs) scaled from 0 to 1 in adaptive steps.
//
// Result.Method names the method that converged and Result.Iterations
// counts the Newton iterations of all of them. Settings says when an
// iterate is accepted.
//
// Source stepping scales the sources through sys.SetSourceScale and sets
// the scale back to 1 before Newton returns (also on a panic); it changes
// nothing in sys.Circuit().
//
// If no method converges, Newton returns the finite iterate with the
// smallest residual it has seen, a Status other than Converged, and a
// *ConvergenceError naming the node with the largest KCL residual. With a
// dense Jacobian (DenseJacobian) and more than Settings.MaxSize unknowns
// it returns a *SizeError and does not solve.
func Newton(sys *mna.System, x0 []float64, set *Settings) (Result, error) {
	s := set.WithDefaults()
	if err := checkSize(sys, s); err != nil {
		return Result{}, err
	}
	if x0 != nil && len(x0) != sys.Size() {
		panic(fmt.Sprintf("solver: len(x0) = %d, want %d", len(x0), sys.Size()))
	}
	return newEngine(sys, s, nil).newton(x0)
}

// newton is Newton with the engine e, which keeps its Jacobian's
// analysis from one call to the next.
func (e *engine) newton(x0 []float64) (Result, error) {
	s := e.set
	x := make([]float64, e.n)
	if x0 != nil {
		copy(x, x0)
	}
	e.iters, e.best, e.bestRatio = 0, nil, math.Inf(1)
	if e.n == 0 {
		return e.result(x, "newton", Converged), nil
	}
	e.consider(x)

	// A cold start begins with the junctions at their critical voltage, a
	// warm start with those of x0.
	cold := x0 == nil
	xa := append([]float64(nil), x...)
	first := e.run(xa, runOpts{limit: true, init: cold})
	if first == Converged {
		return e.result(xa, "newton", Converged), nil
	}
	e.consider(xa)
	if !s.NoDamping {
		copy(xa, x)
		if e.run(xa, runOpts{search: true}) == Converged {
			return e.result(xa, "damped-newton", Converged), nil
		}
		e.consider(xa)
	}
	if !s.NoGminStepping {
		if xg, ok := e.gminStepping(x, cold); ok {
			return e.result(xg, "gmin-stepping", Converged), nil
		}
	}
	if !s.NoSourceStepping {
		if xs, ok := e.sourceStepping(); ok {
			return e.result(xs, "source-stepping", Converged), nil
		}
	}
	r := e.result(e.best, "newton", first)
	return r, &ConvergenceError{Status: first, Method: "newton", Residual: r.Residual, WorstNode: r.WorstNode}
}

// Limits of the continuation methods.
const (
	gminStart   = 1e-2 // S, first gmin stage
	gminEnd     = 1e-12
	maxStages   = 200 // per continuation method
	srcStart    = 0.1 // first source step
	srcMinStep  = 1e-6
	armijo      = 1e-4
	minLambda   = 1e-10
	chordFactor = 0.05 // of N*Vt: see engine.chordStep
	stallRatio  = 100  // of the update tolerance, for a stalled time step
)

// engine holds the workspace of Newton runs on one system.
type engine struct {
	sys   *mna.System
	set   Settings
	n, nf int

	f, rhs, dx, d, xk, xtry, ftry []float64
	jac                           jacobian.Matrix
	lim                           *mna.Limiter
	sc                            *tolerance.Scaler
	caps                          []capacitor // for transient steps
	capTerm, capV                 []float64
	delta, dk, dtry               []float64 // voltage increments of a transient step

	// chordStep is the largest node-voltage update, in volts, after which
	// the Jacobian of the previous iterate still judges the size of the
	// next update: 5% of the smallest N*Vt, so that no junction conductance
	// changed by more than about 10%. It is +Inf for linear circuits,
	// whose Jacobian is constant.
	chordStep float64

	iters int

	best      []float64
	bestRatio float64
}

// newEngine returns the engine of Newton runs on sys, with the Jacobian
// that s.Jacobian asks for and room in it for the capacitors of time
// steps.
func newEngine(sys *mna.System, s Settings, caps []capacitor) *engine {
	n := sys.Size()
	e := &engine{
		sys:       sys,
		set:       s,
		n:         n,
		nf:        sys.NumFree(),
		f:         make([]float64, n),
		rhs:       make([]float64, n),
		dx:        make([]float64, n),
		d:         make([]float64, n),
		xk:        make([]float64, n),
		xtry:      make([]float64, n),
		ftry:      make([]float64, n),
		capTerm:   make([]float64, n),
		capV:      make([]float64, n),
		delta:     make([]float64, n),
		dk:        make([]float64, n),
		dtry:      make([]float64, n),
		caps:      caps,
		lim:       sys.NewLimiter(),
		sc:        tolerance.New(sys, s.VoltTol, s.CurrentTol, s.RelTol),
		chordStep: math.Inf(1),
		bestRatio: math.Inf(1),
	}
	pairs := make([]jacobian.Pair, len(caps))
	for k, c := range caps {
		pairs[k] = jacobian.Pair{I: c.i, J: c.j}
	}
	e.jac = jacobian.New(sys, jacobianFor(s, sys), pairs)
	if nvt := e.sc.MinNVt(); nvt > 0 {
		e.chordStep = chordFactor * nvt
	}
	return e
}

// runOpts selects the variant of a Newton run.
type runOpts struct {
	limit  bool      // pnjlim on the junctions
	init   bool      // start the junctions at their critical voltage at most
	search bool      // backtracking on the residual norm
	gmin   float64   // siemens from every free node to ground
	invh   float64   // alpha of a time step's C*alpha*(x - xold), 1/s; 0 for DC
	xold   []float64 // the state at the start of the step; x = xold + engine.delta
	hist   []float64 // per node row, the constant current of the step's integration formula, A; nil for none
	iters  int       // iteration budget; 0 means Settings.MaxIterations
}

// eval writes the residual of the run's problem at x into dst and, if jac
// is true, its Jacobian into e.jac. For a time step the residual is
// F(x) + invh*C*delta + hist, where delta is x minus the state at the start
// of the step, carried separately so that the capacitive currents keep
// their precision when the step is short, and hist is the constant part
// of the capacitive current that the integration formula gives.
func (e *engine) eval(dst []float64, jac bool, x, delta []float64, lim *mna.Limiter, o *runOpts) bool {
	limited := e.jac.Eval(dst, x, lim, jac)
	if o.gmin > 0 {
		for i := 0; i < e.nf; i++ {
			dst[i] += o.gmin * x[i]
			if jac {
				e.jac.AddDiag(i, o.gmin)
			}
		}
	}
	if o.invh > 0 {
		// capTerm is the scale of the rounding errors that C/h brings
		// into the currents of a step: C/h times the voltages. Short
		// steps make it large; the voltage error it stands for is
		// RelTol*|x| whatever the step.
		for i := range e.capTerm {
			e.capTerm[i], e.capV[i] = 0, 0
		}
		for k, c := range e.caps {
			g := c.c * o.invh
			if jac {
				e.jac.AddPair(k, g)
			}
			if c.j < 0 {
				dst[c.i] += g * delta[c.i]
				e.capTerm[c.i] += g * math.Abs(x[c.i])
				continue
			}
			q := g * (delta[c.i] - delta[c.j])
			dst[c.i] += q
			dst[c.j] -= q
			s := g * (math.Abs(x[c.i]) + math.Abs(x[c.j]))
			e.capTerm[c.i] += s
			e.capTerm[c.j] += s
			// The rounding of a node's voltage a capacitor couples in.
			e.capV[c.i] = math.Max(e.capV[c.i], math.Abs(x[c.j]))
			e.capV[c.j] = math.Max(e.capV[c.j], math.Abs(x[c.i]))
		}
		for i, q := range o.hist {
			dst[i] += q
			e.capTerm[i] += math.Abs(q)
		}
	}
	return limited
}

// tolerances updates the scaler's tolerances at x for the run's problem.
func (e *engine) tolerances(x []float64, o *runOpts) {
	var capTerm, capV []float64
	if o.invh > 0 {
		capTerm, capV = e.capTerm, e.capV
	}
	e.sc.Update(x, o.gmin, capTerm, capV)
}

// run iterates Newton on x in place. It returns Converged when x meets the
// tolerances; otherwise x is the last finite iterate. For a time step
// (o.xold not nil) the iterate is the increment engine.delta, which must
// hold the initial guess, and x is kept equal to o.xold + delta.
func (e *engine) run(x []float64, o runOpts) Status {
	maxIter := o.iters
	if maxIter <= 0 {
		maxIter = e.set.MaxIterations
	}
	var lim *mna.Limiter
	if o.limit && !o.search {
		lim = e.lim
		if o.init {
			lim.InitJunctions()
		} else {
			lim.Reset()
		}
	}
	if o.xold != nil {
		for i := range e.nf {
			x[i] = o.xold[i] + e.delta[i]
		}
	}
	limited := e.eval(e.f, true, x, e.delta, lim, &o)
	var w float64 // weight of branch rows in the merit, S
	merit := 0.0
	if o.search {
		for i := 0; i < e.nf; i++ {
			w = math.Max(w, math.Abs(e.jac.Diag(i)))
		}
		w = math.Max(w, circuit.Gmin)
		merit = e.merit(e.f, w)
	}
	near := 0 // KCL-passing iterates with a nearly small update
	for k := 0; k < maxIter; k++ {
		e.jac.Factor()
		for i, v := range e.f {
			e.rhs[i] = -v
		}
		if !e.jac.Solve(e.dx, e.rhs) {
			return Singular
		}
		lambda := 1.0
		if o.search {
			var ok bool
			if lambda, ok = e.backtrack(x, &o, w, &merit); !ok {
				return IterationLimit
			}
		}
		copy(e.xk, x)
		copy(e.dk, e.delta)
		e.move(&o, x, e.delta, e.xk, e.dk, e.dx, lambda)
		e.iters++
		if !allFinite(x) {
			copy(x, e.xk)
			copy(e.delta, e.dk)
			return Diverged
		}
		limited = e.eval(e.f, true, x, e.delta, lim, &o)
		if limited {
			continue
		}
		if lambda*e.nodeStep(e.dx) > e.chordStep {
			continue
		}
		if e.accept(x, &o, &near) {
			return Converged
		}
	}
	return IterationLimit
}

// move sets (dstX, dstD) to (srcX, srcD) + lambda*dx, where D is the
// increment over a time step's start (o.xold; none for DC). Branch
// currents are algebraic: they may jump by orders of magnitude in a step,
// so they are updated directly.
func (e *engine) move(o *runOpts, dstX, dstD, srcX, srcD, dx []float64, lambda float64) {
	nd := 0
	if o.xold != nil {
		nd = e.nf
	}
	for i := range nd {
		dstD[i] = srcD[i] + lambda*dx[i]
		dstX[i] = o.xold[i] + dstD[i]
	}
	for i := nd; i < len(dstX); i++ {
		dstX[i] = srcX[i] + lambda*dx[i]
	}
}

// backtrack halves the Newton step e.dx from x until the merit (weight w
// for branch rows) decreases enough, or the point meets the tolerances,
// and returns the step's length and the new merit. It reports false if
// no step along the Newton direction decreases the merit.
func (e *engine) backtrack(x []float64, o *runOpts, w float64, merit *float64) (float64, bool) {
	lambda := 1.0
	for {
		e.move(o, e.xtry, e.dtry, x, e.delta, e.dx, lambda)
		e.eval(e.ftry, false, e.xtry, e.dtry, nil, o)
		m := e.merit(e.ftry, w)
		if m <= (1-armijo*lambda)**merit {
			*merit = m
			return lambda, true
		}
		// Near the solution the merit is rounding noise: a step to a
		// point that meets the tolerances is good.
		e.tolerances(e.xtry, o)
		if e.sc.KCLRatio(e.ftry) <= 1 {
			*merit = m
			return lambda, true
		}
		lambda /= 2
		if lambda < minLambda {
			// No decrease along the Newton direction: the Jacobian does
			// not describe the residual here.
			return 0, false
		}
	}
}

// accept reports whether the iterate x, whose residual and Jacobian
// e.f and e.jac hold, meets the acceptance test; if so it applies the
// last, smaller-than-tolerance update, where that keeps the KCL test.
// near counts iterates of a time step whose update nearly passed.
func (e *engine) accept(x []float64, o *runOpts, near *int) bool {
	e.tolerances(x, o)
	if !e.sc.KCLOK(e.f) {
		return false
	}
	// The previous factorization estimates the next update.
	for i, v := range e.f {
		e.rhs[i] = -v
	}
	if !e.jac.Solve(e.d, e.rhs) {
		return false
	}
	if r := e.sc.UpdateRatio(e.d); r > 1 {
		// A time step's matrix C/h + J is ill-conditioned when h is
		// short: its updates can stall at a noise floor above the
		// tolerance while KCL holds. Quadratic convergence takes an
		// update below stallRatio times the tolerance to below the
		// tolerance in one iteration; a second such update that does
		// not get there has stalled, at an iterate as good as the
		// arithmetic allows and far better than the step's truncation
		// error. DC runs never stop on a stall.
		if o.xold == nil || r >= stallRatio {
			return false
		}
		if *near++; *near < 2 {
			return false
		}
	}
	copy(e.xk, x)
	copy(e.dk, e.delta)
	e.move(o, x, e.delta, e.xk, e.dk, e.d, 1)
	// Keep the correction only if it keeps the KCL test.
	e.eval(e.f, false, x, e.delta, nil, o)
	e.tolerances(x, o)
	if !e.sc.KCLOK(e.f) {
		copy(x, e.xk)
		copy(e.delta, e.dk)
		e.eval(e.f, false, x, e.delta, nil, o)
	}
	return true
}

// merit is the squared residual norm for backtracking, with branch rows
// (volts) weighted by w siemens to make them currents.
func (e *engine) merit(f []float64, w float64) float64 {
	var m float64
	for i, v := range f {
		if i >= e.nf {
			v *= w
		}
		m += v * v
	}
	if math.IsNaN(m) {
		return math.Inf(1)
	}
	return m
}

// nodeStep returns the largest node-voltage change of the update d.
func (e *engine) nodeStep(d []float64) float64 {
	var m float64
	for _, v := range d[:e.nf] {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// consider keeps x as the fallback answer if its true residual, relative
// to the tolerances, is the smallest seen.
func (e *engine) consider(x []float64) {
	if !allFinite(x) {
		return
	}
	o := runOpts{}
	e.eval(e.f, false, x, nil, nil, &o)
	e.tolerances(x, &o)
	r := e.sc.KCLRatio(e.f)
	if e.best == nil || r < e.bestRatio {
		e.best = append(e.best[:0], x...)
		e.bestRatio = r
	}
}

// result builds the Result for x with its true residual.
func (e *engine) result(x []float64, method string, st Status) Result {
	r := Result{X: x, Status: st, Method: method, Iterations: e.iters}
	if e.n > 0 {
		e.sys.Eval(e.f, nil, x, nil)
		r.Residual, r.WorstNode = e.sys.ResidualNorm(e.f)
	}
	return r
}

// gminStepping solves with a shunt conductance g from every free node to
// ground, g stepped down from gminStart to zero, from x0. A failed stage is
// retried from the last solution with a smaller reduction factor.
func (e *engine) gminStepping(x0 []float64, cold bool) ([]float64, bool) {
	x := append([]float64(nil), x0...)
	xt := make([]float64, len(x))
	g, factor := gminStart, 10.0
	good := false
	lastG := 0.0
	for stage := 0; stage < maxStages; stage++ {
		copy(xt, x)
		if e.run(xt, runOpts{limit: true, init: cold && !good, gmin: g}) == Converged {
			copy(x, xt)
			if g == 0 {
				return x, true
			}
			good, lastG = true, g
			if g /= factor; g < gminEnd {
				g = 0
			}
			continue
		}
		e.consider(xt)
		if !good {
			// Not even the first stage: start from a larger shunt.
			if g *= 10; g > 1e3 {
				return nil, false
			}
			continue
		}
		if factor = math.Sqrt(factor); factor < 1.01 {
			return nil, false
		}
		g = lastG / factor
	}
	return nil, false
}

// sourceStepping solves with every independent source scaled by s, s
// stepped from 0 (where x = 0 solves the circuit) to 1.
func (e *engine) sourceStepping() ([]float64, bool) {
	defer e.sys.SetSourceScale(1)
	x := make([]float64, e.n)
	xt := make([]float64, e.n)
	s, ds := 0.0, srcStart
	for stage := 0; stage < maxStages; stage++ {
		st := math.Min(s+ds, 1)
		e.sys.SetSourceScale(st)
		copy(xt, x)
		if e.run(xt, runOpts{limit: true}) == Converged {
			copy(x, xt)
			s = st
			if s == 1 {
				return x, true
			}
			ds *= 2
			continue
		}
		if ds /= 4; ds < srcMinStep {
			break
		}
	}
	e.sys.SetSourceScale(1)
	e.consider(x)
	return nil, false
}
