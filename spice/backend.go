package spice

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"sync"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/eqprop"
)

// BackendConfig says which parts of a circuit are its inputs and outputs,
// as native.Config (package eqprop/native) does for eqsim's own solver.
type BackendConfig struct {
	// Input is the name of the circuit.Input element the features drive.
	Input string
	// Outputs are the names of the output nodes.
	Outputs []string
	// Nudge is how nudged phases push the outputs.
	Nudge eqprop.NudgeKind
}

// Ngspice is an eqprop.Physical that solves every phase in ngspice: the
// trainer's second physical backend, with which a training step can be
// checked end to end against a SPICE simulator.
//
// Each Ngspice, and each of its clones, drives ngspice processes of its
// own (`ngspice -n -p`, commands over pipes): one holds the circuit with
// current sources into the outputs for the free and nudged phases (with
// NudgeCurrent) or the circuit alone for the free phase and one the
// circuit with conductances to sources at the targets for the nudged
// phases (with NudgeConductance); clamped and coupled phases get one with
// voltage sources on the outputs. These are the elements, and the values,
// with which native.Network builds its phases. Each circuit is written as
// a deck once (WriteSpice's cards without its .control block) and loaded;
// between phases and samples only what changed is sent, as `alter`
// commands: the input sources, the nudge currents, conductances and
// targets, the clamps, and the conductances Program wrote. When most
// conductances changed (after a training step) the deck is written and
// loaded again instead, which ngspice does some ten times faster than it
// alters them one by one. A phase is ngspice's `op`; its answer is read
// with 18 significant digits.
//
// ngspice starts every operating point from its own initial guess, so an
// equilibrium depends on the inputs and conductances alone: Reset has
// nothing to do, and training gives the same result for any number of
// workers. An Ngspice must be closed (Close) to end its processes; they
// end anyway when eqsim exits, on the end of their input.
type Ngspice struct {
	fam     *ngFamily
	x       []float64 // the features
	vout    []float64 // the outputs at the last free equilibrium
	relaxed bool
	systems [ngKinds]*ngSystem
	last    *ngSystem
}

// The circuits of the phases.
const (
	ngFree  = iota // the free phase, and the nudged ones with NudgeCurrent
	ngNudge        // the nudged phases with NudgeConductance
	ngClamp        // clamped and coupled phases
	ngKinds
)

// ngFamily is what an Ngspice and its clones share: the circuit, whose
// trainable conductances are theirs, and its blocks.
type ngFamily struct {
	bin, dir string
	base     *circuit.Circuit
	cfg      BackendConfig
	blocks   []eqprop.Block
	train    []circuit.Trainable
	// trainElem is, per block, the index of its element in the circuit.
	trainElem []int
	// version counts, per block, the Program calls; a system whose count
	// is behind sends the block's conductances before it solves.
	version []uint64

	mu      sync.Mutex
	members []*Ngspice
	decks   int
	closed  bool
}

// ngAlterRatio is how many cards ngspice loads, as a deck, in the time it
// takes to alter one over its pipe: a system loads its deck again when
// more cards changed than its cards divided by this. Measured with
// ngspice 39 on the deck of a 196-32-10 network (12,900 cards): an alter
// takes about 96 µs of processor time (half of it reading the command a
// byte at a time), a load of the whole deck 0.1 s.
const ngAlterRatio = 10

// NewNgspice returns an ngspice backend for circuit c with the inputs and
// outputs of cfg. It shares c's trainable conductances (Program writes
// into c) and copies everything else. The trainable blocks are c's
// trainable crossbars and resistors in element order, with the Scale that
// native.New gives them. ngspice starts on the first relaxation, so
// a backend that never relaxes needs no Close.
//
// NewNgspice returns an error wrapping ErrNoNgspice when ngspice is not
// on PATH, and an error for a circuit that has no deck (see WriteSpice)
// or lacks the input and outputs.
func NewNgspice(c *circuit.Circuit, cfg BackendConfig) (*Ngspice, error) {
	bin, err := exec.LookPath("ngspice")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoNgspice, err)
	}
	in, ok := c.Element(cfg.Input).(*circuit.Input)
	if !ok {
		return nil, fmt.Errorf("spice: no input element %q", cfg.Input)
	}
	if len(cfg.Outputs) == 0 {
		return nil, errors.New("spice: no output nodes")
	}
	f := &ngFamily{bin: bin, base: c, cfg: cfg}
	for i, e := range c.Elements {
		if t, ok := e.(circuit.Trainable); ok && t.IsTrainable() {
			a, b := t.Sides()
			f.blocks = append(f.blocks, eqprop.Block{Name: e.Label(), Rows: len(a), Cols: len(b), Scale: 1})
			f.train = append(f.train, t)
			f.trainElem = append(f.trainElem, i)
		}
	}
	if len(f.blocks) == 0 {
		return nil, errors.New("spice: the circuit has no trainable conductances")
	}
	f.version = make([]uint64, len(f.blocks))
	// The scales come from the circuit of the nudged phases, as
	// native.Network takes them from its own; its deck is checked now
	// rather than on the first relaxation.
	nudge := f.circuit(ngNudge, nil)
	if err := f.scales(nudge.c); err != nil {
		return nil, err
	}
	if _, err := newDeck(nudge.c); err != nil {
		return nil, err
	}
	return f.member(append([]float64(nil), in.Values...)), nil
}

// scales sets each block's Scale from the amplifiers between it and the
// outputs, as native.Network does: the largest energy weight
// (mna.System.EnergyWeights) of its sides' nodes, 1 if none has one.
func (f *ngFamily) scales(c *circuit.Circuit) error {
	sys, err := mna.Compile(c)
	if err != nil {
		return err
	}
	out := make([]int, len(f.cfg.Outputs))
	for k, name := range f.cfg.Outputs {
		i, ok := sys.NodeIndex(name)
		if !ok || i == 0 {
			return fmt.Errorf("spice: no output node %q", name)
		}
		out[k] = i
	}
	w := sys.EnergyWeights(out)
	for k, t := range f.train {
		a, b := t.Sides()
		s := 0.0
		for _, side := range [][]string{a, b} {
			for _, name := range side {
				if i, ok := sys.NodeIndex(name); ok {
					s = math.Max(s, w[i])
				}
			}
		}
		if s == 0 {
			s = 1
		}
		f.blocks[k].Scale = s
	}
	return nil
}

// member returns a new Ngspice of the family with features x.
func (f *ngFamily) member(x []float64) *Ngspice {
	n := &Ngspice{fam: f, x: x, vout: make([]float64, len(f.cfg.Outputs))}
	f.mu.Lock()
	f.members = append(f.members, n)
	f.mu.Unlock()
	return n
}

// Features returns the number of input features.
func (n *Ngspice) Features() int { return len(n.x) }

// Outputs returns the number of output nodes.
func (n *Ngspice) Outputs() int { return len(n.fam.cfg.Outputs) }

// Blocks describes the trainable conductances.
func (n *Ngspice) Blocks() []eqprop.Block { return n.fam.blocks }

// SetInput sets the input features. It panics if x has the wrong length.
func (n *Ngspice) SetInput(x []float64) {
	if len(x) != len(n.x) {
		panic(fmt.Sprintf("spice: %d features, want %d", len(x), len(n.x)))
	}
	copy(n.x, x)
	n.relaxed = false
}

// Reset does nothing: ngspice's operating points do not depend on what it
// solved before (see Ngspice).
func (n *Ngspice) Reset() {}

// Relax drives the outputs as p says and solves the operating point in
// ngspice. It returns an *NgspiceError if ngspice finds none or fails. It
// panics if a phase other than Free comes before the free phase after
// SetInput, or p's target has the wrong length.
func (n *Ngspice) Relax(p eqprop.Phase) error {
	if p.Kind != eqprop.Free && !n.relaxed {
		panic("spice: a " + p.Kind.String() + " phase before the free phase")
	}
	if p.Kind != eqprop.Free && len(p.Target) != len(n.vout) {
		panic("spice: target length differs from the number of outputs")
	}
	kind := ngFree
	switch {
	case p.Kind == eqprop.Nudged && n.fam.cfg.Nudge == eqprop.NudgeConductance:
		kind = ngNudge
	case p.Kind == eqprop.Clamped || p.Kind == eqprop.Coupled:
		kind = ngClamp
	}
	s, err := n.system(kind)
	if err != nil {
		return err
	}
	copy(s.input.Values, n.x)
	s.drive.Set(p, n.vout)
	if err := s.solve(); err != nil {
		return err
	}
	n.last = s
	if p.Kind == eqprop.Free {
		copy(n.vout, s.outV)
		n.relaxed = true
	}
	return nil
}

// Measure reads the last equilibrium. It panics before the first Relax.
func (n *Ngspice) Measure(m *eqprop.Measurement) {
	s := n.last
	if s == nil {
		panic("spice: Measure before Relax")
	}
	copy(m.Outputs, s.outV)
	for k := range n.fam.blocks {
		copy(m.A[k], s.aV[k])
		copy(m.B[k], s.bV[k])
	}
}

// ConductancesTo copies block k's conductances into dst.
func (n *Ngspice) ConductancesTo(dst []float64, k int) { n.fam.train[k].ConductancesTo(dst) }

// Program writes block k's conductances into the circuit; every clone
// sends them to its ngspice before it next solves. None may be relaxing
// meanwhile.
func (n *Ngspice) Program(k int, g []float64) {
	n.fam.train[k].SetConductances(g)
	n.fam.version[k]++
}

// Clone returns a replica sharing the conductances, with processes of its
// own, started on first use.
func (n *Ngspice) Clone() (eqprop.Physical, error) {
	return n.fam.member(append([]float64(nil), n.x...)), nil
}

// Close ends the ngspice processes of n and of every clone of the family
// and removes their decks. The family cannot relax afterwards.
func (n *Ngspice) Close() error {
	f := n.fam
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.members {
		for k, s := range m.systems {
			if s != nil {
				s.proc.close()
				m.systems[k] = nil
			}
		}
	}
	f.members = nil
	f.closed = true
	if f.dir == "" {
		return nil
	}
	err := os.RemoveAll(f.dir)
	f.dir = ""
	return err
}

// system returns n's system of the given kind, starting it on first use.
func (n *Ngspice) system(kind int) (*ngSystem, error) {
	if n.fam.cfg.Nudge == eqprop.NudgeCurrent && kind == ngNudge {
		kind = ngFree
	}
	if s := n.systems[kind]; s != nil {
		return s, nil
	}
	f := n.fam
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, &NgspiceError{Msg: "the backend is closed"}
	}
	if f.dir == "" {
		dir, err := os.MkdirTemp("", "eqsim-backend-")
		if err != nil {
			f.mu.Unlock()
			return nil, err
		}
		f.dir = dir
	}
	f.decks++
	file := "deck" + strconv.Itoa(f.decks) + ".cir"
	f.mu.Unlock()
	s := f.circuit(kind, n.x)
	if err := s.start(file); err != nil {
		return nil, err
	}
	n.systems[kind] = s
	return s, nil
}
