package circuit

import (
	"iter"
)

// VCVS is a voltage-controlled voltage source:
// V(Nodes[0]) - V(Nodes[1]) = Gain*(V(Control[0]) - V(Control[1])).
type VCVS struct {
	Name    string
	Nodes   [2]string
	Control [2]string
	Gain    float64
}

// CCCS is a current-controlled current source: Gain times the branch current
// of the voltage source named Control flows from Nodes[0] through the source
// to Nodes[1].
type CCCS struct {
	Name    string
	Nodes   [2]string
	Control string
	Gain    float64
}

// VCVSKind is the kind of VCVS, the card [[vcvs]].
var VCVSKind = &Kind{
	Name: "vcvs",
	Doc:  "A voltage-controlled voltage source: V(nodes[0]) - V(nodes[1]) = gain*(V(control[0]) - V(control[1])).",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "The output terminals."},
		{Key: "control", Type: ParamNodePair, Required: true, Doc: "The controlling nodes."},
		{Key: "gain", Type: ParamNumber, Required: true, Doc: "The voltage gain."},
	},
	Build: func(name string, a *Args) (Element, error) {
		return &VCVS{Name: name, Nodes: a.Pair("nodes"), Control: a.Pair("control"), Gain: a.Float("gain")}, nil
	},
}

// CCCSKind is the kind of CCCS, the card [[cccs]].
var CCCSKind = &Kind{
	Name: "cccs",
	Doc:  "A current-controlled current source: gain times the current of the vsource control flows from nodes[0] through it to nodes[1].",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "The terminals the current leaves and enters the source by."},
		{Key: "control", Type: ParamElement, Values: []string{"vsource"}, Required: true, Doc: "The name of the vsource whose current controls it."},
		{Key: "gain", Type: ParamNumber, Required: true, Doc: "The current gain."},
	},
	Build: func(name string, a *Args) (Element, error) {
		return &CCCS{Name: name, Nodes: a.Pair("nodes"), Control: a.String("control"), Gain: a.Float("gain")}, nil
	},
}

func (e *VCVS) Label() string { return e.Name }
func (e *VCVS) Terminals() []string {
	return []string{e.Nodes[0], e.Nodes[1], e.Control[0], e.Control[1]}
}
func (e *VCVS) Kind() *Kind     { return VCVSKind }
func (e *VCVS) Pair() [2]string { return e.Nodes }

func (e *VCVS) Fields() ([]Field, error) {
	return []Field{{"nodes", e.Nodes}, {"control", e.Control}, {"gain", e.Gain}}, nil
}

func (e *VCVS) Parts() iter.Seq[Part] {
	return single(Part{Type: 'E', Nodes: e.Nodes, Control: e.Control, Value: e.Gain, Branch: e.Name})
}

func (e *VCVS) Check() error { return nil }

func (e *VCVS) Stamp(st Stamper) {
	st.VCVS(e.Nodes[0], e.Nodes[1], e.Control[0], e.Control[1], e.Gain, e.Name)
}

func (e *CCCS) Label() string       { return e.Name }
func (e *CCCS) Terminals() []string { return e.Nodes[:] }
func (e *CCCS) Kind() *Kind         { return CCCSKind }
func (e *CCCS) Pair() [2]string     { return e.Nodes }

func (e *CCCS) Fields() ([]Field, error) {
	return []Field{{"nodes", e.Nodes}, {"control", e.Control}, {"gain", e.Gain}}, nil
}

func (e *CCCS) Parts() iter.Seq[Part] {
	return single(Part{Type: 'F', Nodes: e.Nodes, Sense: e.Control, SenseElement: true, Value: e.Gain})
}

func (e *CCCS) Check() error {
	if e.Control == "" {
		return &Error{Element: e.Name, Msg: "no controlling source"}
	}
	return nil
}

func (e *CCCS) Stamp(st Stamper) { st.CCCS(e.Nodes[0], e.Nodes[1], e.Gain, e.Control) }

func (e *VCVS) element() {}

func (e *CCCS) element() {}
