package layered

import (
	"errors"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/reduce"
	"github.com/eqsim/eqsim/solver/solve"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Solver is a Newton solver for the DC equilibrium of layered networks
// (see mna.Layering) that exploits their structure:
//
//   - The inputs are pinned, so what they contribute to the nodes they feed
//     is a constant current, one matrix-vector product per crossbar and
//     solve, and a constant conductance, summed once until the
//     conductances change.
//   - A node driven by an amplifier is folded into the node that drives it:
//     the unknowns are the voltages of the undriven free nodes only. A
//     channel's offset makes the driven voltage affine in the driver's;
//     what the offsets alone drive through the circuit's linear elements
//     is a constant current, summed once until the conductances change.
//   - No crossbar joins a group to itself, so the Jacobian is block
//     tridiagonal along each chain of groups with diagonal blocks on the
//     diagonal. Each Newton step eliminates the groups one after the
//     other (for one hidden layer: a Schur complement onto the output
//     layer), from the end of the chain that makes this cheaper.
//   - Diode junctions are limited as SPICE's pnjlim does, and a solve
//     starts from the previous solution when given one.
//
// All work space is allocated once: a solve allocates nothing but its
// result (none with SolveTo).
//
// A Solver reads the values of sources, inputs and resistors at every
// solve (so a nudge may change between solves at no cost) and updates the
// system's pinned voltages as System.UpdatePins does. After changing any
// crossbar conductance call Refresh. A Solver is not safe for concurrent
// use, nor is its System while it solves.
type Solver struct {
	// Settings says when an iterate is accepted, as for solver.Newton:
	// MaxIterations (per attempt), VoltTol, CurrentTol and RelTol are used,
	// zero values meaning the defaults. The KCL test weighs each node's
	// residual against a lower bound of the sum of the magnitudes of its
	// element currents, the magnitude of each diode current plus that of
	// the net current of everything else, so it is at least as strict as
	// Newton's. The solver returns the iterate at which the residual and
	// the next Newton update were both within tolerance, without taking
	// that update.
	Settings solve.Settings

	sys *mna.System
	lay *mna.Layering

	nu       int            // number of folded unknowns (undriven free nodes)
	fidx     []int          // free node (x index) -> folded index of its owner
	xidx     []int          // folded index -> x index
	gain     []float64      // per free node
	off      []float64      // per free node: V(u) = gain*v(owner) + off, volts
	hasOff   bool           // some offset is not zero
	koff     []float64      // per free node: current the links carry at V = off, A
	offBuf   [][4][]float64 // per link: work space of offsetCurrents
	gf       []float64      // folded linear conductance, S
	junc     []fjunc
	chain    [][]cblock
	blockPos [][2]int // block -> chain, position in it
	links    []rawLink
	laterals []rawLink          // laterals with a driven node on some side
	wired    []*reduce.Crossbar // crossbars with wire resistance, reduced
	wpow     []float64          // per wired crossbar: see Power
	internal []bool             // per free node: internal to a wired crossbar
	ffull    []float64          // the whole system's residual, for solve.Result

	// per solve
	cur0 []float64 // per free node
	vj   []float64 // per junction
	kf   []float64 // folded constant current

	// Newton state, folded
	v, f, d, dx, scale []float64
	chordStep          float64   // V: see newton
	vdl                []float64 // per junction: last limited junction voltage
	ij                 []float64 // per junction: its current at the last eval, A
	gj                 []float64 // per junction: its conductance at the last eval, S
	invd               []float64 // folded: 1/d
	raw                []float64 // per free node: raw currents at the end
	vraw               []float64

	ode      *layeredODE // the work space of Transient, nil until it runs
	sat      *satFold    // the nonlinear fold of saturating amplifiers, nil if none
	cold     *coldStart  // the work space of start, nil until it runs
	nodeJ    nodeJunctions
	gs       bool      // solve by Gauss-Seidel sweeps (see gaussSeidel)
	gsc      []float64 // folded: the work space of gaussSeidel
	omega    float64   // gaussSeidel's over-relaxation factor
	omegaSet bool      // omega is estimated
	fac      lastFactor
}

// fjunc is a junction in folded form: the junction voltage is
// sgn*(gain*v[fi] - vpin) and its current adds sgn*i/gain to f[fi]; vpin
// is the pinned terminal's voltage minus the free node's offset.
type fjunc struct {
	fi             int
	u              int
	sgn, gain, inv float64 // inv = 1/gain
	vpin           float64
	j              mna.Junction
}

// rawLink is a link with a driven node on some side, whose raw currents
// are needed for the amplifier branch currents.
type rawLink struct {
	l        mna.Link
	vf, vt   []float64
	cf, ct   []float64
	from, to bool // the side has a driven node
}

// New returns a layered solver for sys, or the error of sys.Layering if
// sys is not a layered network. The solvers of systems that share the
// conductances of crossbars with wire resistance may share their
// reductions through reg (solve.Settings.Shared; nil: not shared).
func New(sys *mna.System, reg *reduce.Registry) (*Solver, error) {
	lay, err := sys.Layering()
	if err != nil {
		return nil, err
	}
	if lay.Swing != nil && (len(lay.Laterals) > 0 || len(lay.Wired) > 0) {
		// The saturating fold eliminates blocks as a chain of links; a
		// block coupled to itself is not (yet) folded that way. solver.Newton
		// solves such circuits.
		return nil, errors.New("saturating amplifiers with lateral or wired crossbars")
	}
	nf := sys.NumFree()
	s := &Solver{
		sys:  sys,
		lay:  lay,
		fidx: make([]int, nf),
		gain: lay.Gain,
		off:  lay.Offset,
		cur0: make([]float64, nf),
		vj:   make([]float64, len(lay.Junctions)),
		raw:  make([]float64, nf),
		vraw: make([]float64, nf),
	}
	s.internal = lay.Internal
	hasW := lateralBlocks(lay)
	// Order every chain so that eliminating from its first block costs
	// least, and number the folded unknowns block by block in that order.
	blockPos := make([][2]int, len(lay.Blocks)) // chain, position
	for c, ch := range lay.Chains {
		if chainCost(lay, reversed(ch), hasW) < chainCost(lay, ch, hasW) {
			ch = reversed(ch)
		}
		blocks := make([]cblock, len(ch))
		for k, b := range ch {
			n := len(lay.Blocks[b])
			blocks[k].off, blocks[k].n = s.nu, n
			for i, u := range lay.Blocks[b] {
				s.fidx[u] = s.nu + i
				s.xidx = append(s.xidx, u)
			}
			s.nu += n
			blockPos[b] = [2]int{c, k}
		}
		for k := range blocks {
			b := &blocks[k]
			if hasW[ch[k]] {
				b.w = make([]float64, b.n*b.n)
			}
			if k > 0 || b.w != nil {
				b.s = make([]float64, b.n*b.n)
				b.ipiv = make([]int, b.n)
			}
			if k > 0 {
				b.nprev = blocks[k-1].n
				b.dn = make([]float64, b.n*b.nprev)
			}
			if k+1 < len(blocks) {
				b.nnxt = blocks[k+1].n
				b.upT = make([]float64, b.nnxt*b.n)
				b.tt = make([]float64, b.nnxt*b.n)
				b.work = make([]float64, b.n*b.nnxt)
			}
		}
		s.chain = append(s.chain, blocks)
	}
	for u := range nf {
		s.fidx[u] = s.fidx[lay.Owner[u]]
	}
	if lay.Swing != nil {
		// Offsets act inside the saturation: the nonlinear fold holds
		// them.
		s.sat = newSatFold(lay)
	} else {
		for _, o := range s.off {
			s.hasOff = s.hasOff || o != 0
		}
	}
	if s.hasOff {
		s.koff = make([]float64, nf)
		for _, k := range lay.Links {
			r, c := k.G.Dims()
			s.offBuf = append(s.offBuf, [4][]float64{make([]float64, r), make([]float64, c), make([]float64, r), make([]float64, c)})
		}
	}
	s.kf = make([]float64, s.nu)
	s.gf = make([]float64, s.nu)
	s.v = make([]float64, s.nu)
	s.f = make([]float64, s.nu)
	s.d = make([]float64, s.nu)
	s.dx = make([]float64, s.nu)
	s.scale = make([]float64, s.nu)
	s.vdl = make([]float64, len(lay.Junctions))
	s.ij = make([]float64, len(lay.Junctions))
	s.gj = make([]float64, len(lay.Junctions))
	s.invd = make([]float64, s.nu)
	s.chordStep = math.Inf(1)
	for _, j := range lay.Junctions {
		s.chordStep = math.Min(s.chordStep, 0.05*j.NVt())
		sgn := 1.0
		if !j.Anode {
			sgn = -1
		}
		g := lay.Gain[j.Node]
		s.junc = append(s.junc, fjunc{fi: s.fidx[j.Node], u: j.Node, sgn: sgn, gain: g, inv: 1 / g, j: j})
	}
	s.links = rawLinks(lay, lay.Links)
	s.laterals = rawLinks(lay, lay.Laterals)
	s.blockPos = blockPos
	if err := s.newWired(reg); err != nil {
		return nil, err
	}
	// The sweeps balance one node at a time against fixed neighbours:
	// blocks coupled to themselves, or amplifiers whose outputs saturate,
	// are left to Newton's block elimination.
	s.gs = s.sat == nil && len(lay.Laterals) == 0 && len(lay.Wired) == 0 && s.useGaussSeidel()
	s.refresh()
	return s, nil
}

// rawLinks returns the links of ls with a driven node on some side.
func rawLinks(lay *mna.Layering, ls []mna.Link) []rawLink {
	var out []rawLink
	for _, k := range ls {
		rl := rawLink{l: k}
		for _, u := range k.From {
			rl.from = rl.from || lay.Owner[u] != u
		}
		for _, u := range k.To {
			rl.to = rl.to || lay.Owner[u] != u
		}
		if rl.from || rl.to {
			rl.vf, rl.cf = make([]float64, len(k.From)), make([]float64, len(k.From))
			rl.vt, rl.ct = make([]float64, len(k.To)), make([]float64, len(k.To))
			out = append(out, rl)
		}
	}
	return out
}

// Refresh makes the solver see changed crossbar conductances. Resistors,
// sources and inputs are read at every solve.
func (s *Solver) Refresh() { s.RefreshSums(nil) }

// RefreshSums is Refresh with the sums of the crossbars in known given
// (see mna.Layering.RefreshSums).
func (s *Solver) RefreshSums(known []mna.Sums) {
	s.lay.RefreshSums(known)
	s.refresh()
}

func (s *Solver) refresh() {
	s.fac.valid = false
	if s.cold != nil {
		s.cold.valid = false
	}
	if s.hasOff {
		s.offsetCurrents()
	}
	s.coupleLinks(s.lay.Gain)
}

// coupleLinks sets the coupling blocks of the folded Jacobian from the
// links (and the lateral and wired couplings), with slope[u] the derivative of free node u's voltage by its owner's
// (its channel's gain where the channel is linear).
func (s *Solver) coupleLinks(slope []float64) {
	lay := s.lay
	for _, blocks := range s.chain {
		for k := range blocks {
			clear(blocks[k].dn)
			clear(blocks[k].upT)
			clear(blocks[k].w)
		}
	}
	s.refreshCouplings()
	// The folded coupling: the current leaving free node p through
	// conductance G to free node q, divided by p's gain, depends on q's
	// owner with the factor -G*slope(q)/gain(p).
	for _, k := range lay.Links {
		bf, bt := s.blockPos[lay.BlockOf[k.From[0]]], s.blockPos[lay.BlockOf[k.To[0]]]
		blocks := s.chain[bf[0]]
		raw := k.G.RawMatrix()
		if bt[1] == bf[1]+1 {
			up, dn := &blocks[bf[1]], &blocks[bt[1]]
			for i, p := range k.From {
				gp, sp, pp := lay.Gain[p], slope[p], lay.Pos[p]
				row := raw.Data[i*raw.Stride : i*raw.Stride+len(k.To)]
				for j, q := range k.To {
					gq, sq, pq := lay.Gain[q], slope[q], lay.Pos[q]
					up.upT[pq*up.n+pp] -= row[j] * sq / gp
					dn.dn[pq*dn.nprev+pp] -= row[j] * sp / gq
				}
			}
		} else {
			dn, up := &blocks[bf[1]], &blocks[bt[1]]
			for i, p := range k.From {
				gp, sp, pp := lay.Gain[p], slope[p], lay.Pos[p]
				row := raw.Data[i*raw.Stride : i*raw.Stride+len(k.To)]
				for j, q := range k.To {
					gq, sq, pq := lay.Gain[q], slope[q], lay.Pos[q]
					dn.dn[pp*dn.nprev+pq] -= row[j] * sq / gp
					up.upT[pp*up.n+pq] -= row[j] * sp / gq
				}
			}
		}
	}
}

// offsetCurrents sets koff[u], for every free node u, to the current that
// leaves u through the links when every free node is at its offset: minus
// the sum over links of G times the far end's offset.
func (s *Solver) offsetCurrents() {
	clear(s.koff)
	for l, k := range s.lay.Links {
		vf, vt, cf, ct := s.offBuf[l][0], s.offBuf[l][1], s.offBuf[l][2], s.offBuf[l][3]
		for i, u := range k.From {
			vf[i] = s.off[u]
		}
		for j, u := range k.To {
			vt[j] = s.off[u]
		}
		blas64.Gemv(blas.NoTrans, 1, k.G.RawMatrix(), vec(vt), 0, vec(cf))
		blas64.Gemv(blas.Trans, 1, k.G.RawMatrix(), vec(vf), 0, vec(ct))
		for i, u := range k.From {
			s.koff[u] -= cf[i]
		}
		for j, u := range k.To {
			s.koff[u] -= ct[j]
		}
	}
}

// Solve returns the equilibrium of the network, starting Newton's method
// from x0 (in the system's unknown ordering, as Result.X; only the
// voltages of undriven free nodes are read) or, if x0 is nil, from the
// cold start described at Solver.start. A solution for nearby inputs,
// such as the previous sample's, makes a good x0. If the iteration from
// x0 or the cold start fails it starts once more from 0 V.
//
// On failure Solve returns the last (finite) iterate with a Status other
// than Converged and a *ConvergenceError naming the node with the largest
// KCL residual; circuits the layered solver cannot solve may still yield to
// solver.Newton's gmin and source stepping.
func (s *Solver) Solve(x0 []float64) (solve.Result, error) {
	return s.SolveTo(make([]float64, s.sys.Size()), x0)
}

// SolveTo is Solve writing the solution into dst, which must have
// sys.Size() elements and may be x0 itself; Result.X is dst. It allocates
// nothing.
func (s *Solver) SolveTo(dst, x0 []float64) (solve.Result, error) {
	n := s.sys.Size()
	if len(dst) != n || (x0 != nil && len(x0) != n) {
		panic("solver: bad length for Layered.SolveTo")
	}
	set := s.Settings.WithDefaults()
	if err := s.wiredErr(); err != nil {
		return solve.Result{X: dst, Status: solve.Singular, Method: "layered"}, err
	}
	s.load()
	if s.gs {
		return s.solveGS(dst, x0, &set)
	}
	started, reuse := false, false
	if x0 != nil {
		for i, u := range s.xidx {
			s.v[i] = x0[u]
		}
		reuse = s.fac.near(s.v, s.chordStep)
	} else if started = s.start(); !started {
		clear(s.v)
	}
	st, it := s.newton(&set, reuse)
	if st != solve.Converged && (x0 != nil || started) {
		clear(s.v)
		var it2 int
		st, it2 = s.newton(&set, false)
		it += it2
	}
	return s.result(dst, st, it, &set)
}

// result fills dst with the solution at s.v and returns it as a Result
// with status st after it iterations of a solve with set, with a
// *ConvergenceError unless st is Converged.
func (s *Solver) result(dst []float64, st solve.Status, it int, set *solve.Settings) (solve.Result, error) {
	resid, worst := s.residualNorm()
	s.fill(dst)
	res := solve.Result{X: dst, Status: st, Method: "layered", Iterations: it, Residual: resid}
	if worst >= 0 {
		res.WorstNode = s.lay.NodeName(s.xidx[worst])
	}
	if len(s.wired) > 0 && !set.SkipInternal {
		// The residual of the whole system, internal nodes included,
		// which the folded one does not see.
		res.Residual, res.WorstNode = s.fullResidual(dst)
	}
	if st != solve.Converged {
		return res, &solve.ConvergenceError{Status: st, Method: "layered", Residual: resid, WorstNode: res.WorstNode}
	}
	return res, nil
}

// load reads the present values of the sources, inputs and resistors into
// the folded problem's constant currents and conductances.
func (s *Solver) load() {
	s.lay.PinnedTo(s.cur0, s.vj)
	s.wiredCurrents()
	if s.sat != nil {
		for k := range s.junc {
			s.junc[k].vpin = s.vj[k]
		}
		return
	}
	clear(s.kf)
	clear(s.gf)
	cond := s.lay.Conductance()
	if s.hasOff {
		// V(u) = gain*v + off: the offset's share of the current through
		// u's own conductance and its links is constant.
		for u, c := range s.cur0 {
			g, fi := s.gain[u], s.fidx[u]
			s.kf[fi] += (c + cond[u]*s.off[u] + s.koff[u]) / g
			s.gf[fi] += cond[u]
		}
		for k := range s.junc {
			s.junc[k].vpin = s.vj[k] - s.off[s.junc[k].u]
		}
	} else {
		for u, c := range s.cur0 {
			g, fi := s.gain[u], s.fidx[u]
			s.kf[fi] += c / g
			s.gf[fi] += cond[u]
		}
		for k := range s.junc {
			s.junc[k].vpin = s.vj[k]
		}
	}
}

// residualNorm returns the largest |f| and its folded index; a NaN
// residual counts as infinite.
func (s *Solver) residualNorm() (float64, int) {
	worst, m := -1, 0.0
	for i, r := range s.f {
		a := math.Abs(r)
		if math.IsNaN(a) {
			a = math.Inf(1)
		}
		if a > m || worst < 0 {
			worst, m = i, a
		}
	}
	return m, worst
}

// newton iterates from s.v. It returns the status and the number of
// iterations; s.v is then the last finite iterate and s.f its residual.
//
// Once a Newton update has been small enough that no junction conductance
// changed by more than about 10% (5% of N*Vt, as Newton's chord test),
// the next iterate is first tested with the update that the previous
// factorization predicts, which saves refactoring the Jacobian at the
// point that is accepted.
//
// With reuse true (see reusable), the first iteration takes the update
// the previous factorization predicts without refactoring.
func (s *Solver) newton(set *solve.Settings, reuse bool) (solve.Status, int) {
	first, chord := true, reuse
	for it := 1; it <= set.MaxIterations; it++ {
		limited := s.eval(first)
		first = false
		factor := true
		if chord && !limited {
			s.step(false)
			if s.converged(set) {
				return solve.Converged, it
			}
			factor = !reuse || it > 1
		}
		if factor {
			if !s.step(true) {
				return solve.Singular, it
			}
			s.fac.note(s.v)
			if !limited && s.converged(set) {
				return solve.Converged, it
			}
		}
		if s.sat != nil {
			s.sat.limit(s)
		}
		big := 0.0
		for i, dx := range s.dx {
			v := s.v[i] + dx
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return solve.Diverged, it
			}
			big = math.Max(big, math.Abs(dx))
		}
		for i, dx := range s.dx {
			s.v[i] += dx
		}
		chord = big <= s.chordStep
	}
	s.eval(false)
	return solve.IterationLimit, set.MaxIterations
}

// converged reports whether s.f and the update s.dx meet the tolerances.
func (s *Solver) converged(set *solve.Settings) bool {
	for i, r := range s.f {
		if !(math.Abs(r) <= set.CurrentTol+set.RelTol*s.scale[i]) || !(math.Abs(s.dx[i]) <= set.VoltTol+set.RelTol*math.Abs(s.v[i])) {
			return false
		}
	}
	return true
}

// eval writes the folded residual at s.v into s.f, the diagonal of its
// Jacobian into s.d and the current scale into s.scale. Junction voltages
// are limited against the previous call unless first is true. It reports
// whether any junction was limited.
func (s *Solver) eval(first bool) (limited bool) {
	if s.sat != nil {
		return s.evalSat(first)
	}
	s.evalLinear()
	return s.evalJunctions(first, nil)
}

// evalLinear writes the linear part of eval: the residual and diagonal of
// the conductances and constant currents, and the current scale.
func (s *Solver) evalLinear() {
	v, f, d, sc := s.v, s.f, s.d, s.scale
	for i, g := range s.gf {
		f[i] = g*v[i] + s.kf[i]
		d[i] = g
	}
	for _, blocks := range s.chain {
		for k := range blocks {
			b := &blocks[k]
			fk := vec(f[b.off : b.off+b.n])
			if k > 0 {
				p := &blocks[k-1]
				blas64.Gemv(blas.NoTrans, 1, gen(b.dn, b.n, b.nprev), vec(v[p.off:p.off+p.n]), 1, fk)
			}
			if k+1 < len(blocks) {
				q := &blocks[k+1]
				blas64.Gemv(blas.Trans, 1, gen(b.upT, b.nnxt, b.n), vec(v[q.off:q.off+q.n]), 1, fk)
			}
			if b.w != nil {
				blas64.Gemv(blas.NoTrans, 1, gen(b.w, b.n, b.n), vec(v[b.off:b.off+b.n]), 1, fk)
			}
		}
	}
	for i, r := range f {
		sc[i] = math.Abs(r)
	}
}

// evalJunctions adds the junctions to what evalLinear wrote, as eval says.
// A transient's stages pass their layeredODE, whose junction evaluation
// reuses anchored exponentials; DC solves pass nil.
func (s *Solver) evalJunctions(first bool, m *layeredODE) (limited bool) {
	v, f, d, sc := s.v, s.f, s.d, s.scale
	for k := range s.junc {
		jn := &s.junc[k]
		vd := jn.sgn * (jn.gain*v[jn.fi] - jn.vpin)
		vl := vd
		if !first {
			vl = jn.j.Limit(vd, s.vdl[k])
			if vl != vd {
				limited = true
			}
		}
		s.vdl[k] = vl
		var i, g float64
		if m != nil {
			i, g = m.junction(k, vl)
		} else {
			i, g = jn.j.Eval(vl)
		}
		i += g * (vd - vl)
		s.ij[k] = i
		s.gj[k] = g
		i *= jn.inv
		f[jn.fi] += jn.sgn * i
		d[jn.fi] += g
		sc[jn.fi] += math.Abs(i)
	}
	return limited
}

// fill writes the solution at s.v in the system's ordering into dst:
// free node voltages, driven nodes included, then the amplifier branch
// currents, each minus the current its driven node delivers to the rest of
// the circuit.
func (s *Solver) fill(dst []float64) {
	nf := len(s.fidx)
	s.rawCurrents(nf < len(dst))
	for u, v := range s.vraw {
		if !s.internal[u] {
			dst[u] = v
		}
	}
	if len(s.wired) > 0 && !s.Settings.SkipInternal {
		s.InternalTo(dst)
	}
	if nf == len(dst) {
		return
	}
	for u, br := range s.lay.Branch {
		if br >= 0 {
			dst[br] = -s.raw[u]
		}
	}
}

// rawCurrents sets s.vraw to the voltages of the free nodes at s.v and, if
// branches is true, s.raw to the current leaving each free node through
// its elements.
func (s *Solver) rawCurrents(branches bool) {
	lay := s.lay
	nf := len(s.fidx)
	if s.sat != nil {
		s.sat.outputs(s)
		copy(s.vraw, s.sat.vu)
	} else {
		for u := range nf {
			s.vraw[u] = s.gain[u]*s.v[s.fidx[u]] + s.off[u]
		}
	}
	if !branches {
		return
	}
	cond := lay.Conductance()
	for u := range nf {
		s.raw[u] = cond[u]*s.vraw[u] + s.cur0[u]
	}
	// At a converged iterate no junction was limited, so the currents of
	// the last evaluation are the true ones.
	for k, jn := range s.junc {
		s.raw[jn.u] += jn.sgn * s.ij[k]
	}
	for k := range s.links {
		rl := &s.links[k]
		g := rl.l.G.RawMatrix()
		for i, u := range rl.l.From {
			rl.vf[i] = s.vraw[u]
		}
		for j, u := range rl.l.To {
			rl.vt[j] = s.vraw[u]
		}
		if rl.from {
			blas64.Gemv(blas.NoTrans, 1, g, vec(rl.vt), 0, vec(rl.cf))
			for i, u := range rl.l.From {
				s.raw[u] -= rl.cf[i]
			}
		}
		if rl.to {
			blas64.Gemv(blas.Trans, 1, g, vec(rl.vf), 0, vec(rl.ct))
			for j, u := range rl.l.To {
				s.raw[u] -= rl.ct[j]
			}
		}
	}
	s.rawCouplings()
}

// Layering returns the structure the solver works on.
func (s *Solver) Layering() *mna.Layering { return s.lay }
