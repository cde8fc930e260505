package spice

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
)

// deck is a circuit with its ngspice names assigned.
type deck struct {
	c *circuit.Circuit

	nodes    map[string]string // eqsim node -> SPICE node ("0" for ground)
	nodeList []string          // the circuit's nodes as mna.Compile orders them, ground excluded

	// elems holds, per element of c in order, its names.
	elems []deckElem
	// sense maps the branch of every 'E' part whose current an 'F' part
	// senses by name to the 0 V source in series with it.
	sense map[string]deckSense
	// control maps every branch that an 'F' part senses by name to the
	// SPICE name of the voltage source that carries its current.
	control map[string]string
	// branches are the parts whose current is an eqsim unknown, with the
	// names of their cards.
	branches []deckBranch

	models  []spiceModel
	modelOf map[circuit.DiodeModel]string

	// privateNodes counts the deck's nodes that are not the circuit's
	// (elements' internal nodes and sense nodes); branchCards the V and E
	// cards, sense sources included. ngspice reports a vector for each.
	privateNodes, branchCards int

	// tran is the stop time in seconds of a transient deck, zero for an
	// operating point (see WriteSpiceTran).
	tran float64
	// nodeCaps are the capacitances eqsim gives the free nodes without a
	// capacitor of their own, which a transient deck writes as cards
	// named "c"+capStem+"_"+node: capStem is reserved as a block's stem
	// is, so no other card can take such a name.
	nodeCaps []nodeCap
	capStem  string
	// v0 holds, per node of nodeList, its voltage at the start of
	// eqsim's transient: the sources' for pinned nodes, 0 V for the rest.
	v0 []float64
}

// nodeCap is a node capacitance of c farads on node (eqsim's name).
type nodeCap struct {
	node string
	c    float64
}

// deckElem is the naming of one element.
type deckElem struct {
	// single marks an element that is one part with an empty name,
	// written as one card named name; typ is its first part's type
	// letter.
	single bool
	typ    byte
	name   string
	// stem names the cards of a block: letter+stem+"_"+part name.
	stem string
	// private lists the element's internal nodes in order of first
	// appearance; internal maps them to SPICE nodes.
	private  []string
	internal map[string]string
	// own maps a diode part whose model is its own to the model's name.
	own map[string]string
	// shapes sum up a block's parts for the comment before its cards.
	shapes []deckShape
}

// deckSense is the 0 V source in series with a sensed VCVS part: the
// VCVS drives node, and source runs from node to the part's second node.
type deckSense struct{ source, node string }

// deckBranch is a part whose current is the eqsim unknown of that name.
type deckBranch struct {
	unknown string // the eqsim name (circuit.Part.Branch)
	elem    int    // the element's index
	typ     byte   // the part's type letter
	part    string // the part's name
	card    string // the card's SPICE name
}

type spiceModel struct {
	name string
	m    circuit.DiodeModel
}

// deckOwnModel is a diode part whose model is its own.
type deckOwnModel struct {
	elem int
	part string
	m    circuit.DiodeModel
}

// deckSensed is a branch that an 'F' part of element elem senses by name.
type deckSensed struct{ branch, elem string }

// deckKeywords are node names that ngspice would misread: "gnd", ground to
// ngspice in any case, and words its element parsers look for. Trying them
// as nodes in every card showed "value" and "table" break a VCVS card and
// "ac" a source; the others are the rest of the keywords of source and
// controlled-source cards, mapped to be safe.
var deckKeywords = map[string]bool{
	"gnd": true, "value": true, "vol": true, "table": true, "poly": true,
	"laplace": true, "cur": true, "ac": true, "dc": true,
}

// isSpiceName reports whether s is a letter followed by letters, digits and
// underscores.
func isSpiceName(s string) bool {
	if s == "" || !deckIsLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !deckIsLetter(s[i]) && !deckIsDigit(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

func deckIsLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
func deckIsDigit(b byte) bool  { return b >= '0' && b <= '9' }

// deckLower returns the lower case of an ASCII letter.
func deckLower(b byte) byte { return b | 0x20 }

// deckSanitize maps s to lower-case letters, digits and underscores: every
// other byte becomes an underscore.
func deckSanitize(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !deckIsLetter(c) && !deckIsDigit(c) && c != '_' {
			b[i] = '_'
		}
	}
	return string(b)
}

// spiceNamer hands out names unique in one ngspice namespace, compared
// case-insensitively as ngspice does.
type spiceNamer struct{ used map[string]bool }

func newSpiceNamer() *spiceNamer { return &spiceNamer{used: map[string]bool{}} }

// keep claims s itself and reports whether it was free.
func (n *spiceNamer) keep(s string) bool {
	k := strings.ToLower(s)
	if n.used[k] {
		return false
	}
	n.used[k] = true
	return true
}

// alloc claims cand, or cand_2, cand_3, ... if it is taken, and returns
// the name claimed, in lower case.
func (n *spiceNamer) alloc(cand string) string {
	cand = strings.ToLower(cand)
	if n.keep(cand) {
		return cand
	}
	for k := 2; ; k++ {
		s := cand + "_" + strconv.Itoa(k)
		if n.keep(s) {
			return s
		}
	}
}

// newDeck checks c and assigns every node, card and model its SPICE name.
func newDeck(c *circuit.Circuit) (*deck, error) {
	// A value without a card is named by its part, before the compiled
	// system finds the currents it would give overflowing.
	for _, e := range c.Elements {
		for p := range e.Parts() {
			if err := deckCheckPart(e, &p); err != nil {
				return nil, err
			}
		}
	}
	sys, err := mna.Compile(c)
	if err != nil {
		return nil, err
	}
	if t := c.Temperature(); !deckFinite(t) || t <= 0 {
		return nil, &circuit.Error{Msg: fmt.Sprintf("temperature %v K has no SPICE form", t)}
	}
	d := &deck{
		c:        c,
		nodes:    map[string]string{},
		nodeList: sys.Nodes(),
		elems:    make([]deckElem, len(c.Elements)),
		sense:    map[string]deckSense{},
		control:  map[string]string{},
		modelOf:  map[circuit.DiodeModel]string{},
	}
	d.v0 = sys.VoltagesTo(nil, make([]float64, sys.Size()))[1:]
	for _, c := range sys.Capacitances() {
		if c.Name == "" {
			d.nodeCaps = append(d.nodeCaps, nodeCap{sys.UnknownName(c.I), c.C})
		}
	}
	models := newSpiceNamer()
	own, sensed, err := d.scan(models)
	if err != nil {
		return nil, err
	}
	nodes := d.nameNodes()
	if err := d.nameCards(nodes, sensed); err != nil {
		return nil, err
	}
	// Models of their own come after the named ones, named after their
	// cards.
	for _, o := range own {
		el := &d.elems[o.elem]
		cand := "m" + el.stem + "_" + o.part
		if el.single {
			cand = "m" + el.name[1:]
		}
		if el.own == nil {
			el.own = map[string]string{}
		}
		name := models.alloc(cand)
		el.own[o.part] = name
		d.models = append(d.models, spiceModel{name, o.m})
	}
	return d, nil
}

// scan reads every element's parts once (newDeck checked their values): it tells
// single elements from blocks, names the named diode models (in models)
// and collects the diodes with models of their own, the branches 'F' parts
// sense (with an element that senses each), the parts that carry branch
// currents and the elements' private nodes.
func (d *deck) scan(models *spiceNamer) (own []deckOwnModel, sensed []deckSensed, err error) {
	var shaper deckShaper
	for k, e := range d.c.Elements {
		el := &d.elems[k]
		n, first := 0, ""
		var seen map[string]bool
		for p := range e.Parts() {
			if n == 0 {
				first, el.typ = p.Name, p.Type
			}
			n++
			switch p.Type {
			case 'V', 'E':
				d.branchCards++
				if p.Type == 'E' && p.Swing != 0 {
					// ngspice runs an E card with value= as the E
					// source and a B source behind an internal node:
					// one node and one branch more (bNAME#branch,
					// NAME_int1).
					d.privateNodes++
					d.branchCards++
				}
			case 'D':
				if p.Model.Name == "" {
					own = append(own, deckOwnModel{k, p.Name, p.Model})
				} else if _, ok := d.modelOf[p.Model]; !ok {
					d.addModel(models, p.Model)
				}
			case 'F':
				if p.SenseElement {
					sensed = append(sensed, deckSensed{p.Sense, e.Label()})
				}
			}
			if p.Branch != "" {
				d.branches = append(d.branches, deckBranch{unknown: p.Branch, elem: k, typ: p.Type, part: p.Name})
			}
			for i, in := range p.Internal {
				if in && !seen[p.Nodes[i]] {
					if seen == nil {
						seen = map[string]bool{}
					}
					seen[p.Nodes[i]] = true
					el.private = append(el.private, p.Nodes[i])
				}
			}
			el.shapes = shaper.add(el.shapes, p.Type, p.Name, p.Type == 'D' && p.Model.Name == "")
		}
		el.single = n == 1 && first == ""
		if el.single {
			el.shapes = nil
		}
	}
	return own, sensed, nil
}

// addModel gives the named model m a .model line.
func (d *deck) addModel(models *spiceNamer, m circuit.DiodeModel) {
	cand := "d"
	if isSpiceName(m.Name) && !deckKeywords[strings.ToLower(m.Name)] {
		cand = m.Name
	} else if m.Name != "" {
		cand = "d_" + deckSanitize(m.Name)
	}
	name := models.alloc(cand)
	d.modelOf[m] = name
	d.models = append(d.models, spiceModel{name, m})
}

// nameNodes names the circuit's nodes and returns the namer of the
// node namespace. Names that may stay claim themselves first, in order of
// first appearance, so that no mapped name can take one of them.
func (d *deck) nameNodes() *spiceNamer {
	nodes := newSpiceNamer()
	nodes.keep("0")
	for k := range deckKeywords {
		nodes.keep(k)
	}
	for _, t := range d.nodeList {
		if isSpiceName(t) && nodes.keep(t) {
			d.nodes[t] = t
		}
	}
	for _, t := range d.nodeList {
		if _, ok := d.nodes[t]; ok {
			continue
		}
		s := deckSanitize(t)
		if !deckIsLetter(s[0]) {
			s = "n" + s
		}
		d.nodes[t] = nodes.alloc(s)
	}
	d.nodes[circuit.Ground] = "0"
	d.nodes[circuit.GroundAlias] = "0"
	return nodes
}

// nameCards names the cards: single elements keep valid names that start
// with their type letter and the rest get the letter in front; the sense
// sources come next; then block elements get a stem, unique and free of
// underscores, from which their cards are named letter+stem+"_"+part...;
// no single name may start like that. Private nodes are named in nodes.
// sensed lists the branches 'F' parts sense by name.
func (d *deck) nameCards(nodes *spiceNamer, sensed []deckSensed) error {
	c := d.c
	isSensed := make(map[string]bool, len(sensed))
	for _, s := range sensed {
		isSensed[s.branch] = true
	}
	elems := newSpiceNamer()
	for k, e := range c.Elements {
		el := &d.elems[k]
		s := e.Label()
		if el.single && isSpiceName(s) && deckLower(s[0]) == deckLower(el.typ) && elems.keep(s) {
			el.name = s
		}
	}
	bi := 0 // d.branches are in element order
	for k, e := range c.Elements {
		el := &d.elems[k]
		if el.single && el.name == "" {
			el.name = elems.alloc(string(el.typ) + deckSanitize(e.Label()))
		}
		// A VCVS part whose current an 'F' part senses gets a sense
		// source: ngspice documents only voltage sources as controls.
		for ; bi < len(d.branches) && d.branches[bi].elem == k; bi++ {
			b := d.branches[bi]
			if !isSensed[b.unknown] || b.typ != 'E' {
				continue
			}
			s := deckSanitize(b.unknown)
			d.sense[b.unknown] = deckSense{source: elems.alloc("vsense_" + s), node: nodes.alloc("sense_" + s)}
			d.privateNodes++
			d.branchCards++
		}
	}
	stems := map[string]bool{}
	stem := func(base string) string {
		for n := 1; ; n++ {
			s := base
			if n > 1 {
				s += "x" + strconv.Itoa(n)
			}
			if !stems[s] && !deckStemTaken(elems.used, s) {
				stems[s] = true
				return s
			}
		}
	}
	for k, e := range c.Elements {
		el := &d.elems[k]
		prefix := strings.ToLower(el.name)
		if !el.single {
			el.stem = stem(deckStem(e.Label()))
			prefix = el.stem
		}
		if len(el.private) > 0 {
			el.internal = make(map[string]string, len(el.private))
			for _, nm := range el.private {
				el.internal[nm] = nodes.alloc(prefix + "_" + nm)
			}
			d.privateNodes += len(el.private)
		}
	}

	d.capStem = stem("nodecap")
	for i := range d.branches {
		b := &d.branches[i]
		b.card = d.cardName(b.elem, b.typ, b.part)
		switch {
		case b.typ == 'E' && d.sense[b.unknown].source != "":
			d.control[b.unknown] = d.sense[b.unknown].source
		case b.typ == 'V':
			d.control[b.unknown] = b.card
		}
	}
	for _, s := range sensed {
		if _, ok := d.control[s.branch]; !ok {
			return &circuit.Error{Element: s.elem, Msg: fmt.Sprintf("control %q is no voltage source or VCVS", s.branch)}
		}
	}
	return nil
}

// cardName returns the SPICE name of the card of part (typ, part) of
// element k.
func (d *deck) cardName(k int, typ byte, part string) string {
	el := &d.elems[k]
	if el.single {
		return el.name
	}
	return string(deckLower(typ)) + el.stem + "_" + part
}

// deckStem returns the lower-case letters and digits of a block's name.
func deckStem(name string) string {
	var b strings.Builder
	for _, c := range []byte(strings.ToLower(name)) {
		if deckIsLetter(c) || deckIsDigit(c) {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "b"
	}
	return b.String()
}

// deckStemTaken reports whether a single element's name starts with a type
// letter, then stem, then an underscore. Stems hold no underscores, so two
// distinct stems never make one card name.
func deckStemTaken(used map[string]bool, stem string) bool {
	for s := range used {
		if len(s) > len(stem)+1 && s[1:1+len(stem)] == stem && s[1+len(stem)] == '_' {
			return true
		}
	}
	return false
}
