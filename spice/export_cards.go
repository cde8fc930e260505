package spice

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// deckCards writes elements as cards, one per part.
type deckCards struct {
	d   *deck
	w   *bufio.Writer
	buf []byte
	// seen caches node lookups, direct-mapped by a hash of the name: a
	// crossbar's cards cycle through its few hundred nodes.
	seen [4096][2]string
}

// element writes the cards of element e, named by el.
func (cw *deckCards) element(e circuit.Element, el *deckElem) {
	w := cw.w
	if el.single {
		if el.name != e.Label() {
			fmt.Fprintf(w, "* element %s = %s\n", strconv.QuoteToASCII(e.Label()), el.name)
		}
		name := []byte(el.name)
		for p := range e.Parts() {
			cw.part(el, &p, name)
		}
		return
	}
	cw.blockComment(e, el)
	// Block card names are built in place: a crossbar has a card per
	// conductance.
	var name []byte
	for p := range e.Parts() {
		name = append(name[:0], deckLower(p.Type))
		name = append(name, el.stem...)
		name = append(name, '_')
		name = append(name, p.Name...)
		cw.part(el, &p, name)
	}
}

// node returns the SPICE name of node i of part p of element el.
func (cw *deckCards) node(el *deckElem, p *circuit.Part, i int) string {
	if p.Internal[i] {
		return el.internal[p.Nodes[i]]
	}
	name := p.Nodes[i]
	h := uint32(2166136261) // FNV-1a
	for k := 0; k < len(name); k++ {
		h = (h ^ uint32(name[k])) * 16777619
	}
	c := &cw.seen[h%uint32(len(cw.seen))]
	if c[0] == name && c[1] != "" {
		return c[1]
	}
	s, ok := cw.d.nodes[name]
	if !ok {
		panic(fmt.Sprintf("spice: part %q has node %q, which is not the circuit's", p.Name, name))
	}
	*c = [2]string{name, s}
	return s
}

// deckCard appends "name a n " to b.
func deckCard[S string | []byte](b []byte, name S, a, n string) []byte {
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, a...)
	b = append(b, ' ')
	b = append(b, n...)
	return append(b, ' ')
}

// part writes part p of element el as the card name.
func (cw *deckCards) part(el *deckElem, p *circuit.Part, name []byte) {
	d, b := cw.d, cw.buf[:0]
	a, n := cw.node(el, p, 0), cw.node(el, p, 1)
	switch p.Type {
	case 'R':
		if p.Value == 0 {
			if el.single {
				fmt.Fprintf(cw.w, "* %s: conductance 0, open\n", name)
			}
			return
		}
		b = deckCard(b, name, a, n)
		b = strconv.AppendFloat(b, 1/p.Value, 'g', -1, 64)
		b = appendGHint(b, p.Value)
	case 'C', 'V', 'I':
		b = deckCard(b, name, a, n)
		b = strconv.AppendFloat(b, p.Value, 'g', -1, 64)
	case 'D':
		b = deckCard(b, name, a, n)
		if p.Model.Name == "" {
			b = append(b, el.own[p.Name]...)
		} else {
			b = append(b, d.modelOf[p.Model]...)
		}
	case 'E':
		// A sensed VCVS drives its sense source's node instead of n.
		s, sensed := d.sense[p.Branch]
		if sensed {
			b = deckCard(b, name, a, s.node)
		} else {
			b = deckCard(b, name, a, n)
		}
		if p.Swing != 0 {
			// A behavioural value, which the importer reads back
			// exactly (deckrec.Saturating).
			b = deckrec.Saturating{Swing: p.Swing, Gain: p.Value, Offset: p.Offset,
				CP: d.nodes[p.Control[0]], CN: d.nodes[p.Control[1]]}.Append(b)
		} else {
			b = append(b, d.nodes[p.Control[0]]...)
			b = append(b, ' ')
			b = append(b, d.nodes[p.Control[1]]...)
			b = append(b, ' ')
			b = strconv.AppendFloat(b, p.Value, 'g', -1, 64)
		}
		if sensed {
			b = append(b, '\n')
			b = deckCard(b, s.source, s.node, n)
			b = append(b, '0')
		}
	case 'F':
		b = deckCard(b, name, a, n)
		if p.SenseElement {
			b = append(b, d.control[p.Sense]...)
		} else {
			// A 'V' part of the same block.
			b = append(b, 'v')
			b = append(b, el.stem...)
			b = append(b, '_')
			b = append(b, p.Sense...)
		}
		b = append(b, ' ')
		b = strconv.AppendFloat(b, p.Value, 'g', -1, 64)
	default:
		panic(fmt.Sprintf("spice: part %q of type %q", p.Name, p.Type))
	}
	b = append(b, '\n')
	cw.w.Write(b)
	cw.buf = b
}

// blockComment writes the comment before the cards of a block: its kind,
// what the kind is, and how its cards and private nodes are named, as
// patterns of the part names with their numbers as I, J, ... and ranges.
func (cw *deckCards) blockComment(e circuit.Element, el *deckElem) {
	w := cw.w
	kind, doc := "element", ""
	if k := e.Kind(); k != nil {
		kind, doc = k.Name, k.Doc
	}
	fmt.Fprintf(w, "* %s %s", kind, strconv.QuoteToASCII(e.Label()))
	if doc != "" {
		fmt.Fprintf(w, ": %s", deckOneLine(doc))
	}
	w.WriteString("\n")
	if len(el.shapes) == 0 {
		w.WriteString("*   no cards\n")
	}
	for _, s := range el.shapes {
		fmt.Fprintf(w, "*   %c%s_%s%s: %d %s", deckLower(s.typ), el.stem, s.pattern, s.ranges(), s.count, deckTypeNames(s.typ, s.count))
		if s.own {
			fmt.Fprintf(w, ", each with its own model m%s_%s", el.stem, s.pattern)
		}
		w.WriteString("\n")
	}
	if len(el.private) > 0 {
		var sh deckShaper
		var ps []deckShape
		for _, nm := range el.private {
			ps = sh.add(ps, 0, nm, false)
		}
		for _, s := range ps {
			fmt.Fprintf(w, "*   private node %s_%s%s: %d %s\n", el.stem, s.pattern, s.ranges(), s.count, deckPlural(s.count, "node"))
		}
	}
}

// deckTypeNames says what n cards of type typ are.
func deckTypeNames(typ byte, n int) string {
	switch typ {
	case 'R':
		return deckPlural(n, "resistor")
	case 'C':
		return deckPlural(n, "capacitor")
	case 'D':
		return deckPlural(n, "diode")
	case 'V':
		return deckPlural(n, "voltage source")
	case 'I':
		return deckPlural(n, "current source")
	case 'E':
		return "VCVS"
	case 'F':
		return "CCCS"
	}
	return deckPlural(n, "card")
}

func deckPlural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// deckShape is a pattern of part names: the name with each run of digits
// replaced by a letter, I, J, K, ... in order, and the range of each
// run's numbers. It sums up a block's cards in the comment before them.
type deckShape struct {
	typ     byte
	own     bool // a diode with a model of its own
	pattern string
	count   int
	lo, hi  []int
}

// ranges writes the ranges of the pattern's numbers: " for I = 0..3, J
// = 0..2", or "" if it has none.
func (s *deckShape) ranges() string {
	if len(s.lo) == 0 {
		return ""
	}
	var b strings.Builder
	for i := range s.lo {
		if i == 0 {
			b.WriteString(" for ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%c = %d", deckPlaceholder(i), s.lo[i])
		if s.hi[i] != s.lo[i] {
			fmt.Fprintf(&b, "..%d", s.hi[i])
		}
	}
	return b.String()
}

// deckPlaceholder is the letter that stands for run i of digits.
func deckPlaceholder(i int) byte {
	if i < 8 {
		return "IJKLMNPQ"[i]
	}
	return 'X'
}

// deckShaper sorts names into shapes without allocating for a name that
// fits the last shape.
type deckShaper struct {
	pat  []byte
	nums []int
}

// add adds a part of type typ named name to shapes and returns them.
func (sh *deckShaper) add(shapes []deckShape, typ byte, name string, own bool) []deckShape {
	// Parts come in runs of one shape, and a block has many: the last
	// shape is tried without building the name's pattern.
	if k := len(shapes) - 1; k >= 0 && shapes[k].take(typ, own, name) {
		return shapes
	}
	sh.pat, sh.nums = sh.pat[:0], sh.nums[:0]
	for i := 0; i < len(name); {
		j, v := i, 0
		for j < len(name) && deckIsDigit(name[j]) {
			v = 10*v + int(name[j]-'0')
			j++
		}
		// Runs longer than 9 digits stay as they are: they might
		// overflow.
		if j == i || j-i > 9 {
			if j == i {
				j++
			}
			sh.pat = append(sh.pat, name[i:j]...)
			i = j
			continue
		}
		sh.pat = append(sh.pat, deckPlaceholder(len(sh.nums)))
		sh.nums = append(sh.nums, v)
		i = j
	}
	k := len(shapes) - 1
	for k >= 0 && !shapes[k].fits(typ, own, sh.pat, len(sh.nums)) {
		k--
	}
	if k < 0 {
		shapes = append(shapes, deckShape{typ: typ, own: own, pattern: string(sh.pat),
			lo: append([]int(nil), sh.nums...), hi: append([]int(nil), sh.nums...)})
		k = len(shapes) - 1
	}
	s := &shapes[k]
	s.count++
	for i, v := range sh.nums {
		s.lo[i] = min(s.lo[i], v)
		s.hi[i] = max(s.hi[i], v)
	}
	return shapes
}

// take adds the part of type typ named name to s if it fits s, and
// reports whether it did.
func (s *deckShape) take(typ byte, own bool, name string) bool {
	if s.typ != typ || s.own != own {
		return false
	}
	var nums [8]int
	pat, pi, run := s.pattern, 0, 0
	for i := 0; i < len(name); {
		if !deckIsDigit(name[i]) {
			if pi == len(pat) || pat[pi] != name[i] {
				return false
			}
			pi, i = pi+1, i+1
			continue
		}
		j, v := i, 0
		for j < len(name) && deckIsDigit(name[j]) {
			v = 10*v + int(name[j]-'0')
			j++
		}
		if j-i > 9 || run == len(nums) || run == len(s.lo) || pi == len(pat) || pat[pi] != deckPlaceholder(run) {
			return false
		}
		nums[run] = v
		pi, i, run = pi+1, j, run+1
	}
	if pi != len(pat) || run != len(s.lo) {
		return false
	}
	s.count++
	for i, v := range nums[:run] {
		s.lo[i] = min(s.lo[i], v)
		s.hi[i] = max(s.hi[i], v)
	}
	return true
}

func (s *deckShape) fits(typ byte, own bool, pat []byte, nums int) bool {
	return s.typ == typ && s.own == own && len(s.lo) == nums && s.pattern == string(pat)
}
