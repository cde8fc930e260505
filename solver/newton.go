package solver

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"
	"gonum.org/v1/gonum/mat"
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
func checkSize(sys *circuit.System, s Settings) error {
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
// Source stepping scales the values of the VSource, ISource and Input
// elements of sys.Circuit() in place and restores them, bit for bit, before
// Newton returns (also on a panic). While it runs, no other System compiled
// from or cloned from the same Circuit may be used; set NoSourceStepping to
// share a Circuit between goroutines.
//
// If no method converges, Newton returns the finite iterate with the
// smallest residual it has seen, a Status other than Converged, and a
// *ConvergenceError naming the node with the largest KCL residual. For a
// system with more than Settings.MaxSize unknowns it returns a *SizeError
// and does not solve.
func Newton(sys *circuit.System, x0 []float64, set *Settings) (Result, error) {
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

// Solve finds the equilibrium of sys with the named method, "newton" or
// "transient", and default settings. It returns an error for any other
// method.
func Solve(sys *circuit.System, x0 []float64, method string) (Result, error) {
	switch method {
	case "newton":
		return Newton(sys, x0, nil)
	case "transient":
		return Transient(sys, x0, nil)
	}
	return Result{}, fmt.Errorf("solver: unknown method %q (want newton or transient)", method)
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
	sys   *circuit.System
	set   Settings
	n, nf int

	f, rhs, dx, d, xk, xtry, ftry []float64
	jac                           *mat.Dense
	lin                           *luSolver
	lim                           *circuit.Limiter
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

func newEngine(sys *circuit.System, s Settings) *engine {
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
func (e *engine) eval(dst []float64, jac *mat.Dense, x, delta []float64, lim *circuit.Limiter, o *runOpts) bool {
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
	var lim *circuit.Limiter
	if o.limit && !o.search {
		lim = e.lim
		if o.init {
			lim.InitJunctions()
		} else {
			lim.Reset()
		}
	}
	// move sets (dstX, dstD) to (srcX, srcD) + lambda*dx. Branch currents
	// are algebraic: they may jump by orders of magnitude in a step, so
	// they are updated directly.
	nd := 0
	if o.xold != nil {
		nd = e.nf
	}
	move := func(dstX, dstD, srcX, srcD, dx []float64, lambda float64) {
		for i := range nd {
			dstD[i] = srcD[i] + lambda*dx[i]
			dstX[i] = o.xold[i] + dstD[i]
		}
		for i := nd; i < len(dstX); i++ {
			dstX[i] = srcX[i] + lambda*dx[i]
		}
	}
	if nd > 0 {
		for i := range nd {
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
			for {
				move(e.xtry, e.dtry, x, e.delta, e.dx, lambda)
				e.eval(e.ftry, nil, e.xtry, e.dtry, nil, &o)
				m := e.merit(e.ftry, w)
				if m <= (1-armijo*lambda)*merit {
					merit = m
					break
				}
				// Near the solution the merit is rounding noise: a
				// step to a point that meets the tolerances is good.
				e.tolerances(e.xtry, &o)
				if e.sc.kclRatio(e.ftry) <= 1 {
					merit = m
					break
				}
				lambda /= 2
				if lambda < minLambda {
					// No decrease along the Newton direction: the
					// Jacobian does not describe the residual here.
					return IterationLimit
				}
			}
		}
		copy(e.xk, x)
		copy(e.dk, e.delta)
		move(x, e.delta, e.xk, e.dk, e.dx, lambda)
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
		e.tolerances(x, &o)
		if !e.sc.kclOK(e.f) {
			continue
		}
		// The previous factorization estimates the next update.
		for i, v := range e.f {
			e.rhs[i] = -v
		}
		if !e.lin.solve(e.d, e.rhs) {
			continue
		}
		if r := e.sc.updateRatio(e.d); r > 1 {
			// A time step's matrix C/h + J is ill-conditioned when h is
			// short: its updates can stall at a noise floor above the
			// tolerance while KCL holds. Quadratic convergence takes an
			// update below stallRatio times the tolerance to below the
			// tolerance in one iteration; a second such update that does
			// not get there has stalled, at an iterate as good as the
			// arithmetic allows and far better than the step's
			// truncation error. DC runs never stop on a stall.
			if nd == 0 || r >= stallRatio {
				continue
			}
			if near++; near < 2 {
				continue
			}
		}
		copy(e.xk, x)
		copy(e.dk, e.delta)
		move(x, e.delta, e.xk, e.dk, e.d, 1)
		// Keep the correction only if it keeps the KCL test.
		e.eval(e.f, nil, x, e.delta, nil, &o)
		e.tolerances(x, &o)
		if !e.sc.kclOK(e.f) {
			copy(x, e.xk)
			copy(e.delta, e.dk)
			e.eval(e.f, nil, x, e.delta, nil, &o)
		}
		return Converged
	}
	return IterationLimit
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
	ss := newSourceScale(e.sys)
	defer ss.restore()
	x := make([]float64, e.n)
	xt := make([]float64, e.n)
	s, ds := 0.0, srcStart
	for stage := 0; stage < maxStages; stage++ {
		st := math.Min(s+ds, 1)
		ss.set(st)
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
	ss.restore()
	e.consider(x)
	return nil, false
}

// sourceScale scales the independent sources of a circuit in place.
type sourceScale struct {
	sys  *circuit.System
	ptr  []*float64
	orig []float64
	done bool
}

func newSourceScale(sys *circuit.System) *sourceScale {
	ss := &sourceScale{sys: sys}
	for _, el := range sys.Circuit().Elements {
		switch el := el.(type) {
		case *circuit.VSource:
			ss.ptr = append(ss.ptr, &el.V)
		case *circuit.ISource:
			ss.ptr = append(ss.ptr, &el.I)
		case *circuit.Input:
			for i := range el.Values {
				ss.ptr = append(ss.ptr, &el.Values[i])
			}
		}
	}
	ss.orig = make([]float64, len(ss.ptr))
	for i, p := range ss.ptr {
		ss.orig[i] = *p
	}
	return ss
}

func (ss *sourceScale) set(s float64) {
	for i, p := range ss.ptr {
		*p = s * ss.orig[i]
	}
	ss.sys.UpdatePins()
}

// restore puts the original values back. It is idempotent.
func (ss *sourceScale) restore() {
	if ss.done {
		return
	}
	ss.done = true
	for i, p := range ss.ptr {
		*p = ss.orig[i]
	}
	ss.sys.UpdatePins()
}

// scaler computes, for the tolerance tests, the sum of the magnitudes of
// the element currents at every node, from the circuit's elements.
type scaler struct {
	sys    *circuit.System
	set    Settings
	temp   float64
	minNVt float64 // smallest N*Vt of the diodes, V; 0 without diodes
	row    []int   // node index -> row of x, -1 for ground and pinned nodes

	res      []sTwo
	diodes   []sDiode
	isrc     []sTwo
	branches []sBranch
	cccs     []sCCCS
	cross    []sCross

	v, gross   []float64 // per node index
	ftol, xtol []float64 // per row of x
}

type (
	sTwo struct {
		a, b int
		p    *float64
	}
	sDiode struct {
		a, b int
		m    circuit.DiodeModel
	}
	sBranch struct {
		p, n, cp, cn, k int
		gain, off       float64  // V(p) - V(n) = gain*(V(cp) - V(cn)) + off
		v               *float64 // nil for a VCVS
	}
	sCCCS struct {
		p, n, k int
		gain    float64
	}
	sCross struct {
		from, to []int
		g        *mat.Dense
		x        *circuit.Crossbar
		r, c     []int // cells' row and column nodes, row-major; nil for ideal wires
	}
)

func newScaler(sys *circuit.System, s Settings) *scaler {
	nodes := sys.Nodes()
	n := sys.Size()
	sc := &scaler{
		sys:   sys,
		set:   s,
		temp:  sys.Temperature(),
		row:   make([]int, len(nodes)+1),
		v:     make([]float64, len(nodes)+1),
		gross: make([]float64, len(nodes)+1),
		ftol:  make([]float64, n),
		xtol:  make([]float64, n),
	}
	sc.row[0] = -1
	for i, nm := range nodes {
		sc.row[i+1] = sys.Unknown(nm)
	}
	idx := func(name string) int {
		i, _ := sys.NodeIndex(name)
		return i
	}
	branch := map[string]int{}
	for k := sys.NumFree(); k < n; k++ {
		branch[sys.UnknownName(k)] = k
	}
	vt := circuit.ThermalVoltage(sc.temp)
	tnom := sys.Circuit().NominalTemperature()
	// diode returns m at the circuit temperature.
	diode := func(m circuit.DiodeModel) circuit.DiodeModel {
		if nvt := m.N * vt; sc.minNVt == 0 || nvt < sc.minNVt {
			sc.minNVt = nvt
		}
		return m.AtTemperature(sc.temp, tnom)
	}
	for _, el := range sys.Circuit().Elements {
		switch el := el.(type) {
		case *circuit.Resistor:
			sc.res = append(sc.res, sTwo{idx(el.Nodes[0]), idx(el.Nodes[1]), &el.G})
		case *circuit.Diode:
			sc.diodes = append(sc.diodes, sDiode{idx(el.Nodes[0]), idx(el.Nodes[1]), diode(el.Model)})
		case *circuit.Rectifier:
			hi, lo := idx(el.High), idx(el.Low)
			m := diode(el.Model)
			vary := el.IS != nil || el.N != nil
			for i, nm := range el.Nodes {
				k := idx(nm)
				mh, ml := m, m
				if vary {
					mh, ml = diode(el.Diode(2*i)), diode(el.Diode(2*i+1))
				}
				sc.diodes = append(sc.diodes, sDiode{k, hi, mh}, sDiode{lo, k, ml})
			}
		case *circuit.ISource:
			sc.isrc = append(sc.isrc, sTwo{idx(el.Nodes[0]), idx(el.Nodes[1]), &el.I})
		case *circuit.VSource:
			if k, ok := branch[el.Name]; ok {
				sc.branches = append(sc.branches, sBranch{p: idx(el.Nodes[0]), n: idx(el.Nodes[1]), k: k, v: &el.V})
			}
		case *circuit.VCVS:
			if k, ok := branch[el.Name]; ok {
				sc.branches = append(sc.branches, sBranch{p: idx(el.Nodes[0]), n: idx(el.Nodes[1]),
					cp: idx(el.Control[0]), cn: idx(el.Control[1]), k: k, gain: el.Gain})
			}
		case *circuit.CCCS:
			if k, ok := branch[el.Control]; ok {
				sc.cccs = append(sc.cccs, sCCCS{idx(el.Nodes[0]), idx(el.Nodes[1]), k, el.Gain})
			}
		case *circuit.Amplifier:
			for i := range el.From {
				k, ok := branch[fmt.Sprintf("%s[%d]", el.Name, i)]
				if !ok {
					continue
				}
				from, to := idx(el.From[i]), idx(el.To[i])
				g := el.ChannelGain(i)
				sc.branches = append(sc.branches, sBranch{p: to, cp: from, k: k, gain: g, off: el.Offset(i)})
				sc.cccs = append(sc.cccs, sCCCS{p: from, k: k, gain: 1 / g})
			}
		case *circuit.Crossbar:
			cx := sCross{g: el.G, x: el, from: make([]int, len(el.From)), to: make([]int, len(el.To))}
			for i, nm := range el.From {
				cx.from[i] = idx(nm)
			}
			for j, nm := range el.To {
				cx.to[j] = idx(nm)
			}
			if el.Wired() {
				m, n := len(el.From), len(el.To)
				cx.r, cx.c = make([]int, m*n), make([]int, m*n)
				for i := range m {
					for j := range n {
						cx.r[i*n+j] = idx(el.RowNode(i, j))
						cx.c[i*n+j] = idx(el.ColNode(i, j))
					}
				}
			}
			sc.cross = append(sc.cross, cx)
		}
	}
	return sc
}

// update computes the element-current scale at x and the tolerances of
// every row: ftol for the residual, xtol for the update. gmin adds the
// current of a shunt conductance, capTerm (nil for DC) the scale of the
// capacitive currents of a time step, and capV (nil for DC) the largest
// voltage a capacitor couples into each node row.
func (sc *scaler) update(x []float64, gmin float64, capTerm, capV []float64) {
	if len(x) == 0 {
		return
	}
	v, gross := sc.sys.VoltagesTo(sc.v, x), sc.gross
	for i := range gross {
		gross[i] = 0
	}
	add := func(a, b int, i float64) {
		i = math.Abs(i)
		gross[a] += i
		gross[b] += i
	}
	for _, r := range sc.res {
		add(r.a, r.b, *r.p*(v[r.a]-v[r.b]))
	}
	for _, d := range sc.diodes {
		add(d.a, d.b, circuit.DiodeCurrent(d.m, sc.temp, v[d.a]-v[d.b]))
	}
	for _, s := range sc.isrc {
		add(s.a, s.b, *s.p)
	}
	for _, b := range sc.branches {
		add(b.p, b.n, x[b.k])
	}
	for _, c := range sc.cccs {
		add(c.p, c.n, c.gain*x[c.k])
	}
	for _, c := range sc.cross {
		raw := c.g.RawMatrix()
		if c.r != nil {
			c.segments(func(a, b int, g float64) { add(a, b, g*(v[a]-v[b])) })
			continue
		}
		for i, a := range c.from {
			row := raw.Data[i*raw.Stride : i*raw.Stride+len(c.to)]
			va := v[a]
			var sum float64
			for j, b := range c.to {
				it := math.Abs(row[j] * (va - v[b]))
				sum += it
				gross[b] += it
			}
			gross[a] += sum
		}
	}
	s := sc.set
	for i, r := range sc.row {
		if r < 0 {
			continue
		}
		gross[i] += gmin * math.Abs(x[r])
		vs := math.Abs(x[r])
		if capTerm != nil {
			gross[i] += capTerm[r]
			vs += capV[r]
		}
		sc.ftol[r] = s.CurrentTol + s.RelTol*gross[i]
		sc.xtol[r] = s.VoltTol + s.RelTol*vs
	}
	for _, b := range sc.branches {
		vs := math.Abs(v[b.p]) + math.Abs(v[b.n])
		if b.v != nil {
			vs += math.Abs(*b.v)
		} else {
			vs += math.Abs(b.gain)*(math.Abs(v[b.cp])+math.Abs(v[b.cn])) + math.Abs(b.off)
		}
		sc.ftol[b.k] = s.VoltTol + s.RelTol*vs
		is := math.Abs(x[b.k])
		if b.p != 0 {
			is = math.Max(is, gross[b.p])
		}
		if b.n != 0 {
			is = math.Max(is, gross[b.n])
		}
		sc.xtol[b.k] = s.CurrentTol + s.RelTol*is
	}
}

// linearConductance returns, per free node row, the sum of the
// conductances of the resistors and crossbar entries at the node, in
// siemens.
func (sc *scaler) linearConductance() []float64 {
	g := make([]float64, len(sc.gross))
	for _, r := range sc.res {
		g[r.a] += *r.p
		g[r.b] += *r.p
	}
	for _, c := range sc.cross {
		raw := c.g.RawMatrix()
		if c.r != nil {
			c.segments(func(a, b int, v float64) {
				g[a] += v
				g[b] += v
			})
			continue
		}
		for i, a := range c.from {
			for j, b := range c.to {
				v := raw.Data[i*raw.Stride+j]
				g[a] += v
				g[b] += v
			}
		}
	}
	out := make([]float64, sc.sys.NumFree())
	for i, r := range sc.row {
		if r >= 0 {
			out[r] = g[i]
		}
	}
	return out
}

// segments calls seg(a, b, g) for every two-terminal conductance of a
// crossbar with wire resistance: its wire segments of 1/WireR siemens and
// its cells' conductances between the row and column nodes (node
// indices a and b).
func (c *sCross) segments(seg func(a, b int, g float64)) {
	raw := c.g.RawMatrix()
	n := len(c.to)
	gw := 1 / c.x.WireR
	circuit.CrossbarWires(c.from, c.to, c.r, c.c, func(a, b int) { seg(a, b, gw) })
	for k := range c.r {
		seg(c.r[k], c.c[k], raw.Data[(k/n)*raw.Stride+k%n])
	}
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
