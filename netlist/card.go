package netlist

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// This file reads element cards generically: every card is read from its
// circuit.Kind (the keys, their types and the Build that makes the
// element), so that a new element kind needs no change here. What stays in
// this package is what the TOML face itself defines: node groups
// ([[group]] and the groups that kinds with DefinesGroup define), diode
// models by name, .npy sidecar files, size limits and the cross-references
// between cards.

// cards are the names of the element cards and the [[group]] block, in
// the order that breaks ties of line numbers (which happen only for inline
// arrays of tables): the kinds of circuit.Kinds, with [[group]] just
// before the first kind that defines a group.
var cards = func() []string {
	var names []string
	group := false
	for _, k := range circuit.Kinds() {
		if k.DefinesGroup && !group {
			names, group = append(names, "group"), true
		}
		names = append(names, k.Name)
	}
	if !group {
		names = append(names, "group")
	}
	return names
}()

// card is what the reading of one element card leaves behind for the
// messages that Build's errors become.
type card struct {
	t     *table
	k     *circuit.Kind
	files map[string]string   // key -> the sidecar file its value came from
	names map[string][]string // key -> the groups a Group or GroupList key named
	nodes int64               // nodes reserved through Args.Reserve
}

func newCard(t *table, k *circuit.Kind) *card {
	return &card{t: t, k: k, files: map[string]string{}, names: map[string][]string{}}
}

// readCard reads the card c.t of kind c.k and builds its element. It fails on
// the first problem: an unknown key, a missing required key, a value of
// the wrong type or out of its bounds, a reference to a node, group or
// model that does not exist, a size beyond the limits, or what Build finds
// wrong with the parameters together.
func (p *parser) readCard(c *card) circuit.Element {
	t, k := c.t, c.k
	t.checkKeys(k.Keys())
	a := circuit.NewArgs()
	for _, prm := range k.Params {
		v, ok := t.m[prm.Key]
		if !ok {
			if prm.Required {
				t.fail("", "missing %s%s", prm.Key, missingHint(prm))
			}
			continue
		}
		a.Set(prm.Key, c.value(prm, v))
	}
	a.Reserve = func(nodes, weights int64) error {
		if err := p.reserve(k, nodes, weights); err != nil {
			return err
		}
		c.nodes += nodes
		return nil
	}
	e, err := k.Build(t.name, a)
	if err != nil {
		c.fail(err)
	}
	return e
}

// missingHint says what a missing required key of prm's type would hold.
func missingHint(prm circuit.Param) string {
	switch prm.Type {
	case circuit.ParamNode:
		return " (a node name)"
	case circuit.ParamGroup:
		return " (a group or input name)"
	case circuit.ParamGroupList:
		return " (a group or input name, or an array of them)"
	case circuit.ParamElement:
		if d := strings.TrimSuffix(prm.Doc, "."); d != "" {
			return ": " + strings.ToLower(d[:1]) + d[1:]
		}
	}
	return ""
}

// value reads the value v of the card's key prm.Key as prm.Type says, and
// checks it against prm. It returns the value as circuit.Args holds it.
func (c *card) value(prm circuit.Param, v any) any {
	t, key := c.t, prm.Key
	check := func(x any) any {
		if msg := prm.CheckValue(x); msg != "" {
			t.fail(key, "%s", msg)
		}
		return x
	}
	switch prm.Type {
	case circuit.ParamNumber, circuit.ParamNonZero, circuit.ParamPositive, circuit.ParamNonNegative, circuit.ParamSpread:
		x := t.number(v, key, key)
		if prm.Type == circuit.ParamNonNegative || prm.Type == circuit.ParamSpread {
			if x == 0 {
				x = 0 // not -0, which would not write back
			}
		}
		return check(x)
	case circuit.ParamSize, circuit.ParamSeed:
		n, _ := t.integer(key)
		return check(n)
	case circuit.ParamBool:
		b, _ := t.boolean(key)
		return b
	case circuit.ParamEnum:
		s, _ := t.str(key)
		return check(s)
	case circuit.ParamElement:
		s, _ := t.str(key)
		if s == "" {
			t.fail(key, "%s is empty: give the name of a %s", key, orList(prm.Values, "element"))
		}
		return check(s)
	case circuit.ParamNode:
		return check(t.railNode(key))
	case circuit.ParamNodePair:
		return t.pair(key)
	case circuit.ParamGroup:
		g := t.group(key)
		c.names[key] = []string{g.Name}
		return append([]string(nil), g.nodes...)
	case circuit.ParamGroupList:
		nodes, names := t.groupList(key)
		c.names[key] = names
		return nodes
	case circuit.ParamModel:
		return t.model(key)
	case circuit.ParamVector:
		return c.vector(prm, v)
	case circuit.ParamMatrix:
		return c.matrix(prm, v)
	}
	panic(fmt.Sprintf("netlist: parameter %q of kind %s has unknown type %v", key, c.k.Name, prm.Type))
}

// vector reads an inline array of numbers or a 1-D .npy sidecar.
func (c *card) vector(prm circuit.Param, v any) []float64 {
	t, key := c.t, prm.Key
	switch v := v.(type) {
	case string:
		a := t.sidecar(key, v)
		if len(a.shape) != 1 {
			t.fail(key, "%s has shape %v, want a 1-D array", v, a.shape)
		}
		for i, x := range a.data {
			if !finite(x) {
				t.fail(key, "%s: %s %d is %v", v, unitNoun(prm.Unit), i, x)
			}
		}
		c.files[key] = v
		return a.data
	case []any:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = t.number(x, fmt.Sprintf("%s[%d]", key, i), key)
		}
		return out
	}
	t.fail(key, "%s must be an .npy file name or an array of numbers", key)
	return nil
}

// matrix reads a 2-D .npy sidecar.
func (c *card) matrix(prm circuit.Param, v any) *mat.Dense {
	t, key := c.t, prm.Key
	name, ok := v.(string)
	if !ok {
		t.fail(key, "%s must be the name of an .npy file", key)
	}
	a := t.sidecar(key, name)
	if len(a.shape) != 2 || a.shape[0] == 0 || a.shape[1] == 0 {
		t.fail(key, "%s has shape %v, want a non-empty 2-D array", name, a.shape)
	}
	for i, x := range a.data {
		if !finite(x) {
			t.fail(key, "%s: %s [%d, %d] is %v", name, unitNoun(prm.Unit), i/a.shape[1], i%a.shape[1], x)
		}
	}
	c.files[key] = name
	return mat.NewDense(a.shape[0], a.shape[1], a.data)
}

// unitNoun names a value of the unit in messages.
func unitNoun(unit string) string {
	switch unit {
	case "S":
		return "conductance"
	case "ohm":
		return "resistance"
	case "V":
		return "voltage"
	case "A":
		return "current"
	case "F":
		return "capacitance"
	}
	return "value"
}

// fail stops parsing with Build's error err at the line of the key it
// blames. A message about a key whose value came from a sidecar names the
// file, and one that says "KEY has" of a group key names its groups.
func (c *card) fail(err error) {
	var pe *circuit.ParamError
	if !errors.As(err, &pe) {
		c.t.fail("", "%v", err)
	}
	msg := pe.Msg
	if f, ok := c.files[pe.Key]; ok {
		if rest, ok := strings.CutPrefix(msg, pe.Key+" "); ok {
			msg = f + " " + rest
		} else {
			msg = f + ": " + msg
		}
	}
	for key, names := range c.names {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = quote(n)
		}
		name := q[0]
		if len(q) > 1 {
			name = "[" + strings.Join(q, ", ") + "]"
		}
		re := regexp.MustCompile(`(^|[\s(])` + regexp.QuoteMeta(key) + ` has `)
		msg = re.ReplaceAllString(msg, "${1}"+strings.ReplaceAll(key+" "+name, "$", "$$")+" has ")
	}
	c.t.fail(pe.Key, "%s", msg)
}

// reserve takes room for nodes and conductances that an element of kind k
// asks for, within the limits.
func (p *parser) reserve(k *circuit.Kind, nodes, weights int64) error {
	if weights < 0 || weights > int64(limits.weights-p.weights) {
		return fmt.Errorf("too many %s conductances: %d, at most %d in all elements", k.Name, weights, limits.weights)
	}
	if nodes < 0 || nodes > int64(limits.nodes-p.nodes) {
		if k.DefinesGroup {
			return fmt.Errorf("too many nodes in groups and %ss: at most %d", k.Name, limits.nodes)
		}
		return fmt.Errorf("too many nodes: the %s has %d internal nodes, at most %d nodes in all", k.Name, nodes, limits.nodes)
	}
	p.weights += int(weights)
	p.nodes += int(nodes)
	return nil
}

// defineGroup makes the terminals of the element e, of a kind that
// defines a group, the group of its name.
func (p *parser) defineGroup(c *card, e circuit.Element) {
	t := c.t
	nodes := append([]string(nil), e.Terminals()...)
	g := circuit.Group{Name: t.name, Size: len(nodes)}
	for i, n := range nodes {
		if n != g.Node(i) {
			t.fail("", "the %s's node %d is %q, not %q", c.k.Name, i, n, g.Node(i))
		}
	}
	// A Build that did not reserve its nodes still counts them.
	if extra := int64(len(nodes)) - c.nodes; extra > 0 {
		if err := p.reserve(c.k, extra, 0); err != nil {
			t.fail("", "%v", err)
		}
	}
	p.groups[t.name] = &groupInfo{Group: g, kind: t.kind, line: t.line, nodes: nodes}
}

// checkRefs checks the parameters that name other elements: the element
// exists and, if the parameter says, is of one of the kinds it may name.
func (p *parser) checkRefs(items []*item) {
	for _, it := range items {
		if it.k == nil {
			continue
		}
		for _, prm := range it.k.Params {
			if prm.Type != circuit.ParamElement {
				continue
			}
			name, ok := it.t.m[prm.Key].(string)
			if !ok {
				continue
			}
			m, ok := p.meta[name]
			switch {
			case !ok:
				it.t.fail(prm.Key, "%s %q is not an element of the netlist", prm.Key, name)
			case len(prm.Values) > 0 && !contains(prm.Values, m.kind):
				it.t.fail(prm.Key, "%s %q is a %s, not a %s", prm.Key, name, m.kind, orList(prm.Values, "element"))
			}
		}
	}
}

// orList joins choices with " or ", or returns none if there are none.
func orList(choices []string, none string) string {
	if len(choices) == 0 {
		return none
	}
	return strings.Join(choices, " or ")
}

func finite(x float64) bool { return x-x == 0 }
