package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// rebuilt is an element rebuilt from its record, with the cards it
// replaces (indices into the circuit of cards).
type rebuilt struct {
	rec    *deckrec.Element
	line   int
	el     circuit.Element
	claims []int
}

// reassemble rebuilds, from the records of eqsim's exporter, the elements
// that the deck's cards were written from, and the circuit's title,
// temperatures and groups. A record is used only if the element it
// describes has exactly the cards the deck holds for it: its parts, each
// with the same type, nodes and value (diode models alike but for their
// names), and no card of the element's private nodes joins anything
// else. Otherwise, and for a record that does not read, the cards stay
// as they are, with a note. Cards that no record claims stay as they are.
func (im *importer) reassemble() {
	var circ *deckrec.Circuit
	var elems []rebuilt
	for i := range im.lines.records {
		r := &im.lines.records[i]
		switch r.kind {
		case "circuit":
			var c deckrec.Circuit
			if err := deckrec.Parse(r.text, &c); err != nil {
				im.recordNote(r.line, "the eqsim circuit record", err)
				continue
			}
			if circ != nil {
				im.recordNote(r.line, "the eqsim circuit record", fmt.Errorf("a second one"))
				continue
			}
			circ = &c
		case "element":
			e := &deckrec.Element{}
			if err := deckrec.Parse(r.text, e); err != nil {
				im.recordNote(r.line, "an eqsim element record", err)
				continue
			}
			elems = append(elems, rebuilt{rec: e, line: r.line})
		}
	}
	if circ == nil && len(elems) == 0 {
		return
	}
	var groups []circuit.Group
	if circ != nil {
		for _, g := range circ.Groups {
			groups = append(groups, circuit.Group{Name: g.Name, Size: g.Size})
		}
	}
	m := newRecordMatcher(im, elems)
	claimed := make([]int, len(im.c.Elements)) // 1 + index into elems, or 0
	for k := range elems {
		r := &elems[k]
		el, claims, err := m.rebuild(r.rec, groups)
		for _, i := range claims {
			if err == nil && claimed[i] != 0 {
				err = fmt.Errorf("card %s is another record's", im.c.Elements[i].Label())
			}
		}
		if err != nil {
			im.recordNote(r.line, fmt.Sprintf("the eqsim record of %s %q", r.rec.Kind, r.rec.Name), err)
			continue
		}
		r.el, r.claims = el, claims
		for _, i := range claims {
			claimed[i] = k + 1
		}
	}
	im.dropNameClashes(elems, claimed)
	out := im.reorder(elems, claimed)
	c := *im.c
	c.Elements = out
	if circ != nil {
		im.restoreCircuit(&c, circ)
	}
	if _, err := mna.Compile(&c); err != nil {
		im.note(nil, "did not use the eqsim records: the circuit they give does not compile: %v", err)
		return
	}
	*im.c = c
}

// recordNote notes a record at line that is not used, and why.
func (im *importer) recordNote(line int, what string, err error) {
	im.notes = append(im.notes, Note{File: im.file, Line: line,
		Msg: fmt.Sprintf("did not use %s (%v): its cards are imported as they are", what, err)})
}

// dropNameClashes gives up the records whose element's name is that of
// another element, rebuilt or left as a card, so that names stay unique.
// Giving one up leaves its cards, which may clash with another: it repeats
// until no name clashes.
func (im *importer) dropNameClashes(elems []rebuilt, claimed []int) {
	for {
		owner := map[string]int{} // name -> 1 + record, or -1 for a card
		for i, e := range im.c.Elements {
			if claimed[i] == 0 {
				owner[e.Label()] = -1
			}
		}
		clash := -1
		for k := range elems {
			r := &elems[k]
			if r.el == nil {
				continue
			}
			if _, dup := owner[r.el.Label()]; dup {
				clash = k
				break
			}
			owner[r.el.Label()] = k + 1
		}
		if clash < 0 {
			return
		}
		r := &elems[clash]
		im.recordNote(r.line, fmt.Sprintf("the eqsim record of %s %q", r.rec.Kind, r.rec.Name), fmt.Errorf("another element has its name"))
		for _, i := range r.claims {
			claimed[i] = 0
		}
		r.el, r.claims = nil, nil
	}
}

// reorder returns the elements of the circuit: each rebuilt element at
// the place of its first card (or, with no card, before the first card
// after its record), every other card at its place.
func (im *importer) reorder(elems []rebuilt, claimed []int) []circuit.Element {
	n := len(im.c.Elements)
	at := make([][]int, n+1) // records placed before element i
	for k := range elems {
		r := &elems[k]
		if r.el == nil {
			continue
		}
		pos := n
		if len(r.claims) > 0 {
			pos = r.claims[0]
			for _, i := range r.claims {
				pos = min(pos, i)
			}
		} else {
			for i, e := range im.c.Elements {
				if info := im.elemByName[e.Label()]; info != nil && info.where == "" && info.card.line > r.line {
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
			out = append(out, im.c.Elements[i])
		}
	}
	return out
}

// restoreCircuit gives c the title, temperatures, node capacitance and
// groups of the circuit record, where the deck agrees with it.
func (im *importer) restoreCircuit(c *circuit.Circuit, r *deckrec.Circuit) {
	title := cleanTitle(r.Title)
	if title == "" {
		title = "circuit"
	}
	if title == c.Title {
		c.Title = r.Title
	}
	t := &circuit.Circuit{Temp: r.Temp, TNom: r.TNom}
	if !(r.Temp >= 0) || !(r.TNom >= 0) || t.Temperature() != im.temp || t.NominalTemperature() != im.tnom {
		im.note(nil, "kept the temperatures of the deck's .options: the eqsim circuit record differs")
	} else {
		c.Temp, c.TNom = r.Temp, r.TNom
	}
	if r.NodeCapacitance >= 0 && r.NodeCapacitance-r.NodeCapacitance == 0 {
		c.NodeCapacitance = r.NodeCapacitance
	}
	seen := map[string]bool{}
	var groups []circuit.Group
	for _, g := range r.Groups {
		if g.Name == "" || g.Size <= 0 || seen[g.Name] {
			im.note(nil, "ignored the node groups of the eqsim circuit record: group %q of size %d", g.Name, g.Size)
			return
		}
		seen[g.Name] = true
		groups = append(groups, circuit.Group{Name: g.Name, Size: g.Size})
	}
	c.Groups = groups
}

// recordMatcher rebuilds elements from records and matches them to the
// deck's cards.
type recordMatcher struct {
	im *importer
	// index maps an imported element to its index in the circuit.
	index map[circuit.Element]int
	// users lists, per node, the imported elements that use it.
	users map[string][]int
	// sense maps a branch to the (lower-case) card of its sense source,
	// over every record.
	sense map[string]string
}

func newRecordMatcher(im *importer, elems []rebuilt) *recordMatcher {
	m := &recordMatcher{im: im, index: map[circuit.Element]int{}, users: map[string][]int{}, sense: map[string]string{}}
	for i, e := range im.c.Elements {
		m.index[e] = i
		for _, t := range e.Terminals() {
			m.users[t] = append(m.users[t], i)
		}
	}
	for _, r := range elems {
		for b, card := range r.rec.Sense {
			m.sense[b] = strings.ToLower(card)
		}
	}
	return m
}

// card returns the imported top-level element of the card named name.
func (m *recordMatcher) card(name string) (*elemInfo, bool) {
	info, ok := m.im.elems[strings.ToLower(name)]
	if !ok || info.where != "" {
		return nil, false
	}
	return info, true
}

// onePart returns the part of an imported element, which is one part.
func onePart(e circuit.Element) circuit.Part {
	for p := range e.Parts() {
		return p
	}
	return circuit.Part{}
}

// rebuild builds the element of record r and returns it with the indices
// of the cards it replaces, or an error saying why the cards do not fit.
func (m *recordMatcher) rebuild(r *deckrec.Element, groups []circuit.Group) (circuit.Element, []int, error) {
	if (r.Card == "") == (r.Stem == "") {
		return nil, nil, fmt.Errorf("it names neither one card nor a stem")
	}
	cell := func(i, j int) (float64, bool) {
		info, ok := m.card("r" + r.Stem + "_" + strconv.Itoa(i) + "_" + strconv.Itoa(j))
		if !ok || r.Stem == "" {
			return 0, false
		}
		p := onePart(info.el)
		return p.Value, p.Type == 'R'
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
	m *recordMatcher
	r *deckrec.Element
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

// claim returns the imported element of the named card and its part, and
// claims it.
func (pm *partMatcher) claim(name string, typ byte) (circuit.Part, error) {
	info, ok := pm.m.card(name)
	if !ok {
		return circuit.Part{}, fmt.Errorf("the deck has no card %s", name)
	}
	q := onePart(info.el)
	if q.Type != typ {
		return circuit.Part{}, fmt.Errorf("card %s is no %c card", name, typ)
	}
	pm.claims = append(pm.claims, pm.m.index[info.el])
	return q, nil
}

// match finds the card of part p and checks that it is p.
func (pm *partMatcher) match(p *circuit.Part) error {
	name := pm.cardName(p.Type, p.Name)
	if p.Type == 'R' && p.Value == 0 {
		// An open conductance has no card.
		if _, ok := pm.m.card(name); ok {
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
			card, ok = strings.ToLower(pm.cardName('V', p.Sense)), true
		}
		if ok {
			info, found := pm.m.card(card)
			if !found {
				return fmt.Errorf("card %s: no control %s", name, card)
			}
			ctl = info.name
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
				return fmt.Errorf("its private node %s joins card %s", n, pm.m.im.c.Elements[i].Label())
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
