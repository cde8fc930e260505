package circuit

import (
	"iter"
	"math"
)

// Resistor is a linear conductance between two nodes.
type Resistor struct {
	Name  string
	Nodes [2]string
	// G is the conductance in siemens.
	G float64
	// Trainable marks a weight that learning may change.
	Trainable bool
}

// ResistorKind is the kind of Resistor, the card [[resistor]].
var ResistorKind = &Kind{
	Name: "resistor",
	Doc:  "A linear resistor between two nodes; a trainable one is a weight.",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "The two terminals."},
		{Key: "r", Type: ParamPositive, Unit: "ohm", Doc: "The resistance; give exactly one of r and g."},
		{Key: "g", Type: ParamPositive, Unit: "S", Doc: "The conductance; give exactly one of r and g."},
		{Key: "trainable", Type: ParamBool, Default: "false", Doc: "Whether learning may change the conductance."},
	},
	Build: func(name string, a *Args) (Element, error) {
		e := &Resistor{Name: name, Nodes: a.Pair("nodes"), Trainable: a.Bool("trainable")}
		switch hasR, hasG := a.Has("r"), a.Has("g"); {
		case hasR && hasG:
			return nil, paramErr("", "both r and g given: give exactly one")
		case hasR:
			r := a.Float("r")
			e.G = 1 / r
			if e.G == 0 || math.IsInf(e.G, 0) {
				return nil, paramErr("r", "r = %g is out of range", r)
			}
		case hasG:
			e.G = a.Float("g")
		default:
			return nil, paramErr("", "neither r nor g given: give exactly one")
		}
		return e, nil
	},
}

func (e *Resistor) Label() string       { return e.Name }
func (e *Resistor) Terminals() []string { return e.Nodes[:] }
func (e *Resistor) Kind() *Kind         { return ResistorKind }
func (e *Resistor) Pair() [2]string     { return e.Nodes }

// Fields writes the conductance as g, which reads back exactly.
func (e *Resistor) Fields() ([]Field, error) {
	f := []Field{{"nodes", e.Nodes}, {"g", e.G}}
	if e.Trainable {
		f = append(f, Field{"trainable", true})
	}
	return f, nil
}

func (e *Resistor) Parts() iter.Seq[Part] {
	return single(Part{Type: 'R', Nodes: e.Nodes, Value: e.G})
}

// IsTrainable reports whether learning may change the conductance.
func (e *Resistor) IsTrainable() bool { return e.Trainable }

// Sides returns the resistor's terminals as the sides of a 1×1 block.
func (e *Resistor) Sides() (a, b []string) { return e.Nodes[:1], e.Nodes[1:] }

// ConductancesTo copies G into dst[0].
func (e *Resistor) ConductancesTo(dst []float64) { dst[0] = e.G }

// SetConductances sets G to g[0].
func (e *Resistor) SetConductances(g []float64) { e.G = g[0] }

// Conductance returns &G.
func (e *Resistor) Conductance(k int) *float64 { return &e.G }

// CellNodes returns the resistor's terminals.
func (e *Resistor) CellNodes(i, j int) (a, b string) { return e.Nodes[0], e.Nodes[1] }

func (e *Resistor) Check() error { return nil }

func (e *Resistor) Stamp(st Stamper) { st.Conductance(e.Nodes[0], e.Nodes[1], &e.G) }

func (e *Resistor) element() {}
