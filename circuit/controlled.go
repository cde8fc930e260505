package circuit

import (
	"fmt"
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

func (e *VCVS) check() error { return nil }

func (e *VCVS) edges(s *System, controls map[string]bool) []edge {
	return []edge{{a: s.index[e.Nodes[0]], b: s.index[e.Nodes[1]], name: e.Name}}
}

func (e *VCVS) compile(s *System) {
	s.control = true
	s.branch = append(s.branch, cBranch{p: s.index[e.Nodes[0]], n: s.index[e.Nodes[1]],
		cp: s.index[e.Control[0]], cn: s.index[e.Control[1]], gain: e.Gain, unk: s.addBranch(e.Name)})
}

func (e *VCVS) layer(l *Layering, pass int) error {
	if pass != layerReject {
		return nil
	}
	return notLayered(e.Name, nil, "voltage-controlled voltage source")
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

func (e *CCCS) check() error {
	if e.Control == "" {
		return &Error{Element: e.Name, Msg: "no controlling source"}
	}
	return nil
}

// compile does nothing: the control's branch current may be defined by
// an element that comes later, so the CCCS is compiled late.
func (e *CCCS) compile(s *System) {}

func (e *CCCS) compileLate(s *System) error {
	s.control = true
	k, ok := s.branchOf[e.Control]
	if !ok {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("control %q is not a voltage source", e.Control)}
	}
	s.cccs = append(s.cccs, cCCCS{p: s.index[e.Nodes[0]], n: s.index[e.Nodes[1]], gain: e.Gain, branch: k})
	return nil
}

func (e *CCCS) layer(l *Layering, pass int) error {
	if pass != layerReject {
		return nil
	}
	return notLayered(e.Name, nil, "current-controlled current source")
}
