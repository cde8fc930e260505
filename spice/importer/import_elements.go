package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// unsupportedElements says, by type letter, why eqsim cannot represent an
// element.
var unsupportedElements = map[byte]string{
	'a': "XSPICE code models (A)",
	'b': "behavioural sources (B)",
	'g': "voltage-controlled current sources (G); it has VCVS (E) and CCCS (F)",
	'h': "current-controlled voltage sources (H); it has VCVS (E) and CCCS (F)",
	'j': "JFETs (J)",
	'k': "coupled inductors (K)",
	'l': "inductors (L)",
	'm': "MOSFETs (M)",
	'n': "Verilog-A devices (N)",
	'o': "lossy transmission lines (O)",
	'p': "coupled transmission lines (P)",
	'q': "BJTs (Q)",
	's': "voltage-controlled switches (S)",
	't': "transmission lines (T)",
	'u': "uniform RC lines (U)",
	'w': "current-controlled switches (W)",
	'y': "transmission lines (Y)",
	'z': "MESFETs (Z)",
}

// elementCard is one element card being read in a frame.
type elementCard struct {
	im   *importer
	f    *importFrame
	card *importCard
	name string // its circuit name
	// pos are the positional fields after the name, params the
	// name=value pairs.
	pos    []deckToken
	params []deckParam
}

func (e *elementCard) errorf(format string, args ...any) error {
	return e.im.cardError(e.card, e.f.where(), fmt.Sprintf(format, args...))
}

// wrap locates err at the card, keeping an error located already.
func (e *elementCard) wrap(err error) error { return e.im.frameError(e.f, e.card, err) }

// nodes returns the circuit names of the first n positional fields and
// removes them.
func (e *elementCard) nodes(n int, what string) ([]string, error) {
	if len(e.pos) < n {
		return nil, e.errorf("%s needs %d nodes", what, n)
	}
	out := make([]string, n)
	for i := range out {
		s, err := e.im.node(e.f, e.pos[i], e.card)
		if err != nil {
			return nil, e.wrap(err)
		}
		out[i] = s
	}
	e.pos = e.pos[n:]
	return out, nil
}

func (e *elementCard) value(t deckToken) (float64, error) {
	v, err := e.f.scope.eval(t, e.im)
	if err != nil {
		return 0, e.wrap(err)
	}
	return v, nil
}

func (e *elementCard) note(format string, args ...any) {
	e.im.note(e.card, format, args...)
}

// element reads one element or instance card in frame f.
func (im *importer) element(f *importFrame, card *importCard) error {
	toks, err := tokenizeCard(card.text)
	if err != nil {
		return im.cardError(card, f.where(), err.Error())
	}
	if len(toks) == 0 {
		return im.cardError(card, f.where(), "a card of separators only")
	}
	first := toks[0]
	if first.expr || first.eq {
		return im.cardError(card, f.where(), "a card starts with an element name")
	}
	letter := first.s[0] | 0x20
	if letter == 'x' {
		return im.instance(f, card, toks)
	}
	if why, ok := unsupportedElements[letter]; ok {
		return im.cardError(card, f.where(), "eqsim cannot represent "+why)
	}
	e := &elementCard{im: im, f: f, card: card}
	switch letter {
	case 'r', 'c', 'd', 'v', 'i', 'e', 'f':
	default:
		return e.errorf("unknown element type %q", []rune(first.s)[0])
	}
	if e.name, err = im.elementName(f, first.s); err != nil {
		return e.wrap(err)
	}
	if e.pos, e.params, err = splitParams(toks[1:]); err != nil {
		return e.wrap(err)
	}
	var el circuit.Element
	switch letter {
	case 'r':
		el, err = e.resistor()
	case 'c':
		el, err = e.capacitor()
	case 'd':
		el, err = e.diode()
	case 'v', 'i':
		el, err = e.source(letter == 'v')
	case 'e':
		el, err = e.vcvs()
	case 'f':
		el, err = e.cccs()
	}
	if err != nil {
		return err
	}
	if err := im.addElement(f, card, first.s, el); err != nil {
		return e.wrap(err)
	}
	return nil
}

// tempFactor returns 1 + tc1*dT + tc2*dT^2 for dT the circuit temperature
// minus the nominal one, as ngspice scales resistors and capacitors.
func (e *elementCard) tempFactor(tc1, tc2 float64) float64 {
	if tc1 == 0 && tc2 == 0 {
		return 1
	}
	dt := e.im.temp - e.im.tnom
	return 1 + tc1*dt + tc2*dt*dt
}

// twoTerminal reads the value and the parameters of an R or C card: `X n1
// n2 [value] [key=value...]`, the value also as one of keys. It returns
// the value, the multiplier m and the temperature factor of tc1 and tc2.
func (e *elementCard) twoTerminal(what string, keys ...string) (v, m, factor float64, err error) {
	have := false
	if len(e.pos) > 1 {
		return 0, 0, 0, e.errorf("unexpected %s: semiconductor resistor and capacitor models are not supported", e.pos[1].s)
	}
	if len(e.pos) == 1 {
		if v, err = e.value(e.pos[0]); err != nil {
			return 0, 0, 0, err
		}
		have = true
	}
	m = 1
	var tc1, tc2 float64
	for _, p := range e.params {
		x, err := e.value(p.val)
		if err != nil {
			return 0, 0, 0, err
		}
		switch {
		case slices.Contains(keys, p.key):
			if have {
				return 0, 0, 0, e.errorf("the %s is given twice", what)
			}
			v, have = x, true
		case p.key == "m":
			if !(x > 0) {
				return 0, 0, 0, e.errorf("m must be positive, not %g", x)
			}
			m = x
		case p.key == "tc1":
			tc1 = x
		case p.key == "tc2":
			tc2 = x
		case p.key == "ac" && what == "resistance", p.key == "noisy" && what == "resistance":
			e.note("ignored %s=: it matters only to AC and noise analyses", p.key)
		case p.key == "ic" && what == "capacitance":
			e.note("ignored ic=: initial conditions do not change the DC operating point")
		default:
			return 0, 0, 0, e.errorf("parameter %s is not supported", p.key)
		}
	}
	if !have {
		return 0, 0, 0, e.errorf("missing %s", what)
	}
	return v, m, e.tempFactor(tc1, tc2), nil
}

// resistor reads `Rname n1 n2 value` (or r=value), with m, tc1, tc2. The
// conductance is m/(R*(1+tc1*dT+tc2*dT^2)); exactly 1/R without m and tc.
// An end-of-line comment "eqsim g=G" gives the conductance G instead when
// 1/G rounds to R: eqsim's exporter can write it, because 1/(1/G) is not
// always G in floating point.
func (e *elementCard) resistor() (circuit.Element, error) {
	nodes, err := e.nodes(2, "a resistor")
	if err != nil {
		return nil, err
	}
	r, m, factor, err := e.twoTerminal("resistance", "r", "resistance")
	if err != nil {
		return nil, err
	}
	if r == 0 {
		return nil, e.errorf("resistance 0: eqsim has no zero-ohm resistor (use a 0 V source)")
	}
	g := m / (r * factor)
	if m == 1 && factor == 1 && e.card.hint != "" {
		if h, err := strconv.ParseFloat(e.card.hint, 64); err == nil && 1/h == r {
			g = h
		} else {
			e.note("ignored eqsim g=%s: 1/g is not the card's resistance", e.card.hint)
		}
	}
	if !finite(g) {
		return nil, e.errorf("conductance %g is not finite", g)
	}
	return &circuit.Resistor{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, G: g}, nil
}

// capacitor reads `Cname n1 n2 value` (or c=value), with m, tc1, tc2 and
// ic.
func (e *elementCard) capacitor() (circuit.Element, error) {
	nodes, err := e.nodes(2, "a capacitor")
	if err != nil {
		return nil, err
	}
	c, m, factor, err := e.twoTerminal("capacitance", "c", "capacitance")
	if err != nil {
		return nil, err
	}
	c *= m * factor
	if !finite(c) {
		return nil, e.errorf("capacitance %g is not finite", c)
	}
	return &circuit.Capacitor{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, C: c}, nil
}

// diode reads `Dname anode cathode model [area] [off] [area=...] [m=1] ...`.
func (e *elementCard) diode() (circuit.Element, error) {
	nodes, err := e.nodes(2, "a diode")
	if err != nil {
		return nil, err
	}
	if len(e.pos) == 0 || e.pos[0].expr || looksNumeric(e.pos[0].s) {
		return nil, e.errorf("missing model name")
	}
	u, err := e.im.diodeModel(e.f, e.pos[0].s)
	if err != nil {
		return nil, e.wrap(err)
	}
	area, haveArea := u.area, false
	for _, t := range e.pos[1:] {
		switch {
		case !t.expr && strings.EqualFold(t.s, "off"):
			e.note("ignored off: it only sets the starting point of the DC solution")
		case !haveArea && (t.expr || looksNumeric(t.s)):
			if area, err = e.value(t); err != nil {
				return nil, err
			}
			haveArea = true
		default:
			return nil, e.errorf("unexpected %s", t.s)
		}
	}
	for _, p := range e.params {
		x, err := e.value(p.val)
		if err != nil {
			return nil, err
		}
		switch p.key {
		case "area":
			area = x
		case "m":
			if x != 1 {
				return nil, e.errorf("m=%g is not supported yet for diodes: write %g diodes in parallel", x, x)
			}
		case "pj":
		case "ic":
			e.note("ignored ic=: initial conditions do not change the DC operating point")
		case "temp":
			if x+celsiusToKelvin != e.im.temp {
				return nil, e.errorf("a diode temperature of its own (temp=%g) is not supported", x)
			}
		case "dtemp":
			if x != 0 {
				return nil, e.errorf("a diode temperature of its own (dtemp=%g) is not supported", x)
			}
		default:
			return nil, e.errorf("parameter %s is not supported", p.key)
		}
	}
	if !(area > 0) {
		return nil, e.errorf("area must be positive, not %g", area)
	}
	m := u.m
	if area != 1 && (m.RS != 0 || m.BV != 0) {
		// ngspice scales RS and IBV by the area too; eqsim's import
		// does not yet.
		return nil, e.errorf("an area factor (%g) with a model with RS or BV is not supported yet", area)
	}
	m.IS *= area
	if !finite(m.IS) || m.IS <= 0 {
		return nil, e.errorf("saturation current %g is not positive and finite", m.IS)
	}
	return &circuit.Diode{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, Model: e.im.useModel(m)}, nil
}

// vcvsForms are the forms of the E cards eqsim reads.
const vcvsForms = "the linear form Ename p n cp cn gain, and the saturating output of an eqsim amplifier, Ename p n " + deckrec.SaturatingForm

// vcvs reads `Ename p n cp cn gain`, or the one behavioural E card that
// eqsim writes (see saturating).
func (e *elementCard) vcvs() (circuit.Element, error) {
	if len(e.pos) == 2 && len(e.params) == 1 && e.params[0].key == "value" {
		return e.saturating()
	}
	if err := e.linearOnly("E", vcvsForms); err != nil {
		return nil, err
	}
	nodes, err := e.nodes(4, "a VCVS")
	if err != nil {
		return nil, err
	}
	if len(e.pos) != 1 || len(e.params) > 0 {
		return nil, e.errorf("a VCVS is Ename p n cp cn gain")
	}
	gain, err := e.value(e.pos[0])
	if err != nil {
		return nil, err
	}
	return &circuit.VCVS{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]},
		Control: [2]string{nodes[2], nodes[3]}, Gain: gain}, nil
}

// cccs reads `Fname p n Vcontrol gain`.
func (e *elementCard) cccs() (circuit.Element, error) {
	if err := e.linearOnly("F", "the linear form Fname p n Vcontrol gain"); err != nil {
		return nil, err
	}
	nodes, err := e.nodes(2, "a CCCS")
	if err != nil {
		return nil, err
	}
	if len(e.pos) != 2 || len(e.params) > 0 || e.pos[0].expr {
		return nil, e.errorf("a CCCS is Fname p n Vcontrol gain")
	}
	gain, err := e.value(e.pos[1])
	if err != nil {
		return nil, err
	}
	f := &circuit.CCCS{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, Gain: gain}
	e.im.controls = append(e.im.controls, pendingControl{f: f, key: strings.ToLower(e.f.prefix + e.pos[0].s),
		name: e.pos[0].s, card: e.card, where: e.f.where()})
	return f, nil
}

// linearOnly rejects the nonlinear and behavioural forms of E and F cards.
func (e *elementCard) linearOnly(letter, form string) error {
	for _, t := range e.pos {
		switch strings.ToLower(t.s) {
		case "poly", "value", "vol", "cur", "table", "laplace", "freq", "nand", "nor", "and", "or":
			if !t.expr {
				return e.errorf("eqsim cannot represent %s sources with %s: only %s", letter, t.s, form)
			}
		}
	}
	for _, p := range e.params {
		switch p.key {
		case "value", "vol", "cur", "table", "laplace", "freq":
			return e.errorf("eqsim cannot represent %s sources with %s=: only %s", letter, p.key, form)
		}
	}
	return nil
}
