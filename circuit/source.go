package circuit

import "iter"

// VSource is an independent voltage source: V(Nodes[0]) - V(Nodes[1]) = V.
// Its branch current flows from Nodes[0] through the source to Nodes[1].
type VSource struct {
	Name  string
	Nodes [2]string
	// V is the voltage in volts.
	V float64
}

// ISource is an independent current source: I amperes flow from Nodes[0]
// through the source to Nodes[1], as in SPICE.
type ISource struct {
	Name  string
	Nodes [2]string
	I     float64
}

// VSourceKind is the kind of VSource, the card [[vsource]].
var VSourceKind = &Kind{
	Name: "vsource",
	Doc:  "An independent voltage source: V(nodes[0]) - V(nodes[1]) = v.",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "The positive and negative terminals."},
		{Key: "v", Type: ParamNumber, Unit: "V", Required: true, Doc: "The voltage."},
	},
	Build: func(name string, a *Args) (Element, error) {
		return &VSource{Name: name, Nodes: a.Pair("nodes"), V: a.Float("v")}, nil
	},
}

// ISourceKind is the kind of ISource, the card [[isource]].
var ISourceKind = &Kind{
	Name: "isource",
	Doc:  "An independent current source: i flows from nodes[0] through the source to nodes[1], as in SPICE.",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "The terminals the current leaves and enters the source by."},
		{Key: "i", Type: ParamNumber, Unit: "A", Required: true, Doc: "The current."},
	},
	Build: func(name string, a *Args) (Element, error) {
		return &ISource{Name: name, Nodes: a.Pair("nodes"), I: a.Float("i")}, nil
	},
}

func (e *VSource) Label() string       { return e.Name }
func (e *VSource) Terminals() []string { return e.Nodes[:] }
func (e *VSource) Kind() *Kind         { return VSourceKind }
func (e *VSource) Pair() [2]string     { return e.Nodes }
func (e *VSource) replicate() Element  { c := *e; return &c }

func (e *VSource) Fields() ([]Field, error) {
	return []Field{{"nodes", e.Nodes}, {"v", e.V}}, nil
}

// Parts is one 'V' part whose Branch is the source's name: its branch
// current is an unknown of the compiled system when no chain of sources
// from ground pins its nodes.
func (e *VSource) Parts() iter.Seq[Part] {
	return single(Part{Type: 'V', Nodes: e.Nodes, Value: e.V, Branch: e.Name})
}

func (e *VSource) Check() error { return nil }

func (e *VSource) Stamp(st Stamper) { st.VoltageSource(e.Nodes[0], e.Nodes[1], &e.V, 1, e.Name) }

func (e *ISource) Label() string       { return e.Name }
func (e *ISource) Terminals() []string { return e.Nodes[:] }
func (e *ISource) Kind() *Kind         { return ISourceKind }
func (e *ISource) Pair() [2]string     { return e.Nodes }
func (e *ISource) replicate() Element  { c := *e; return &c }

func (e *ISource) Fields() ([]Field, error) {
	return []Field{{"nodes", e.Nodes}, {"i", e.I}}, nil
}

func (e *ISource) Parts() iter.Seq[Part] {
	return single(Part{Type: 'I', Nodes: e.Nodes, Value: e.I})
}

func (e *ISource) Check() error { return nil }

func (e *ISource) Stamp(st Stamper) { st.CurrentSource(e.Nodes[0], e.Nodes[1], &e.I) }

func (e *VSource) element() {}

func (e *ISource) element() {}
