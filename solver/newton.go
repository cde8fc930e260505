package solver

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// Defaults of Settings.
const (
	// DefaultMaxIterations bounds the iterations of one Newton run, as
	// SPICE's itl1.
	DefaultMaxIterations = 100
	// DefaultVoltTol is the absolute voltage tolerance in volts (SPICE's
	// vntol is 1e-6 V).
	DefaultVoltTol = 1e-12
	// DefaultCurrentTol is the absolute current tolerance in amperes
	// (SPICE's abstol is 1e-12 A).
	DefaultCurrentTol = 1e-15
	// DefaultRelTol is the relative tolerance (SPICE's reltol is 1e-3).
	DefaultRelTol = 1e-9
	// DefaultMaxSize bounds the number of unknowns of the dense solvers,
	// Newton and Transient. Their Jacobian is dense: at 4096 unknowns it
	// takes 134 MB and an LU factorization some 3 s on one core of the
	// development machine, and both grow as n^2 and n^3. Layered
	// networks of any size go to Layered instead.
	DefaultMaxSize = 4096
)

// SizeError is returned by Newton and Transient, before they allocate
// anything, for a system with more unknowns than Settings.MaxSize.
type SizeError struct {
	// Size is the number of unknowns of the system, Max the bound.
	Size, Max int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("solver: %d unknowns are more than the dense solver's limit of %d (Settings.MaxSize): "+
		"its Jacobian would take %.3g GB and every factorization time that grows as n^3; "+
		"solve a layered network with Layered, or make the circuit smaller", e.Size, e.Max, 8*float64(e.Size)*float64(e.Size)/1e9)
}

// checkSize returns a *SizeError if sys has more unknowns than s allows.
func checkSize(sys *mna.System, s Settings) error {
	if n := sys.Size(); s.MaxSize > 0 && n > s.MaxSize {
		return &SizeError{Size: n, Max: s.MaxSize}
	}
	return nil
}

// Settings configures Newton. A nil *Settings means all defaults, and so
// does the zero value of each field.
//
// Newton accepts an iterate x when all of these hold:
//
//   - KCL: at every free node i, |F_i(x)| <= CurrentTol + RelTol*S_i, where
//     F_i is the net current leaving the node and S_i the sum of the
//     magnitudes of the currents of the elements at the node, in amperes.
//     S_i is the scale of the rounding error of F_i, so the test is
//     attainable in float64 whatever the current levels are.
//   - Branch equations: every voltage source or VCVS equation holds to
//     VoltTol + RelTol times the sum of the magnitudes of the voltages in it.
//   - Update: one more Newton step would move every node voltage by at most
//     VoltTol + RelTol*|x_i| and every branch current by at most
//     CurrentTol + RelTol*(max(|x_k|, S at its terminals)). This is what
//     makes the node voltages accurate at high-impedance nodes, where a
//     small residual alone would not. The step is computed with the
//     factorized Jacobian of the previous iterate, which is accepted only
//     when the last step moved no node by more than 5% of N*Vt (so no
//     junction conductance changed by more than about 10%); that last
//     step is then taken.
//   - No junction voltage was limited in reaching x.
//
// With the defaults (1e-12 V, 1e-15 A, 1e-9) the tests are six orders of
// magnitude tighter than SPICE's (vntol 1e-6 V, abstol 1e-12 A, reltol
// 1e-3) and some six orders above float64 rounding.
type Settings struct {
	// MaxIterations is the largest number of Newton iterations of one
	// Newton run: the plain run, the damped run, each gmin or source step.
	// Zero means DefaultMaxIterations.
	MaxIterations int
	// VoltTol is the absolute voltage tolerance in volts. Zero means
	// DefaultVoltTol.
	VoltTol float64
	// CurrentTol is the absolute current tolerance in amperes. Zero means
	// DefaultCurrentTol.
	CurrentTol float64
	// RelTol is the relative tolerance, dimensionless. Zero means
	// DefaultRelTol.
	RelTol float64

	// MaxSize bounds the number of unknowns (sys.Size()): Newton and
	// Transient return a *SizeError for a larger system. Zero means
	// DefaultMaxSize, a negative value no bound.
	MaxSize int

	// NoDamping, NoGminStepping and NoSourceStepping turn off the
	// fallbacks Newton tries when plain Newton fails.
	NoDamping        bool
	NoGminStepping   bool
	NoSourceStepping bool
}

func (s *Settings) withDefaults() Settings {
	var d Settings
	if s != nil {
		d = *s
	}
	if d.MaxIterations <= 0 {
		d.MaxIterations = DefaultMaxIterations
	}
	if d.VoltTol <= 0 {
		d.VoltTol = DefaultVoltTol
	}
	if d.CurrentTol <= 0 {
		d.CurrentTol = DefaultCurrentTol
	}
	if d.RelTol <= 0 {
		d.RelTol = DefaultRelTol
	}
	if d.MaxSize == 0 {
		d.MaxSize = DefaultMaxSize
	}
	return d
}

// Newton finds the DC operating point of sys by Newton's method on its
// KCL residual with the dense Jacobian, starting from x0 (len sys.Size();
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
// *ConvergenceError naming the node with the largest KCL residual. For a
// system with more than Settings.MaxSize unknowns it returns a *SizeError
// and does not solve.
func Newton(sys *mna.System, x0 []float64, set *Settings) (Result, error) {
	s := set.withDefaults()
	if err := checkSize(sys, s); err != nil {
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
	e := newEngine(sys, s)
	if n == 0 {
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
	jac                           *mat.Dense
	lin                           *luSolver
	lim                           *mna.Limiter
	sc                            *scaler
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

func newEngine(sys *mna.System, s Settings) *engine {
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
		lin:       newLUSolver(n),
		lim:       sys.NewLimiter(),
		sc:        newScaler(sys, s),
		chordStep: math.Inf(1),
		bestRatio: math.Inf(1),
	}
	if n > 0 {
		e.jac = mat.NewDense(n, n, nil)
	}
	if nvt := e.sc.minNVt; nvt > 0 {
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
// is not nil, its Jacobian. For a time step the residual is
// F(x) + invh*C*delta + hist, where delta is x minus the state at the start
// of the step, carried separately so that the capacitive currents keep
// their precision when the step is short, and hist is the constant part
// of the capacitive current that the integration formula gives.
func (e *engine) eval(dst []float64, jac *mat.Dense, x, delta []float64, lim *mna.Limiter, o *runOpts) bool {
	limited := e.sys.Eval(dst, jac, x, lim)
	var raw []float64
	stride := 0
	if jac != nil {
		m := jac.RawMatrix()
		raw, stride = m.Data, m.Stride
	}
	if o.gmin > 0 {
		for i := 0; i < e.nf; i++ {
			dst[i] += o.gmin * x[i]
			if raw != nil {
				raw[i*stride+i] += o.gmin
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
		for _, c := range e.caps {
			g := c.c * o.invh
			if c.j < 0 {
				dst[c.i] += g * delta[c.i]
				e.capTerm[c.i] += g * math.Abs(x[c.i])
				if raw != nil {
					raw[c.i*stride+c.i] += g
				}
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
			if raw != nil {
				raw[c.i*stride+c.i] += g
				raw[c.j*stride+c.j] += g
				raw[c.i*stride+c.j] -= g
				raw[c.j*stride+c.i] -= g
			}
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
	e.sc.update(x, o.gmin, capTerm, capV)
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
	limited := e.eval(e.f, e.jac, x, e.delta, lim, &o)
	var w float64 // weight of branch rows in the merit, S
	merit := 0.0
	if o.search {
		for i := 0; i < e.nf; i++ {
			w = math.Max(w, math.Abs(e.jac.At(i, i)))
		}
		w = math.Max(w, circuit.Gmin)
		merit = e.merit(e.f, w)
	}
	near := 0 // KCL-passing iterates with a nearly small update
	for k := 0; k < maxIter; k++ {
		e.lin.factor(e.jac)
		for i, v := range e.f {
			e.rhs[i] = -v
		}
		if !e.lin.solve(e.dx, e.rhs) {
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
		limited = e.eval(e.f, e.jac, x, e.delta, lim, &o)
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
		e.eval(e.ftry, nil, e.xtry, e.dtry, nil, o)
		m := e.merit(e.ftry, w)
		if m <= (1-armijo*lambda)**merit {
			*merit = m
			return lambda, true
		}
		// Near the solution the merit is rounding noise: a step to a
		// point that meets the tolerances is good.
		e.tolerances(e.xtry, o)
		if e.sc.kclRatio(e.ftry) <= 1 {
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
	if !e.sc.kclOK(e.f) {
		return false
	}
	// The previous factorization estimates the next update.
	for i, v := range e.f {
		e.rhs[i] = -v
	}
	if !e.lin.solve(e.d, e.rhs) {
		return false
	}
	if r := e.sc.updateRatio(e.d); r > 1 {
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
	e.eval(e.f, nil, x, e.delta, nil, o)
	e.tolerances(x, o)
	if !e.sc.kclOK(e.f) {
		copy(x, e.xk)
		copy(e.delta, e.dk)
		e.eval(e.f, nil, x, e.delta, nil, o)
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
	e.eval(e.f, nil, x, nil, nil, &o)
	e.tolerances(x, &o)
	r := e.sc.kclRatio(e.f)
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

// scaler keeps the tolerances of the acceptance tests, made from the
// rounding-error scales the system reports (mna.System.ScalesTo).
type scaler struct {
	sys    *mna.System
	set    Settings
	minNVt float64 // smallest N*Vt of the diodes, V; 0 without diodes

	fs, us, rs, extra []float64 // scales of the residual rows and unknowns
	ftol, xtol        []float64 // per row of x
}

func newScaler(sys *mna.System, s Settings) *scaler {
	n := sys.Size()
	return &scaler{
		sys:    sys,
		set:    s,
		minNVt: sys.MinNVt(),
		fs:     make([]float64, n),
		us:     make([]float64, n),
		rs:     make([]float64, n),
		extra:  make([]float64, sys.NumFree()),
		ftol:   make([]float64, n),
		xtol:   make([]float64, n),
	}
}

// floorUlps is how many ulps of the rounding floor of a node's residual
// (mna.System.ScalesTo's r) its KCL tolerance allows at least: node
// voltages are only known to an ulp, so a conductance G across volts
// carries a current known to G*ulp(V) at best, however small the current.
const floorUlps = 8

// eps is the float64 machine epsilon, 2^-52.
const eps = 0x1p-52

// update computes the tolerances of every row at x: ftol for the
// residual, xtol for the update. gmin adds the current of a shunt
// conductance, capTerm (nil for DC) the scale of the capacitive currents
// of a time step, and capV (nil for DC) the largest voltage a capacitor
// couples into each node row.
func (sc *scaler) update(x []float64, gmin float64, capTerm, capV []float64) {
	if len(x) == 0 {
		return
	}
	nf := len(sc.extra)
	for k := range nf {
		sc.extra[k] = gmin * math.Abs(x[k])
		if capTerm != nil {
			sc.extra[k] += capTerm[k]
		}
	}
	sc.sys.ScalesTo(sc.fs, sc.us, sc.rs, x, sc.extra)
	s := sc.set
	for k := range sc.fs {
		if k < nf {
			vs := sc.us[k]
			if capTerm != nil {
				vs += capV[k]
			}
			sc.ftol[k] = s.CurrentTol + s.RelTol*sc.fs[k] + floorUlps*eps*sc.rs[k]
			sc.xtol[k] = s.VoltTol + s.RelTol*vs
			continue
		}
		sc.ftol[k] = s.VoltTol + s.RelTol*sc.fs[k]
		sc.xtol[k] = s.CurrentTol + s.RelTol*sc.us[k]
	}
}

// linearConductance returns, per free node row, the sum of the
// conductances of the resistors and crossbar entries at the node, in
// siemens.
func (sc *scaler) linearConductance() []float64 {
	g := make([]float64, sc.sys.NumFree())
	sc.sys.LinearConductanceTo(g)
	return g
}

// kclOK reports whether every residual meets its tolerance.
func (sc *scaler) kclOK(f []float64) bool { return within(f, sc.ftol) }

// updateOK reports whether every component of an update meets its tolerance.
func (sc *scaler) updateOK(d []float64) bool { return within(d, sc.xtol) }

// updateRatio returns the largest component of an update relative to its
// tolerance.
func (sc *scaler) updateRatio(d []float64) float64 {
	var m float64
	for i, v := range d {
		r := math.Abs(v) / sc.xtol[i]
		if math.IsNaN(r) {
			return math.Inf(1)
		}
		m = math.Max(m, r)
	}
	return m
}

// kclRatio returns the largest residual relative to its tolerance.
func (sc *scaler) kclRatio(f []float64) float64 {
	var m float64
	for i, v := range f {
		r := math.Abs(v) / sc.ftol[i]
		if math.IsNaN(r) {
			return math.Inf(1)
		}
		m = math.Max(m, r)
	}
	return m
}

func within(v, tol []float64) bool {
	for i, a := range v {
		if !(math.Abs(a) <= tol[i]) {
			return false
		}
	}
	return true
}
