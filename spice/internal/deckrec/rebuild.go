package deckrec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
)

// Cards is a deck as an importer read it, card by card.
type Cards struct {
	// Circuit holds an element per card, in deck order; it compiles.
	Circuit *circuit.Circuit
	// Title is the deck's title as read.
	Title string
	// Index returns the index in Circuit.Elements of the element of the
	// top-level card named name (compared as SPICE does, ignoring case),
	// or -1.
	Index func(name string) int
	// Line returns the deck line of the card of element i, 0 for an
	// element of a subcircuit.
	Line func(i int) int
	// Temp and TNom are the deck's temperatures in kelvin.
	Temp, TNom float64
	// Saturation returns the swing and offset in volts of the card of
	// element i when it is a saturating E card (Saturating), which the
	// importer reads as a VCVS of gain Gain, and 0, 0 otherwise. Nil
	// means no card saturates.
	Saturation func(i int) (swing, offset float64)
}

// Record is a record comment of a deck: its line, its kind ("circuit" or
// "element") and its JSON text, after the prefix.
type Record struct {
	Line       int
	Kind, Text string
}

// Note says why a record was not used.
type Note struct {
	Line int
	Msg  string
}

// rebuilt is an element rebuilt from its record, with the cards it
// replaces (indices into the circuit of cards).
type rebuilt struct {
	rec    *Element
	line   int
	el     circuit.Element
	claims []int
}

// Rebuild returns the circuit that records describe over cards: every
// element whose record fits its cards rebuilt in their place, with the
// title, temperatures and groups of the circuit record. A record fits
// when the element it describes has exactly the cards the deck holds for
// it: its parts, each with the same type, nodes and value (diode models
// alike but for their names, the same swing and offset of a saturating
// output), no card of its private nodes joining
// anything else, and no name of another element. Otherwise, and for a
// record that does not read, the cards stay as they are, with a note.
// Cards that no record claims stay as they are. Rebuild returns
// cards.Circuit itself when no record is used.
func Rebuild(cards Cards, records []Record) (*circuit.Circuit, []Note) {
	var notes []Note
	skip := func(line int, what string, err error) {
		notes = append(notes, Note{line, fmt.Sprintf("did not use %s (%v): its cards are imported as they are", what, err)})
	}
	var circ *Circuit
	var elems []rebuilt
	for _, r := range records {
		switch r.Kind {
		case "circuit":
			var c Circuit
			if err := Parse(r.Text, &c); err != nil {
				skip(r.Line, "the eqsim circuit record", err)
				continue
			}
			if circ != nil {
				skip(r.Line, "the eqsim circuit record", fmt.Errorf("a second one"))
				continue
			}
			circ = &c
		case "element":
			e := &Element{}
			if err := Parse(r.Text, e); err != nil {
				skip(r.Line, "an eqsim element record", err)
				continue
			}
			elems = append(elems, rebuilt{rec: e, line: r.Line})
		}
	}
	if circ == nil && len(elems) == 0 {
		return cards.Circuit, notes
	}
	var groups []circuit.Group
	if circ != nil {
		for _, g := range circ.Groups {
			groups = append(groups, circuit.Group{Name: g.Name, Size: g.Size})
		}
	}
	m := newMatcher(cards, elems)
	claimed := make([]int, len(cards.Circuit.Elements)) // 1 + index into elems, or 0
	for k := range elems {
		r := &elems[k]
		el, claims, err := m.rebuild(r.rec, groups)
		for _, i := range claims {
			if err == nil && claimed[i] != 0 {
				err = fmt.Errorf("card %s is another record's", cards.Circuit.Elements[i].Label())
			}
		}
		if err != nil {
			skip(r.line, fmt.Sprintf("the eqsim record of %s %q", r.rec.Kind, r.rec.Name), err)
			continue
		}
		r.el, r.claims = el, claims
		for _, i := range claims {
			claimed[i] = k + 1
		}
	}
	for _, k := range dropNameClashes(cards.Circuit.Elements, elems, claimed) {
		r := &elems[k]
		skip(r.line, fmt.Sprintf("the eqsim record of %s %q", r.rec.Kind, r.rec.Name), fmt.Errorf("another element has its name"))
	}
	c := *cards.Circuit
	c.Elements = reorder(cards, elems, claimed)
	if circ != nil {
		notes = append(notes, restore(&c, cards, circ)...)
	}
	if _, err := mna.Compile(&c); err != nil {
		notes = append(notes, Note{0, fmt.Sprintf("did not use the eqsim records: the circuit they give does not compile: %v", err)})
		return cards.Circuit, notes
	}
	return &c, notes
}

// dropNameClashes gives up the records whose element's name is that of
// another element, rebuilt or left as a card, so that names stay unique,
// and returns them. Giving one up leaves its cards, which may clash with
// another: it repeats until no name clashes.
func dropNameClashes(cards []circuit.Element, elems []rebuilt, claimed []int) []int {
	var dropped []int
	for {
		owner := map[string]bool{}
		for i, e := range cards {
			if claimed[i] == 0 {
				owner[e.Label()] = true
			}
		}
		clash := -1
		for k := range elems {
			r := &elems[k]
			if r.el == nil {
				continue
			}
			if owner[r.el.Label()] {
				clash = k
				break
			}
			owner[r.el.Label()] = true
		}
		if clash < 0 {
			return dropped
		}
		r := &elems[clash]
		for _, i := range r.claims {
			claimed[i] = 0
		}
		r.el, r.claims = nil, nil
		dropped = append(dropped, clash)
	}
}

// reorder returns the elements of the circuit: each rebuilt element at
// the place of its first card (or, with no card, before the first card
// after its record), every other card at its place.
func reorder(cards Cards, elems []rebuilt, claimed []int) []circuit.Element {
	all := cards.Circuit.Elements
	n := len(all)
	at := make([][]int, n+1) // records placed before element i
	for k := range elems {
		r := &elems[k]
		if r.el == nil {
			continue
		}
		pos := n
		if len(r.claims) > 0 {
			for _, i := range r.claims {
				pos = min(pos, i)
			}
		} else {
			for i := range all {
				if cards.Line(i) > r.line {
					pos = i
					break
				}
			}
		}
		at[pos] = append(at[pos], k)
	}
	out := make([]circuit.Element, 0, n)
	for i := 0; i <= n; i++ {
		for _, k := range at[i] {
			out = append(out, elems[k].el)
		}
		if i < n && claimed[i] == 0 {
			out = append(out, all[i])
		}
	}
	return out
}

// restore gives c the title, temperatures, node capacitance and groups of
// the circuit record r, where the deck agrees with it, and returns notes
// on where it does not.
func restore(c *circuit.Circuit, cards Cards, r *Circuit) []Note {
	var notes []Note
	title := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, r.Title))
	if title == "" {
		title = "circuit"
	}
	if title == cards.Title {
		c.Title = r.Title
	}
	t := &circuit.Circuit{Temp: r.Temp, TNom: r.TNom}
	if !(r.Temp >= 0) || !(r.TNom >= 0) || t.Temperature() != cards.Temp || t.NominalTemperature() != cards.TNom {
		notes = append(notes, Note{0, "kept the temperatures of the deck's .options: the eqsim circuit record differs"})
	} else {
		c.Temp, c.TNom = r.Temp, r.TNom
	}
	if r.NodeCapacitance >= 0 && r.NodeCapacitance-r.NodeCapacitance == 0 {
		c.NodeCapacitance = r.NodeCapacitance
	}
	c.ThermalNoise = r.ThermalNoise
	seen := map[string]bool{}
	var groups []circuit.Group
	for _, g := range r.Groups {
		if g.Name == "" || g.Size <= 0 || seen[g.Name] {
			return append(notes, Note{0, fmt.Sprintf("ignored the node groups of the eqsim circuit record: group %q of size %d", g.Name, g.Size)})
		}
		seen[g.Name] = true
		groups = append(groups, circuit.Group{Name: g.Name, Size: g.Size})
	}
	c.Groups = groups
	return notes
}

// matcher rebuilds elements from records and matches them to the deck's
// cards.
type matcher struct {
	cards Cards
	// users lists, per node, the cards that use it.
	users map[string][]int
	// sense maps a branch to the card of its sense source, over every
	// record.
	sense map[string]string
}

func newMatcher(cards Cards, elems []rebuilt) *matcher {
	m := &matcher{cards: cards, users: map[string][]int{}, sense: map[string]string{}}
	for i, e := range cards.Circuit.Elements {
		for _, t := range e.Terminals() {
			m.users[t] = append(m.users[t], i)
		}
	}
	for _, r := range elems {
		for b, card := range r.rec.Sense {
			m.sense[b] = card
		}
	}
	return m
}

// card returns the index of the top-level card named name and its part,
// or -1.
func (m *matcher) card(name string) (int, circuit.Part) {
	i := m.cards.Index(name)
	if i < 0 {
		return -1, circuit.Part{}
	}
	for p := range m.cards.Circuit.Elements[i].Parts() {
		if p.Type == 'E' && m.cards.Saturation != nil {
			p.Swing, p.Offset = m.cards.Saturation(i)
		}
		return i, p
	}
	return -1, circuit.Part{}
}

// rebuild builds the element of record r and returns it with the indices
// of the cards it replaces, or an error saying why the cards do not fit.
func (m *matcher) rebuild(r *Element, groups []circuit.Group) (circuit.Element, []int, error) {
	if (r.Card == "") == (r.Stem == "") {
		return nil, nil, fmt.Errorf("it names neither one card nor a stem")
	}
	cell := func(i, j int) (float64, bool) {
		k, p := m.card("r" + r.Stem + "_" + strconv.Itoa(i) + "_" + strconv.Itoa(j))
		return p.Value, k >= 0 && r.Stem != "" && p.Type == 'R'
	}
	k, args, err := r.Args(groups, cell)
	if err != nil {
		return nil, nil, err
	}
	el, err := k.Build(r.Name, args)
	if err != nil {
		return nil, nil, err
	}
	if err := el.Check(); err != nil {
		return nil, nil, err
	}
	pm := &partMatcher{m: m, r: r, private: map[string]string{}, privUsed: map[string]bool{}}
	for p := range el.Parts() {
		if err := pm.match(&p); err != nil {
			return nil, nil, err
		}
	}
	if err := pm.checkPrivate(el); err != nil {
		return nil, nil, err
	}
	return el, pm.claims, nil
}

// partMatcher matches the parts of one rebuilt element to cards.
type partMatcher struct {
	m *matcher
	r *Element
	// private maps the element's internal nodes to the deck's nodes;
	// privUsed holds those deck nodes.
	private  map[string]string
	privUsed map[string]bool
	claims   []int
}

// cardName returns the card name of a part of the element.
func (pm *partMatcher) cardName(typ byte, part string) string {
	if pm.r.Card != "" {
		return pm.r.Card
	}
	return string(typ|0x20) + pm.r.Stem + "_" + part
}

// node reports whether deck node got is node i of part p.
func (pm *partMatcher) node(p *circuit.Part, i int, got string) bool {
	if p.Internal[i] {
		return pm.privateNode(p.Nodes[i], got)
	}
	return sameNode(p.Nodes[i], got)
}

// privateNode reports whether deck node got can be the element's internal
// node name: a node of no other internal name, and not ground.
func (pm *partMatcher) privateNode(name, got string) bool {
	if circuit.IsGround(got) {
		return false
	}
	if prev, ok := pm.private[name]; ok {
		return prev == got
	}
	if pm.privUsed[got] {
		return false
	}
	pm.private[name] = got
	pm.privUsed[got] = true
	return true
}

func sameNode(a, b string) bool { return a == b || circuit.IsGround(a) && circuit.IsGround(b) }

// claim returns the part of the named card, which must be of type typ,
// and claims the card.
func (pm *partMatcher) claim(name string, typ byte) (circuit.Part, error) {
	i, q := pm.m.card(name)
	if i < 0 {
		return q, fmt.Errorf("the deck has no card %s", name)
	}
	if q.Type != typ {
		return q, fmt.Errorf("card %s is no %c card", name, typ)
	}
	pm.claims = append(pm.claims, i)
	return q, nil
}

// match finds the card of part p and checks that it is p.
func (pm *partMatcher) match(p *circuit.Part) error {
	name := pm.cardName(p.Type, p.Name)
	if p.Type == 'R' && p.Value == 0 {
		// An open conductance has no card.
		if i, _ := pm.m.card(name); i >= 0 {
			return fmt.Errorf("card %s is a conductance the record says is 0", name)
		}
		return nil
	}
	q, err := pm.claim(name, p.Type)
	if err != nil {
		return err
	}
	bad := func(what string) error { return fmt.Errorf("card %s: its %s is not the record's", name, what) }
	if q.Value != p.Value {
		return bad("value")
	}
	if !pm.node(p, 0, q.Nodes[0]) {
		return bad("first node")
	}
	switch p.Type {
	case 'D':
		a, b := p.Model, q.Model
		a.Name, b.Name = "", ""
		if a != b {
			return bad("model")
		}
	case 'E':
		if !sameNode(p.Control[0], q.Control[0]) || !sameNode(p.Control[1], q.Control[1]) {
			return bad("control")
		}
		if q.Swing != p.Swing || q.Offset != p.Offset {
			return bad("saturation")
		}
		if s, ok := pm.r.Sense[p.Branch]; ok {
			// The VCVS drives its output through a 0 V sense source.
			v, err := pm.claim(s, 'V')
			if err != nil {
				return err
			}
			if v.Value != 0 || !pm.privateNode("sense "+p.Branch, q.Nodes[1]) || v.Nodes[0] != q.Nodes[1] || !pm.node(p, 1, v.Nodes[1]) {
				return fmt.Errorf("sense source %s is not in series with card %s", s, name)
			}
			return nil
		}
	case 'F':
		ctl := p.Sense
		card, ok := pm.m.sense[p.Sense]
		if !p.SenseElement {
			card, ok = pm.cardName('V', p.Sense), true
		}
		if ok {
			i := pm.m.cards.Index(card)
			if i < 0 {
				return fmt.Errorf("card %s: no control %s", name, card)
			}
			ctl = pm.m.cards.Circuit.Elements[i].Label()
		}
		if q.Sense != ctl {
			return bad("control")
		}
	}
	if !pm.node(p, 1, q.Nodes[1]) {
		return bad("second node")
	}
	return nil
}

// checkPrivate checks that the deck nodes taken as the element's private
// nodes join only its own cards and are none of its terminals.
func (pm *partMatcher) checkPrivate(el circuit.Element) error {
	if len(pm.privUsed) == 0 {
		return nil
	}
	own := make(map[int]bool, len(pm.claims))
	for _, i := range pm.claims {
		own[i] = true
	}
	for n := range pm.privUsed {
		for _, i := range pm.m.users[n] {
			if !own[i] {
				return fmt.Errorf("its private node %s joins card %s", n, pm.m.cards.Circuit.Elements[i].Label())
			}
		}
	}
	for _, t := range el.Terminals() {
		if pm.privUsed[t] {
			return fmt.Errorf("its private node %s is one of its terminals", t)
		}
	}
	return nil
}
