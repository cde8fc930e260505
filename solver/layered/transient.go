package layered

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/solver/ode"
	"github.com/eqsim/eqsim/solver/solve"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/eqsim/eqsim/circuit"
)

// Transient integrates the layered network's ODE C dV/dt = -F(V) from x0
// (in the system's ordering of unknowns, as Result.X; only the voltages of
// undriven free nodes are read; nil means all nodes at 0 V) at time 0, as
// solver.Transient does, with the same methods, error control,
// stopping rules and Result, but with the layered solver's block
// elimination in every stage: no dense matrix. A transient that settles
// ends where Solve ends, within the DC tolerances of Settings (the
// Solver's own Settings are not used).
//
// Each stage's Newton matrix is alpha*C plus the layered Jacobian, so C
// must be diagonal in the folded unknowns: node capacitances, and
// capacitors from a free node to ground or a pinned node, are; a node
// driven by an amplifier adds its capacitance to its driver's (it moves
// Gain times as far and its mirror divides the current by Gain). A
// capacitor between two free nodes is not, and Transient returns an error
// naming it (solver.Transient integrates such circuits).
//
// With thermal noise (TransientSettings.Noise) it integrates the Langevin
// equation as solver.Transient does; the noise current into a node driven
// by an amplifier reaches its driver's row as the node's other currents do.
//
// Result.Energy and Result.Power count the inputs, sources and current
// sources as Sources and the amplifiers as Controlled, as mna.Power
// does. The error of the equilibrium test, the nodes' settling and the
// step control weigh a driven node's voltage as solver.Transient does.
// Capacitances, sources and resistors are read at every call; the work
// space and the record of the trajectory are kept for the next. It panics
// if x0 has the wrong length or the settings are invalid.
func (s *Solver) Transient(x0 []float64, set *solve.TransientSettings) (solve.Result, error) {
	return s.TransientTo(make([]float64, s.sys.Size()), x0, set)
}

// TransientTo is Transient writing the final state into dst, which must
// have sys.Size() elements and may be x0 itself; Result.X is dst.
func (s *Solver) TransientTo(dst, x0 []float64, set *solve.TransientSettings) (solve.Result, error) {
	n := s.sys.Size()
	if len(dst) != n || (x0 != nil && len(x0) != n) {
		panic("solver: bad length for Layered.TransientTo")
	}
	ts := set.WithDefaults()
	m, err := s.transientModel(&ts)
	if err != nil {
		return solve.Result{}, err
	}
	s.load()
	m.prepare()
	v := m.x
	clear(v)
	if x0 != nil {
		for i, u := range s.xidx {
			v[i] = x0[u]
		}
	}
	noisy := ts.Noisy(s.sys)
	if noisy {
		m.noise = s.sys.NoiseTo(m.noise, nil)
		m.z = resizeTo(m.z, m.noise.Draws())
	}
	out := solve.Integrate(m, m.it, v, &ts, set, noisy)
	copy(s.v, v)
	s.eval(true)
	m.fill(dst, out.Xd)
	resid, worst := s.residualNorm()
	r := solve.Result{X: dst, Status: out.Status, Method: "layered-transient", Iterations: m.iters,
		Residual: resid, Steps: out.Steps, Time: out.Time, SettlingTime: out.Settling,
		Energy: out.Energy, Power: out.Power}
	if worst >= 0 {
		r.WorstNode = s.lay.NodeName(s.xidx[worst])
	}
	if out.Status != solve.Converged && out.Status != solve.TimeLimit {
		return r, &solve.ConvergenceError{Status: out.Status, Method: r.Method, Residual: resid, WorstNode: r.WorstNode}
	}
	return r, nil
}

// stageTol is the error a stage's Newton iteration may leave, relative to
// the step's error tolerance (see layeredODE.quadratic).
const stageTol = 0.01

// layeredODE is the ODE of a layered network in its folded unknowns, the
// voltages of the undriven free nodes.
type layeredODE struct {
	s     *Solver
	set   solve.Settings
	obs   func(t float64, x []float64)
	adapt func(t float64, x []float64) bool

	cu      []float64 // per free node: its capacitance to fixed nodes, F
	cf      []float64 // per folded row: the capacitance of the nodes it moves, F
	rows    []int     // per free node: its folded row
	pinCaps []pinnedCap
	caps    []mna.Capacitance
	driven  []int // free nodes driven by an amplifier
	amps    []ampChan
	ampJunc []int     // junctions on driven nodes
	lc      []float64 // per free node: the current its links draw, A

	// Source power: P = k + wf.v + wj.ij (see mna.Layering.SourcePowerTo).
	k         float64
	w, wf     []float64
	wj        []float64
	dcDiag    []float64 // the DC part of the diagonal at the last stage iterate, S
	trAbs     float64   // TrAbsTol, V
	trRel     float64   // TrRelTol
	eg        []float64 // per folded row: the largest |gain| of its nodes
	settleTol float64   // V
	rq        []float64 // per folded row: the residual quadratic expects after an update, A
	dmax      float64   // the largest predicted increment of a node in the stage, V
	// factAlpha is the alpha of the stage whose matrix the layered
	// solver holds factorized, NaN if none; gjFact are the junction
	// conductances in it.
	factAlpha float64
	gjFact    []float64
	jq        []jquad
	anchors   []anchor  // per junction
	is        []float64 // per junction: its saturation current at the circuit's temperature, A
	nvt       []float64 // per junction: N*Vt, V
	obsX      []float64
	x         []float64 // the state of the transient
	it        *ode.Integrator
	iters     int
	// The thermal noise (see Noise): the sources, the draws of a step,
	// the currents per free node and the state in the system's ordering.
	noise      *mna.Noise
	z, cur, xs []float64
}

// transientModel returns the layered ODE for a transient with ts, reusing
// the work space of the last one. Capacitances are read anew.
func (s *Solver) transientModel(ts *solve.TransientSettings) (*layeredODE, error) {
	if s.sat != nil {
		return nil, fmt.Errorf("solver: the layered transient takes no saturating amplifiers (amplifier swing); the package's Transient integrates such circuits")
	}
	if len(s.wired) > 0 {
		return nil, fmt.Errorf("solver: layered transient: crossbar %q has wire resistance, whose internal nodes' capacitances the layered model leaves out; integrate the circuit with solver.Transient", s.wired[0].Name())
	}
	nf := len(s.fidx)
	m := s.ode
	if m == nil {
		m = &layeredODE{
			s:  s,
			cu: make([]float64, nf), cf: make([]float64, s.nu), rows: s.fidx,
			w: make([]float64, nf), lc: make([]float64, nf), wf: make([]float64, s.nu), wj: make([]float64, len(s.junc)),
			dcDiag: make([]float64, s.nu), eg: make([]float64, s.nu), rq: make([]float64, s.nu),
			gjFact: make([]float64, len(s.junc)), x: make([]float64, s.nu), anchors: make([]anchor, len(s.junc)),
			cur: make([]float64, nf), xs: make([]float64, s.sys.Size()),
		}
		for u := range nf {
			m.eg[s.fidx[u]] = math.Max(m.eg[s.fidx[u]], math.Abs(s.gain[u]))
			if s.lay.Branch[u] >= 0 {
				m.driven = append(m.driven, u)
			}
		}
		for k, jn := range s.junc {
			if s.lay.Branch[jn.u] >= 0 {
				m.ampJunc = append(m.ampJunc, k)
			}
			nvt := jn.j.NVt()
			m.jq = append(m.jq, jquad{fi: jn.fi, lim: 0.05 * nvt / math.Abs(jn.gain), c: 1.03 * math.Abs(jn.gain) / (2 * nvt), sg: jn.sgn * jn.gain})
			// IS from the junction's own equation, where the
			// exponential dwarfs Gmin.
			v := 20 * nvt
			i, _ := jn.j.Eval(v)
			m.is = append(m.is, (i-circuit.Gmin*v)/math.Expm1(20))
			m.nvt = append(m.nvt, nvt)
		}
	}
	clear(m.cu)
	clear(m.cf)
	m.pinCaps = m.pinCaps[:0]
	m.caps = s.sys.CapacitancesTo(m.caps)
	for _, c := range m.caps {
		if c.J >= 0 {
			return nil, fmt.Errorf("solver: layered transient: capacitor %q joins free nodes %q and %q, which makes the capacitance matrix not diagonal in the layered solver's unknowns; integrate the circuit with solver.Transient",
				c.Name, s.lay.NodeName(c.I), s.lay.NodeName(c.J))
		}
		m.cu[c.I] += c.C
		if c.Fixed != 0 {
			m.pinCaps = append(m.pinCaps, pinnedCap{i: c.I, c: c.C, v: s.lay.PinnedVoltage(c.Fixed)})
		}
	}
	for u, c := range m.cu {
		m.cf[s.fidx[u]] += c
	}
	m.set, m.obs, m.adapt = ts.Settings, ts.Observe, ts.Adapt
	m.settleTol, m.trAbs, m.trRel = ts.SettleTol, ts.TrAbsTol, ts.TrRelTol
	m.factAlpha, m.iters = math.NaN(), 0
	clear(m.anchors)
	if m.obsX == nil && (s.sys.Size() > nf || ts.Observe != nil || ts.Adapt != nil) {
		m.obsX = make([]float64, s.sys.Size())
	}
	if m.it == nil {
		m.it = ode.New(m, ts.Steps())
	} else {
		m.it.Reset(ts.Steps())
	}
	s.ode = m
	return m, nil
}

// pinnedCap is a capacitance of c farads between free node i and a pinned
// node held at v volts.
type pinnedCap struct {
	i    int
	c, v float64
}

// jquad holds, for a junction, what quadratic and accept need: its folded
// row, the largest update of the row for which the quadratic model holds,
// V, the factor of the residual it leaves, g*dx²*c amperes, and the
// factor by which the row moves the junction voltage.
type jquad struct {
	fi         int
	lim, c, sg float64 // sg: the junction voltage's factor, sgn*gain
}

// anchor is a junction's last exact evaluation in the exponential region
// (-3 < v/(N*Vt) < 80): the voltage v and IS*exp(v/(N*Vt)) there, A.
type anchor struct {
	v, e float64
	ok   bool
}

// ampChan is an amplifier channel driving free node u from folded row
// row, V(u) = g*v(row) + off, with the linear conductance cond and the
// constant current cur0 of PinnedTo at u and its capacitance cu.
type ampChan struct {
	u, row                 int
	g, off, cond, cur0, cu float64
}

// prepare reads the sources' power weights and the amplifier channels'
// constants; the sources must have been loaded.
func (m *layeredODE) prepare() {
	s := m.s
	cond := s.lay.Conductance()
	m.amps = m.amps[:0]
	for _, u := range m.driven {
		m.amps = append(m.amps, ampChan{u: u, row: s.fidx[u], g: s.gain[u], off: s.off[u], cond: cond[u], cur0: s.cur0[u], cu: m.cu[u]})
	}
	m.k = s.lay.SourcePowerTo(m.w, m.wj)
	clear(m.wf)
	for u, w := range m.w {
		m.wf[s.fidx[u]] += w * s.gain[u]
		m.k += w * s.off[u]
	}
}

func (m *layeredODE) Size() int                   { return m.s.nu }
func (m *layeredODE) NDiff() int                  { return m.s.nu }
func (m *layeredODE) NodeMap() ([]int, []float64) { return m.rows, m.s.gain }

// shortestTau returns the shortest C/G of a folded row, with G its linear
// conductance (as the general transient of package solver takes it).
func (m *layeredODE) ShortestTau(_ []float64) float64 {
	tau := math.Inf(1)
	for i, c := range m.cf {
		if g := m.s.gf[i]; g > 0 && c > 0 {
			tau = math.Min(tau, c/g)
		}
	}
	if math.IsInf(tau, 1) {
		return 1e-9
	}
	return tau
}

// stage is Solver.newton on the stage's equation: the capacitive current
// alpha*C*delta + hist joins the residual and alpha*C the diagonal, so the
// block elimination is unchanged. The increment is carried apart from the
// state so that the capacitive current keeps its precision on short steps.
func (m *layeredODE) Stage(x, xn, delta, hist []float64, alpha float64, _ bool) solve.Status {
	s, set := m.s, &m.set
	// The step's error tolerance is relative to its largest increment
	// (see integrator.errNorm), which the prediction tells.
	m.dmax = 0
	for i, d := range delta {
		if a := m.eg[i] * math.Abs(d); a > m.dmax {
			m.dmax = a
		}
	}
	first, chord := true, false
	for it := 1; it <= set.MaxIterations; it++ {
		for i := range s.v {
			s.v[i] = xn[i] + delta[i]
		}
		s.evalLinear()
		limited := m.s.evalJunctions(first, m)
		first = false
		copy(m.dcDiag, s.d)
		for i, c := range m.cf {
			g := alpha * c
			q := g * delta[i]
			sc := g * math.Abs(s.v[i])
			if hist != nil {
				q += hist[i]
				sc += math.Abs(hist[i])
			}
			s.f[i] += q
			s.d[i] += g
			s.scale[i] += sc
		}
		m.iters++
		if it == 1 && alpha == m.factAlpha {
			// The last factorization was a stage's with this alpha,
			// the trapezoidal one before a BDF2 stage: try its update.
			s.step(false)
			if m.quadratic(true) {
				m.accept(x, xn, delta)
				return solve.Converged
			}
		}
		if chord && !limited {
			s.step(false)
			if s.converged(set) {
				copy(x, s.v)
				return solve.Converged
			}
		}
		m.factAlpha = math.NaN()
		if !s.step(true) {
			return solve.Singular
		}
		m.factAlpha = alpha
		copy(m.gjFact, s.gj)
		if !limited && s.converged(set) {
			copy(x, s.v)
			return solve.Converged
		}
		if !limited && m.quadratic(false) {
			m.accept(x, xn, delta)
			return solve.Converged
		}
		big := 0.0
		for i, dx := range s.dx {
			if d := delta[i] + dx; math.IsNaN(d) || math.IsInf(d, 0) {
				return solve.Diverged
			}
			big = math.Max(big, math.Abs(dx))
		}
		for i, dx := range s.dx {
			delta[i] += dx
		}
		chord = big <= s.chordStep
	}
	return solve.IterationLimit
}

// junction returns junction k's current (A, Gmin included) and
// conductance (S) at v volts, as circuit.Junction.Eval does, with the
// exponential taken from the junction's anchor, the last exact
// evaluation, while the junction voltage stays within a thousandth of
// N*Vt of it: exp(a + da) = exp(a)*(1 + da + da²/2 + da³/6 + da⁴/24) to
// within rounding for |da| <= 1e-3. Successive stages move a junction by
// microvolts once the fast transients have passed, so most stages
// evaluate no exponential.
func (m *layeredODE) junction(k int, v float64) (i, g float64) {
	nvt, an := m.nvt[k], &m.anchors[k]
	if an.ok {
		if da := (v - an.v) / nvt; da <= 1e-3 && da >= -1e-3 {
			e := an.e * (1 + da*(1+da*(0.5+da*(1.0/6+da/24))))
			return e - m.is[k] + circuit.Gmin*v, e/nvt + circuit.Gmin
		}
	}
	i, g = m.s.junc[k].j.Eval(v)
	// The anchor's expansion is Shockley's exponential: a junction with
	// series resistance has none to anchor.
	if a := v / nvt; a > -3+1e-3 && a < 80-1e-3 && m.s.junc[k].j.Series() == 0 {
		*an = anchor{v: v, e: (g - circuit.Gmin) * nvt, ok: true}
	} else {
		an.ok = false
	}
	return i, g
}

func (m *layeredODE) CapMul(dst, v []float64) {
	for i, c := range m.cf {
		dst[i] = c * v[i]
	}
}

// quadratic reports whether the Newton update s.dx is so small that the
// iterate it leads to is accurate enough without another evaluation.
// From an iterate that no junction limited, the residual after the update
// is the second-order remainder of the junctions' exponentials: for a
// junction of conductance g whose voltage the update moves by dv, about
// g*dv²/(2*N*Vt) amperes (within 3% while |dv| <= 0.05*N*Vt, the chord
// bound). With chord true the update came from an older factorization,
// whose junction conductances differ by dg from the present ones: that
// adds |dg*dv| at most. The iterate is accepted if, in every row, that
// residual moves the voltage (through the row's diagonal) by less than
// half of the larger of two tolerances: the Newton tolerance of Settings
// (the residual then also meeting its KCL tolerance), or stageTol of the
// step's error tolerance for the stage's predicted increment. The second is
// what a stage needs: its error is then a hundred times below what the
// step's error control allows (SUNDIALS stops its Newton iteration at a
// tenth). Linear networks are solved by one update. A stage starts from a
// prediction good to the step's truncation error, so most stages end here
// after one evaluation.
func (m *layeredODE) quadratic(chord bool) bool {
	s, set := m.s, &m.set
	dmax := m.dmax
	clear(m.rq)
	for k, q := range m.jq {
		dx := s.dx[q.fi]
		if !(math.Abs(dx) <= q.lim) {
			return false
		}
		r := q.c * s.gj[k] * dx * dx
		if chord {
			r += math.Abs((s.gj[k] - m.gjFact[k]) * dx)
		}
		m.rq[q.fi] += r
	}
	for i, r := range m.rq {
		if r == 0 {
			continue
		}
		half := 0.5 * s.d[i]
		if r <= set.CurrentTol+set.RelTol*s.scale[i] && r <= half*(set.VoltTol+set.RelTol*math.Abs(s.v[i]+s.dx[i])) {
			continue
		}
		if !(r <= half*stageTol*(m.trAbs+m.trRel*dmax)/m.eg[i]) {
			return false
		}
	}
	return true
}

// accept takes the update s.dx that quadratic accepted: the junction
// currents of the last evaluation move along their conductance.
func (m *layeredODE) accept(x, xn, delta []float64) {
	s := m.s
	for i, dx := range s.dx {
		delta[i] += dx
		x[i] = xn[i] + delta[i]
		s.v[i] = x[i]
	}
	for k, q := range m.jq {
		s.ij[k] += s.gj[k] * q.sg * s.dx[q.fi]
	}
}

// filter solves with the elimination of the last stage's matrix.
func (m *layeredODE) Filter(v []float64, alpha float64) bool {
	s := m.s
	for i, c := range m.cf {
		s.f[i] = -alpha * c * v[i]
	}
	if !s.step(false) {
		return false
	}
	copy(v, s.dx)
	return true
}

// steady reports whether x has settled, and moves it to the equilibrium if
// it has. Once the capacitive current q, which is -F(x) to the stage's
// tolerance, puts every node (through its row's DC diagonal) within a
// tenth of SettleTol of the equilibrium, it runs the Solver's DC Newton from
// x, as an infinitely long backward-Euler step would: if that converges
// within a tenth of SettleTol of x, the equilibrium is the end of the
// transient, reached some steps earlier than by integrating the last
// fraction of a microvolt. Otherwise x is kept and the integration goes on.
func (m *layeredODE) Steady(x, q []float64) bool {
	s, set := m.s, &m.set
	band := 0.1 * m.settleTol
	for i, c := range q {
		if !(m.eg[i]*math.Abs(c) <= band*m.dcDiag[i]) {
			return false
		}
	}
	copy(s.v, x)
	m.factAlpha = math.NaN()
	st, it := s.newton(set, false)
	m.iters += it
	if st != solve.Converged {
		return false
	}
	for i, v := range s.v {
		if !(m.eg[i]*math.Abs(v-x[i]) <= band) {
			return false
		}
	}
	copy(x, s.v)
	return true
}

// power needs the junction currents at x, which the last evaluation (of
// the stage or of steady) left.
func (m *layeredODE) Power(x, xdot []float64) mna.Power {
	s := m.s
	p := mna.Power{Sources: m.k}
	for i, w := range m.wf {
		p.Sources += w * x[i]
	}
	for k, w := range m.wj {
		p.Sources += w * s.ij[k]
	}
	for _, c := range m.pinCaps {
		p.Sources -= c.v * c.c * s.gain[c.i] * xdot[s.fidx[c.i]]
	}
	p.Controlled = m.ampPower(x, xdot)
	return p
}

// ampPower returns the power the amplifiers deliver at x: each channel
// delivers the current its node draws, capacitive current included, at
// V(to), and its mirror draws 1/gain of it at V(from).
func (m *layeredODE) ampPower(x, xdot []float64) float64 {
	if len(m.amps) == 0 {
		return 0
	}
	s := m.s
	for _, a := range m.amps {
		m.lc[a.u] = 0
	}
	for k := range s.links {
		rl := &s.links[k]
		// A driven node on one side draws the current that the
		// other side's voltages drive through the link.
		g := rl.l.G.RawMatrix()
		if rl.from {
			for j, u := range rl.l.To {
				rl.vt[j] = s.gain[u]*x[s.fidx[u]] + s.off[u]
			}
			blas64.Gemv(blas.NoTrans, 1, g, vec(rl.vt), 0, vec(rl.cf))
			for i, u := range rl.l.From {
				m.lc[u] += rl.cf[i]
			}
		}
		if rl.to {
			for i, u := range rl.l.From {
				rl.vf[i] = s.gain[u]*x[s.fidx[u]] + s.off[u]
			}
			blas64.Gemv(blas.Trans, 1, g, vec(rl.vf), 0, vec(rl.ct))
			for j, u := range rl.l.To {
				m.lc[u] += rl.ct[j]
			}
		}
	}
	s.lateralFlows(m.lc, x)
	for _, k := range m.ampJunc {
		jn := &s.junc[k]
		m.lc[jn.u] -= jn.sgn * s.ij[k]
	}
	var p float64
	for _, a := range m.amps {
		vo := x[a.row]
		vu := a.g*vo + a.off
		raw := a.cond*vu + a.cur0 - m.lc[a.u] + a.cu*a.g*xdot[a.row]
		p += raw * (vu - vo/a.g)
	}
	return p
}

// fill writes the state at m.s.v in the system's ordering into dst, the
// amplifiers' branch currents including the capacitive current of their
// node when xdot is not nil.
func (m *layeredODE) fill(dst, xdot []float64) {
	s := m.s
	s.fill(dst)
	if xdot == nil {
		return
	}
	for _, u := range m.driven {
		dst[s.lay.Branch[u]] -= m.cu[u] * s.gain[u] * xdot[s.fidx[u]]
	}
}

// Observe passes the state to the caller's Observe and Adapt; if Adapt
// changed conductances, the folded conductances, pinned currents and
// coupling blocks are read anew and the factorization is dropped.
func (m *layeredODE) Observe(t float64, x, xdot []float64) {
	if m.obs == nil && m.adapt == nil {
		return
	}
	s := m.s
	copy(s.v, x)
	s.eval(true)
	m.fill(m.obsX, xdot)
	if m.obs != nil {
		m.obs(t, m.obsX)
	}
	if m.adapt != nil && m.adapt(t, m.obsX) {
		s.Refresh()
		s.load()
		m.prepare()
		m.factAlpha = math.NaN()
	}
}
