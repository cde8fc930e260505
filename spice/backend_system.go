package spice

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/nudge"
)

// ngSystem is one circuit of the phases, loaded in an ngspice of its own.
type ngSystem struct {
	fam  *ngFamily
	c    *circuit.Circuit // a replica of the family's, with the phase's elements
	d    *deck
	proc *ngProc
	file string // the deck's file name in the family's folder
	// cards is the number of cards of the deck, the cost of loading it.
	cards int

	input *circuit.Input
	drive *nudge.Elements // on the outputs: the nudge, the clamps or none
	// driven lists the elements (indices in c) whose values the phases
	// set: the input and the elements added for the phase.
	driven []int
	// loaded holds, per element of c that is driven or trainable, the
	// values of its parts as ngspice has them.
	loaded [][]float64
	// version is, per block, the family's count of Program calls when
	// the block was last sent.
	version []uint64

	// outV, aV and bV hold the voltages of the nodes to read, whose
	// SPICE names, in lower case, are in outN, aN and bN ("" for ground).
	outN            []string
	aN, bN          [][]string
	outV            []float64
	aV, bV          [][]float64
	vals            map[string]float64
	buf             []byte
	loadedOnce      bool
	solved, reloads int
}

// circuit returns the (unstarted) system of the given kind with features
// x (nil: the circuit's).
func (f *ngFamily) circuit(kind int, x []float64) *ngSystem {
	s := &ngSystem{fam: f}
	c := f.base.Replica()
	for i, e := range c.Elements {
		if e.Label() == f.cfg.Input {
			s.input = e.(*circuit.Input)
			s.driven = append(s.driven, i)
		}
	}
	if x != nil {
		copy(s.input.Values, x)
	}
	own := len(c.Elements)
	switch {
	case kind == ngClamp:
		s.drive = nudge.Add(c, f.cfg.Outputs, nudge.Clamp)
	case f.cfg.Nudge == eqprop.NudgeCurrent:
		// The free system's current sources, off in the free phase,
		// nudge too.
		s.drive = nudge.Add(c, f.cfg.Outputs, nudge.Current)
	case kind == ngNudge:
		s.drive = nudge.Add(c, f.cfg.Outputs, nudge.Conductance)
	default:
		s.drive = nudge.Add(c, f.cfg.Outputs, nudge.None)
	}
	for i := own; i < len(c.Elements); i++ {
		s.driven = append(s.driven, i)
	}
	s.c = c
	return s
}

// start names the system's deck, starts its ngspice and loads the deck.
func (s *ngSystem) start(file string) error {
	f := s.fam
	d, err := newDeck(s.c)
	if err != nil {
		return err
	}
	s.d, s.file = d, file
	s.loaded = make([][]float64, len(s.c.Elements))
	s.version = make([]uint64, len(f.blocks))
	watch := append([]int(nil), s.driven...)
	watch = append(watch, f.trainElem...)
	for _, e := range watch {
		n := 0
		for range s.c.Elements[e].Parts() {
			n++
		}
		s.loaded[e] = make([]float64, n)
	}
	for _, e := range s.c.Elements {
		for range e.Parts() {
			s.cards++
		}
	}
	s.names()
	if s.proc, err = startNgspice(f.bin, f.dir); err != nil {
		return err
	}
	if err := s.load(); err != nil {
		s.proc.close()
		return err
	}
	return nil
}

// names finds the SPICE names of the nodes to read. ngspice prints them
// all with one "print all": it takes about as long as one "print" of
// each of a 196-32-10 network's 466 nodes takes to look them up.
func (s *ngSystem) names() {
	f := s.fam
	spiceNode := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			if !circuit.IsGround(n) {
				out[i] = strings.ToLower(s.d.nodes[n])
			}
		}
		return out
	}
	s.outN = spiceNode(f.cfg.Outputs)
	for _, t := range f.train {
		a, b := t.Sides()
		s.aN = append(s.aN, spiceNode(a))
		s.bN = append(s.bN, spiceNode(b))
		s.aV = append(s.aV, make([]float64, len(a)))
		s.bV = append(s.bV, make([]float64, len(b)))
	}
	s.outV = make([]float64, len(s.outN))
	s.vals = make(map[string]float64, len(s.d.nodeList)+s.d.privateNodes+s.d.branchCards)
}

// load writes the deck with the current values and has ngspice load it in
// place of the one it holds.
func (s *ngSystem) load() error {
	f := s.fam
	for e, v := range s.loaded {
		if v == nil {
			continue
		}
		v = v[:0]
		for p := range s.c.Elements[e].Parts() {
			v = append(v, p.Value)
		}
		s.loaded[e] = v
	}
	copy(s.version, f.version)
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	s.d.write(w)
	w.Flush()
	// The deck without its .control block, which would solve, print and
	// quit: the backend sends its own commands. Nothing before the block
	// can hold "\n.control\n", as comments and the title are single lines
	// whose names are quoted.
	text := b.Bytes()
	if i := bytes.LastIndex(text, []byte("\n.control\n")); i >= 0 {
		text = append(text[:i+1], ".end\n"...)
	}
	if err := os.WriteFile(filepath.Join(f.dir, s.file), text, 0o644); err != nil {
		return err
	}
	cmds := "source " + s.file + "\n"
	if s.loadedOnce {
		cmds = "remcirc\n" + cmds
	}
	if _, err := s.proc.exchange([]byte(cmds), nil); err != nil {
		return err
	}
	s.loadedOnce = true
	s.reloads++
	return nil
}

// sync appends to s.buf the alter commands that give ngspice the current
// values of the driven elements and of the blocks Program changed, and
// reports whether loading the deck anew is needed or cheaper instead.
func (s *ngSystem) sync() (reload bool) {
	f := s.fam
	b := s.buf[:0]
	alters := 0
	send := func(e int) {
		v := s.loaded[e]
		k := 0
		for p := range s.c.Elements[e].Parts() {
			if k == len(v) {
				// A part that was not there (a crossbar writes no
				// conductance 0): the cards differ.
				reload = true
				return
			}
			old := v[k]
			k++
			if math.Float64bits(p.Value) == math.Float64bits(old) {
				continue
			}
			v[k-1] = p.Value
			alters++
			switch {
			case p.Type == 'R' && p.Value != 0 && old != 0:
				b = append(b, "alter "...)
				b = append(b, s.d.cardName(e, p.Type, p.Name)...)
				b = append(b, " resistance = "...)
				b = strconv.AppendFloat(b, 1/p.Value, 'g', -1, 64)
				b = append(b, '\n')
			case p.Type == 'V' || p.Type == 'I':
				b = append(b, "alter "...)
				b = append(b, s.d.cardName(e, p.Type, p.Name)...)
				b = append(b, " dc = "...)
				b = strconv.AppendFloat(b, p.Value, 'g', -1, 64)
				b = append(b, '\n')
			default:
				// A conductance that opens or closes has no card to
				// alter, or gets one.
				reload = true
			}
		}
		reload = reload || k != len(v)
	}
	for _, e := range s.driven {
		send(e)
	}
	for k, e := range f.trainElem {
		if s.version[k] != f.version[k] {
			send(e)
			s.version[k] = f.version[k]
		}
	}
	s.buf = b
	return reload || alters*ngAlterRatio > s.cards
}

// solve brings ngspice up to date, solves the operating point and reads
// the voltages to measure.
func (s *ngSystem) solve() error {
	if s.sync() {
		if err := s.load(); err != nil {
			return err
		}
		s.buf = s.buf[:0]
	}
	b := append(s.buf, "op\necho "+ngStatusMark+" $sim_status\nprint all\ndestroy all\n"...)
	s.buf = b
	clear(s.vals)
	ans, err := s.proc.exchange(b, s.vals)
	if err != nil {
		return err
	}
	s.solved++
	if ans.status != 0 {
		return &NgspiceError{Msg: "no DC operating point", Stderr: s.proc.tail.String()}
	}
	read := func(dst []float64, names []string) error {
		for i, n := range names {
			if n == "" {
				dst[i] = 0
				continue
			}
			v, ok := s.vals[n]
			if !ok {
				return &NgspiceError{Msg: fmt.Sprintf("printed no voltage for node %s", n), Stderr: s.proc.tail.String()}
			}
			dst[i] = v
		}
		return nil
	}
	if err := read(s.outV, s.outN); err != nil {
		return err
	}
	for k := range s.aN {
		if err := read(s.aV[k], s.aN[k]); err != nil {
			return err
		}
		if err := read(s.bV[k], s.bN[k]); err != nil {
			return err
		}
	}
	return nil
}
