package circuit

import "iter"

// Diode is a junction with its anode at Nodes[0] and cathode at Nodes[1].
type Diode struct {
	Name  string
	Nodes [2]string
	Model DiodeModel
}

// DiodeKind is the kind of Diode, the card [[diode]].
var DiodeKind = &Kind{
	Name: "diode",
	Doc:  "A junction diode of a model from [models].",
	Params: []Param{
		{Key: "nodes", Type: ParamNodePair, Required: true, Doc: "Anode and cathode."},
		{Key: "model", Type: ParamModel, Required: true, Doc: "The name of a diode model."},
	},
	Build: func(name string, a *Args) (Element, error) {
		return &Diode{Name: name, Nodes: a.Pair("nodes"), Model: a.Model("model")}, nil
	},
}

func (e *Diode) Label() string       { return e.Name }
func (e *Diode) Terminals() []string { return e.Nodes[:] }
func (e *Diode) Kind() *Kind         { return DiodeKind }
func (e *Diode) Pair() [2]string     { return e.Nodes }

func (e *Diode) Fields() ([]Field, error) {
	return []Field{{"nodes", e.Nodes}, {"model", e.Model}}, nil
}

func (e *Diode) Parts() iter.Seq[Part] {
	return single(Part{Type: 'D', Nodes: e.Nodes, Model: e.Model})
}

func (e *Diode) Check() error { return nil }

func (e *Diode) Stamp(st Stamper) { st.Junction(e.Nodes[0], e.Nodes[1], e.Model, e.Name) }

func (e *Diode) element() {}
