package circuit

import "iter"

// Capacitor is a linear capacitor. It is open at DC.
type Capacitor struct {
	Name  string
	Nodes [2]string
	// C is the capacitance in farads.
	C float64
}

// CapacitorKind is the kind of Capacitor, the card [[capacitor]].
var CapacitorKind = &Kind{
	Name: "capacitor",
	Doc:  "A linear capacitor between two nodes: open at DC, it shapes transients.",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "The two terminals."},
		{Key: "c", Type: ParamPositive, Unit: "F", Required: true, Doc: "The capacitance."},
	},
	Build: func(name string, a *Args) (Element, error) {
		return &Capacitor{Name: name, Nodes: a.Pair("nodes"), C: a.Float("c")}, nil
	},
}

func (e *Capacitor) Label() string       { return e.Name }
func (e *Capacitor) Terminals() []string { return e.Nodes[:] }
func (e *Capacitor) Kind() *Kind         { return CapacitorKind }
func (e *Capacitor) Pair() [2]string     { return e.Nodes }

func (e *Capacitor) Fields() ([]Field, error) {
	return []Field{{"nodes", e.Nodes}, {"c", e.C}}, nil
}

func (e *Capacitor) Parts() iter.Seq[Part] {
	return single(Part{Type: 'C', Nodes: e.Nodes, Value: e.C})
}

func (e *Capacitor) Check() error { return nil }

func (e *Capacitor) Stamp(st Stamper) { st.Capacitance(e.Nodes[0], e.Nodes[1], &e.C) }

func (e *Capacitor) element() {}
