package native

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop/dynamics"
	"github.com/eqsim/eqsim/eqprop/nudge"
	"github.com/eqsim/eqsim/solver"

	"github.com/eqsim/eqsim/eqprop"
)

// Config says which parts of a circuit are its inputs and outputs.
type Config struct {
	// Input is the name of the circuit.Input element the features drive.
	Input string
	// Outputs are the names of the output nodes.
	Outputs []string
	// Nudge is how nudged phases push the outputs.
	Nudge eqprop.NudgeKind
	// Dynamics says how every phase runs in time and how it is measured
	// (see package dynamics and Network.Cost) [zero: each phase is a DC
	// equilibrium, read exactly]. With the circuit's ThermalNoise on,
	// every measurement carries the thermal noise of its window, which
	// Dynamics.Window must then give.
	Dynamics dynamics.Settings
}

// Network is an eqprop.Physical backed by eqsim's circuit solver: the
// layered fast path where the network is layered, Newton's method
// otherwise.
type Network struct {
	base   *circuit.Circuit // the user's circuit, shared conductances
	cfg    Config
	blocks []eqprop.Block
	// train holds, per block, its trainable element.
	train []circuit.Trainable

	free  *phaseSystem // free and nudged phases
	clamp *phaseSystem // clamped and coupled phases, built on first use
	last  *phaseSystem // the system of the last relaxation

	input   *circuit.Input // in free's circuit
	x0      []float64      // last free equilibrium
	vout    []float64      // outputs at the last free equilibrium
	relaxed bool
	// lastBeta and lastTarget are the nudge of the last relaxation if it
	// was a nudged DC equilibrium (lastBeta 0 otherwise), and xm the start
	// mirrored from it.
	lastBeta   float64
	lastTarget []float64
	xm         []float64
	cold       bool // the next free phase starts from 0 V (see Reset)
	// version counts the programming of conductances, shared by the
	// replicas, and seen is its value when this replica's solvers last
	// saw them: each replica refreshes its own solvers at its next
	// relaxation, in the goroutine that relaxes it.
	version *atomic.Uint64
	seen    uint64
	// replicas lists every Network sharing these conductances, so that
	// Program can tell all their solvers.
	replicas *[]*Network
	// shared lets the solvers of all replicas reduce each crossbar with
	// wire resistance once per change of its conductances.
	shared *solver.Shared
	// sums holds, per block, the row and column sums the trainer gave
	// with its last in-place change (Programmed), shared by the
	// replicas; zero after any other change. known is this replica's
	// list of them.
	sums  *[]mna.Sums
	known []mna.Sums
	// batch holds the products of a batch's samples (eqprop.Batched), shared
	// by the replicas.
	batch *batchProducts
	time  timing // what runs in time: see dynamics.go
}

// phaseSystem is one compiled copy of the circuit with its solver.
type phaseSystem struct {
	c      *circuit.Circuit
	sys    *mna.System
	dc     *solver.DC
	x      []float64 // last solution
	iters  int       // the iterations of the DC solve that found x
	v      []float64 // node voltages at x
	input  *circuit.Input
	drive  *nudge.Elements // on the outputs: the nudge, or the clamps
	outIdx []int           // node index of every output
	aIdx   [][]int         // per block: node indices of side A
	bIdx   [][]int         // per block: node indices of side B
	// fromFree maps, for the clamped system, each unknown to the free
	// system's unknown of the same name, or -1 (a clamped output), so that
	// clamped phases start from the free equilibrium.
	fromFree []int
	xfree    []float64 // the mapped free equilibrium
	// run runs the phases in time and measures them; nil for DC
	// equilibria read exactly.
	run *dynamics.Runner
}

// New returns an eqprop.Physical for circuit c. It shares c's trainable
// conductances (Program writes into c) and copies everything else. The
// trainable blocks are c's trainable crossbars and resistors in element
// order. A circuit that is not a layered network (see mna.Layering) is
// relaxed by Newton's method (with the sparse Jacobian when it is large).
// Crossbars with wire resistance are measured at their periphery: their
// internal nodes are not computed while training (see System).
func New(c *circuit.Circuit, cfg Config) (*Network, error) {
	n := &Network{base: c, cfg: cfg, shared: &solver.Shared{}}
	_, ok := c.Element(cfg.Input).(*circuit.Input)
	if !ok {
		return nil, fmt.Errorf("eqprop: no input element %q", cfg.Input)
	}
	if len(cfg.Outputs) == 0 {
		return nil, fmt.Errorf("eqprop: no output nodes")
	}
	if err := checkDynamics(c, cfg.Dynamics); err != nil {
		return nil, err
	}
	for _, e := range c.Elements {
		if t, ok := e.(circuit.Trainable); ok && t.IsTrainable() {
			a, b := t.Sides()
			n.blocks = append(n.blocks, eqprop.Block{Name: e.Label(), Rows: len(a), Cols: len(b), Scale: 1})
			n.train = append(n.train, t)
		}
	}
	if len(n.blocks) == 0 {
		return nil, fmt.Errorf("eqprop: the circuit has no trainable conductances")
	}
	var err error
	if n.free, err = n.build(false); err != nil {
		return nil, err
	}
	n.input = n.free.input
	n.vout = make([]float64, len(cfg.Outputs))
	n.x0 = make([]float64, n.free.sys.Size())
	n.xm = make([]float64, len(n.x0))
	n.replicas = &[]*Network{n}
	n.version = new(atomic.Uint64)
	sums := make([]mna.Sums, len(n.blocks))
	n.sums = &sums
	n.batch = &batchProducts{}
	n.scales()
	return n, nil
}

// build compiles a copy of the base circuit that shares its conductances,
// with the nudge elements (clamp false) or clamping sources (clamp true)
// on the outputs.
func (n *Network) build(clamp bool) (*phaseSystem, error) {
	// Sources get copies so that replicas can drive them independently;
	// conductances stay shared.
	return n.buildFrom(n.base.Replica(), clamp)
}

// buildFrom is build on c, a replica of the base circuit.
func (n *Network) buildFrom(c *circuit.Circuit, clamp bool) (*phaseSystem, error) {
	p := &phaseSystem{}
	kind := nudge.Of(n.cfg.Nudge)
	if clamp {
		kind = nudge.Clamp
	}
	p.drive = nudge.Add(c, n.cfg.Outputs, kind)
	p.input, _ = c.Element(n.cfg.Input).(*circuit.Input)
	sys, err := mna.Compile(c)
	if err != nil {
		return nil, err
	}
	p.c, p.sys = c, sys
	p.dc = solver.NewDC(sys, &solver.Settings{NoSourceStepping: true, SkipInternal: true, Shared: n.shared})
	if err := p.dc.CheckSize(); err != nil {
		// The general solver would grind, or exhaust memory, on every
		// relaxation.
		return nil, fmt.Errorf("eqprop: %w", err)
	}
	p.x = make([]float64, sys.Size())
	p.v = make([]float64, len(sys.Nodes())+1)
	n.timed(p)
	for _, out := range n.cfg.Outputs {
		i, ok := sys.NodeIndex(out)
		if !ok || i == 0 {
			return nil, fmt.Errorf("eqprop: no output node %q", out)
		}
		p.outIdx = append(p.outIdx, i)
	}
	idx := func(names []string) []int {
		r := make([]int, len(names))
		for k, nm := range names {
			r[k], _ = sys.NodeIndex(nm)
		}
		return r
	}
	for _, t := range n.train {
		a, b := t.Sides()
		p.aIdx = append(p.aIdx, idx(a))
		p.bIdx = append(p.bIdx, idx(b))
	}
	return p, nil
}

// scales sets each block's Scale from the amplifiers between it and the
// outputs (mna.System.EnergyWeights): a block's Scale is the largest
// weight of its sides' nodes, 1 if none has a weight.
func (n *Network) scales() {
	w := n.free.sys.EnergyWeights(n.free.outIdx)
	for k := range n.blocks {
		s := 0.0
		for _, side := range [][]int{n.free.aIdx[k], n.free.bIdx[k]} {
			for _, i := range side {
				s = math.Max(s, w[i])
			}
		}
		if s == 0 {
			s = 1
		}
		n.blocks[k].Scale = s
	}
}

// Layered returns nil if the free phase is solved by the layered fast
// path, else why the network is not layered (Newton's method solves it).
func (n *Network) Layered() error { _, err := n.free.dc.Layered(); return err }

// Features returns the number of input features.
func (n *Network) Features() int { return len(n.input.Values) }

// Outputs returns the number of output nodes.
func (n *Network) Outputs() int { return len(n.cfg.Outputs) }

// Blocks describes the trainable conductances.
func (n *Network) Blocks() []eqprop.Block { return n.blocks }

// SetInput sets the input features.
func (n *Network) SetInput(x []float64) {
	if len(x) != len(n.input.Values) {
		panic(fmt.Sprintf("eqprop: %d features, want %d", len(x), len(n.input.Values)))
	}
	copy(n.input.Values, x)
	if n.clamp != nil {
		copy(n.clamp.input.Values, x)
	}
	n.relaxed = false
	n.time.cost = eqprop.Cost{}
}

// Relax drives the outputs as p says and settles the circuit.
func (n *Network) Relax(p eqprop.Phase) error {
	if p.Kind != eqprop.Free && !n.relaxed {
		panic("eqprop: a " + p.Kind.String() + " phase before the free phase")
	}
	if p.Kind != eqprop.Free && len(p.Target) != len(n.cfg.Outputs) {
		panic("eqprop: target length differs from the number of outputs")
	}
	if n.version.Load() != n.seen {
		n.refresh()
	}
	ps := n.free
	if p.Kind == eqprop.Clamped || p.Kind == eqprop.Coupled {
		if n.clamp == nil {
			c, err := n.build(true)
			if err != nil {
				return err
			}
			copy(c.input.Values, n.input.Values)
			c.fromFree = make([]int, c.sys.Size())
			for u := range c.fromFree {
				c.fromFree[u] = n.free.sys.Unknown(c.sys.UnknownName(u))
			}
			c.xfree = make([]float64, c.sys.Size())
			n.clamp = c
		}
		ps = n.clamp
	}
	ps.drive.Set(p, n.vout)
	// Nudged and clamped phases start from the free equilibrium, the free
	// phase from the last sample's (a warm start for nearby inputs) or,
	// after Reset, from 0 V. The second phase of a centered pair starts
	// from the first mirrored about the free equilibrium: it then takes
	// two or three Gauss-Seidel sweeps where the first takes four to
	// eleven, and a Newton iteration fewer.
	x0 := n.x0
	switch {
	case ps == n.clamp:
		x0 = ps.xfree
		for u, k := range ps.fromFree {
			x0[u] = 0
			if k >= 0 {
				x0[u] = n.x0[k]
			}
		}
	case p.Kind == eqprop.Free && n.cold:
		x0 = nil
	case n.mirrors(p):
		// The phase mirrors the last one about the free equilibrium:
		// x(-beta) = 2x(0) - x(beta) + O(beta^2).
		x0 = n.xm
		for i, u := range n.x0 {
			x0[i] = 2*u - ps.x[i]
		}
	}
	n.lastBeta = 0
	if err := n.settle(ps, p.Kind, x0); err != nil {
		return err
	}
	n.last = ps
	if p.Kind == eqprop.Nudged && ps.run == nil {
		n.lastBeta = p.Beta
		n.lastTarget = append(n.lastTarget[:0], p.Target...)
	}
	if p.Kind == eqprop.Free {
		copy(n.x0, ps.x)
		for k, i := range ps.outIdx {
			n.vout[k] = ps.v[i]
		}
		n.relaxed = true
		n.cold = false
	}
	return nil
}

// Reset makes the next free relaxation start from 0 V rather than from the
// last free equilibrium. Equilibria are then a function of the inputs and
// conductances alone, not of what was relaxed before (see eqprop.Resetter).
func (n *Network) Reset() { n.cold = true }

func (p *phaseSystem) solve(x0 []float64) error {
	r, err := p.dc.SolveTo(p.x, x0)
	p.iters = r.Iterations
	if err != nil {
		return err
	}
	p.sys.VoltagesTo(p.v, p.x)
	return nil
}

// Measure reads the last equilibrium.
func (n *Network) Measure(m *eqprop.Measurement) {
	p := n.last
	if p == nil {
		panic("eqprop: Measure before Relax")
	}
	v := n.measured(p)
	for k, i := range p.outIdx {
		m.Outputs[k] = v[i]
	}
	for k := range n.blocks {
		for i, j := range p.aIdx[k] {
			m.A[k][i] = v[j]
		}
		for i, j := range p.bIdx[k] {
			m.B[k][i] = v[j]
		}
	}
}

// ConductancesTo copies block k's conductances into dst.
func (n *Network) ConductancesTo(dst []float64, k int) { n.train[k].ConductancesTo(dst) }

// Program writes block k's conductances. Every replica sees them; none
// may be relaxing meanwhile.
func (n *Network) Program(k int, g []float64) {
	if d := n.ConductanceData(k); len(d) == 0 || len(g) == 0 || &d[0] != &g[0] {
		n.train[k].SetConductances(g)
	}
	(*n.sums)[k] = mna.Sums{}
	n.version.Add(1)
}

// dataHolder is a trainable element that stores its conductances in
// one row-major slice.
type dataHolder interface {
	ConductanceData() []float64
}

// ConductanceData returns block k's conductances as the circuit stores
// them, row-major, or nil (see eqprop.InPlace).
func (n *Network) ConductanceData(k int) []float64 {
	if d, ok := n.train[k].(dataHolder); ok {
		return d.ConductanceData()
	}
	return nil
}

// Programmed tells every replica that block k's conductances changed in
// place, and what their row and column sums now are (see eqprop.InPlace).
func (n *Network) Programmed(k int, rows, cols []float64) {
	(*n.sums)[k] = mna.Sums{Data: n.ConductanceData(k), Rows: rows, Cols: cols}
	n.version.Add(1)
}

// rowSetter is a trainable element that can set some of its rows.
type rowSetter interface {
	SetConductanceRows(lo int, g []float64)
}

// ProgramRows writes rows [lo, lo+len(g)/Cols) of block k's conductances
// from g (see eqprop.RowProgrammer).
func (n *Network) ProgramRows(k, lo int, g []float64) {
	c := n.blocks[k].Cols
	if len(g)%c != 0 || lo < 0 || lo+len(g)/c > n.blocks[k].Rows {
		panic(fmt.Sprintf("eqprop: ProgramRows of %d conductances from row %d of a %dx%d block", len(g), lo, n.blocks[k].Rows, c))
	}
	if rs, ok := n.train[k].(rowSetter); ok {
		rs.SetConductanceRows(lo, g)
	} else {
		for i, v := range g {
			*n.train[k].Conductance(lo*c + i) = v
		}
	}
	(*n.sums)[k] = mna.Sums{}
	n.version.Add(1)
}

// refresh tells this replica's solvers, those of its phases in time
// included, that conductances changed.
func (n *Network) refresh() {
	known := n.known[:0]
	for _, s := range *n.sums {
		if s.Data != nil {
			known = append(known, s)
		}
	}
	n.known = known
	for _, p := range []*phaseSystem{n.free, n.clamp, n.time.learn} {
		if p != nil {
			p.dc.RefreshSums(known)
			if p.run != nil {
				p.run.Refresh()
			}
		}
	}
	n.seen = n.version.Load()
}

// Clone returns a replica sharing the conductances.
func (n *Network) Clone() (eqprop.Physical, error) {
	m := &Network{base: n.base, cfg: n.cfg, blocks: n.blocks, train: n.train, replicas: n.replicas, shared: n.shared, version: n.version, sums: n.sums, batch: n.batch, seen: n.version.Load()}
	var err error
	if m.free, err = m.build(false); err != nil {
		return nil, err
	}
	m.input = m.free.input
	m.vout = make([]float64, len(n.cfg.Outputs))
	m.x0 = make([]float64, m.free.sys.Size())
	m.xm = make([]float64, len(m.x0))
	*n.replicas = append(*n.replicas, m)
	return m, nil
}

// Power returns the power in watts that the circuit's sources deliver
// at the equilibrium of the last relaxation: its independent sources and
// its amplifiers, which at equilibrium is what its resistors, crossbars
// and diodes dissipate (mna.Power's Total). On a layered network it costs
// the free nodes, not the conductances (mna.Layering.Power).
func (n *Network) Power() float64 { return n.PowerParts().Total() }

// PowerParts returns the power of Power, in its parts: the independent
// sources' and the amplifiers'.
func (n *Network) PowerParts() mna.Power {
	ps := n.last
	if ps == nil {
		panic("eqprop: Power before Relax")
	}
	return ps.dc.Power(ps.x)
}

// System returns the compiled circuit of the free and nudged phases and
// the unknowns of the last free equilibrium, for exact gradients, the
// internal nodes of crossbars with wire resistance included (computed
// here: relaxations leave them out). The nudge elements (current sources
// or conductances into the outputs) keep the values of the last
// relaxation: zero after a free phase.
func (n *Network) System() (*mna.System, []float64) {
	n.free.dc.InternalTo(n.x0)
	return n.free.sys, n.x0
}

// mirrors reports whether phase p is the last relaxation's nudge with the
// opposite strength, both DC equilibria of the free system.
func (n *Network) mirrors(p eqprop.Phase) bool {
	return p.Kind == eqprop.Nudged && n.lastBeta != 0 && p.Beta == -n.lastBeta && n.last == n.free &&
		n.free.run == nil && slices.Equal(p.Target, n.lastTarget)
}
