package deckrec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// maxCells bounds the cells of a crossbar's record, so that a record
// cannot ask for more memory than a netlist's sidecars may hold
// (netlist.MaxWeights, 10,000,000 values).
const maxCells = 10_000_000

// The prefixes of record lines.
const (
	CircuitPrefix = "* eqsim circuit "
	ElementPrefix = "* eqsim element "
)

// Circuit is the record of a circuit's own values.
type Circuit struct {
	Title           string  `json:"title"`
	Temp            float64 `json:"temp"`
	TNom            float64 `json:"tnom"`
	NodeCapacitance float64 `json:"node_capacitance"`
	// ThermalNoise is [options] thermal_noise, which no card carries.
	ThermalNoise bool    `json:"thermal_noise,omitempty"`
	Groups       []Group `json:"groups"`
}

// Group is a node group: Size nodes named "Name[i]".
type Group struct {
	Name string `json:"name"`
	Size int    `json:"size"`
}

// NewCircuit returns the record of c.
func NewCircuit(c *circuit.Circuit) Circuit {
	r := Circuit{Title: c.Title, Temp: c.Temp, TNom: c.TNom, NodeCapacitance: c.NodeCapacitance, ThermalNoise: c.ThermalNoise, Groups: []Group{}}
	for _, g := range c.Groups {
		r.Groups = append(r.Groups, Group{g.Name, g.Size})
	}
	return r
}

// Element is the record of one element.
type Element struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Card is the card of a single element; Stem names a block's cards:
	// type letter, Stem, an underscore and the part's name.
	Card string `json:"card,omitempty"`
	Stem string `json:"stem,omitempty"`
	// Sense maps the branch of a part whose current a CCCS senses to the
	// card of the 0 V source in series with it.
	Sense  map[string]string          `json:"sense,omitempty"`
	Fields map[string]json.RawMessage `json:"fields"`
}

// Line returns the record as a comment line, without its newline.
func Line(prefix string, v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return prefix + strings.TrimSuffix(b.String(), "\n"), nil
}

// Parse decodes the JSON object after a record line's prefix into v; it
// rejects unknown keys.
func Parse(text string, v any) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("text after the record")
	}
	return nil
}

// nodeList is the JSON form of a node list.
type nodeList struct {
	Groups []string `json:"groups,omitempty"`
	Nodes  []string `json:"nodes,omitempty"`
}

// shape is the JSON form of a matrix whose entries are on the cards.
type shape struct {
	Rows int `json:"rows"`
	Cols int `json:"cols"`
}

// NewElement returns the record of e, whose cards the deck names as card
// (a single element) or stem (a block), in a circuit with the given
// groups (Circuit.Groups). It returns an error if e has no netlist form
// (see circuit.Element.Fields).
func NewElement(e circuit.Element, card, stem string, groups []circuit.Group) (Element, error) {
	k := e.Kind()
	fields, err := e.Fields()
	if err != nil {
		return Element{}, err
	}
	r := Element{Kind: k.Name, Name: e.Label(), Card: card, Stem: stem, Fields: map[string]json.RawMessage{}}
	for _, f := range fields {
		p, ok := k.Param(f.Key)
		if !ok {
			return Element{}, fmt.Errorf("field %q is not a key of its card", f.Key)
		}
		var v any = f.Value
		switch x := f.Value.(type) {
		case []string:
			v = listOf(x, groups)
		case *mat.Dense:
			rows, cols := x.Dims()
			v = shape{rows, cols}
		}
		if p.Type == circuit.ParamModel {
			// Every field of the model, whatever fields it grows.
			v = f.Value.(circuit.DiodeModel)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return Element{}, fmt.Errorf("%s: %w", f.Key, err)
		}
		r.Fields[f.Key] = b
	}
	return r, nil
}

// listOf returns the JSON form of nodes: the names of the groups they are,
// concatenated in order, or the nodes themselves.
func listOf(nodes []string, groups []circuit.Group) nodeList {
	var names []string
	for k := 0; k < len(nodes); {
		i := strings.LastIndexByte(nodes[k], '[')
		j := -1
		if i > 0 {
			j = slices.IndexFunc(groups, func(g circuit.Group) bool { return g.Name == nodes[k][:i] })
		}
		if j < 0 || k+groups[j].Size > len(nodes) || slices.Contains(names, groups[j].Name) {
			return nodeList{Nodes: nodes}
		}
		for n := range groups[j].Size {
			if nodes[k+n] != groups[j].Node(n) {
				return nodeList{Nodes: nodes}
			}
		}
		names = append(names, groups[j].Name)
		k += groups[j].Size
	}
	if len(names) == 0 {
		return nodeList{Nodes: nodes}
	}
	return nodeList{Groups: names}
}

// Args decodes the record's fields into the arguments of its kind's Build,
// with the node groups given, each value checked against its parameter.
// A matrix field is filled by cell(i, j), which returns the entry of the
// cell and whether the deck has it. Args returns the kind and an error for
// a record it cannot read.
func (r *Element) Args(groups []circuit.Group, cell func(i, j int) (float64, bool)) (*circuit.Kind, *circuit.Args, error) {
	k := circuit.KindNamed(r.Kind)
	if k == nil {
		return nil, nil, fmt.Errorf("unknown kind %q", r.Kind)
	}
	if r.Name == "" {
		return nil, nil, fmt.Errorf("no name")
	}
	a := circuit.NewArgs()
	for key, raw := range r.Fields {
		p, ok := k.Param(key)
		if !ok {
			return nil, nil, fmt.Errorf("%s has no parameter %q", k.Name, key)
		}
		v, err := decode(p, raw, groups, cell)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", key, err)
		}
		if msg := p.CheckValue(v); msg != "" {
			return nil, nil, fmt.Errorf("%s", msg)
		}
		a.Set(key, v)
	}
	for _, p := range k.Params {
		if p.Required && !a.Has(p.Key) {
			return nil, nil, fmt.Errorf("missing %s", p.Key)
		}
	}
	return k, a, nil
}

// decode reads one field of parameter p, of the Go type its ParamType
// names.
func decode(p circuit.Param, raw json.RawMessage, groups []circuit.Group, cell func(i, j int) (float64, bool)) (any, error) {
	strict := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	switch p.Type {
	case circuit.ParamNumber, circuit.ParamNonZero, circuit.ParamPositive, circuit.ParamNonNegative, circuit.ParamSpread:
		var v float64
		return v, strict(&v)
	case circuit.ParamSize, circuit.ParamSeed:
		var v int64
		return v, strict(&v)
	case circuit.ParamBool:
		var v bool
		return v, strict(&v)
	case circuit.ParamEnum, circuit.ParamElement, circuit.ParamNode:
		var v string
		return v, strict(&v)
	case circuit.ParamNodePair:
		var v [2]string
		return v, strict(&v)
	case circuit.ParamGroup, circuit.ParamGroupList:
		var v nodeList
		if err := strict(&v); err != nil {
			return nil, err
		}
		return v.nodes(groups)
	case circuit.ParamModel:
		var v circuit.DiodeModel
		return v, strict(&v)
	case circuit.ParamVector:
		var v []float64
		return v, strict(&v)
	case circuit.ParamMatrix:
		var s shape
		if err := strict(&s); err != nil {
			return nil, err
		}
		if s.Rows <= 0 || s.Cols <= 0 || s.Rows > maxCells/s.Cols {
			return nil, fmt.Errorf("matrix shape %dx%d", s.Rows, s.Cols)
		}
		m := mat.NewDense(s.Rows, s.Cols, nil)
		for i := range s.Rows {
			for j := range s.Cols {
				g, ok := cell(i, j)
				if !ok {
					return nil, fmt.Errorf("the deck has no card of cell (%d, %d)", i, j)
				}
				m.Set(i, j, g)
			}
		}
		return m, nil
	}
	return nil, fmt.Errorf("parameter type %v", p.Type)
}

// nodes returns the nodes of the list.
func (l nodeList) nodes(groups []circuit.Group) ([]string, error) {
	switch {
	case l.Nodes != nil && l.Groups != nil:
		return nil, fmt.Errorf("both groups and nodes")
	case l.Nodes != nil:
		return l.Nodes, nil
	case len(l.Groups) == 0:
		return nil, fmt.Errorf("no nodes")
	}
	var out []string
	for _, name := range l.Groups {
		j := slices.IndexFunc(groups, func(g circuit.Group) bool { return g.Name == name })
		if j < 0 {
			return nil, fmt.Errorf("no group %q", name)
		}
		out = append(out, groups[j].Nodes()...)
	}
	return out, nil
}
