package circuit

import (
	"fmt"
	"iter"
	"math"
	"strconv"
)

// Input is a bank of grounded voltage sources driven by data. With
// Differential false, node i is held at Amplitude*Values[i]; with it true,
// Nodes holds 2*len(Values) nodes and node i is held at +Amplitude*Values[i],
// node len(Values)+i at -Amplitude*Values[i].
type Input struct {
	Name         string
	Nodes        []string
	Differential bool
	// Amplitude is in volts per unit of feature value.
	Amplitude float64
	// Values are the feature values, dimensionless.
	Values []float64
}

// InputKind is the kind of Input, the card [[input]]. An input defines
// the node group of its name: NAME[0], NAME[1], ...
var InputKind = &Kind{
	Name:         "input",
	Doc:          "Data-driven voltage sources from ground, one per node of the group it defines.",
	DefinesGroup: true,
	Params: []Param{
		{Key: "size", Type: ParamSize, Required: true, Doc: "The number of features."},
		{Key: "encoding", Type: ParamEnum, Values: []string{"single", "differential"}, Default: "single",
			Doc: "single: node i at amplitude*values[i]; differential: also node size+i at -amplitude*values[i]."},
		{Key: "amplitude", Type: ParamNumber, Unit: "V", Default: "1", Doc: "Volts per unit of feature value."},
		{Key: "values", Type: ParamVector, Default: "0", Doc: "The feature values, size of them."},
	},
	Build: func(name string, a *Args) (Element, error) {
		size := a.Int("size")
		in := &Input{Name: name, Amplitude: 1, Differential: a.String("encoding") == "differential"}
		per := int64(1)
		if in.Differential {
			per = 2
		}
		if err := a.reserve("size", size*per, 0); err != nil {
			return nil, err
		}
		if a.Has("amplitude") {
			in.Amplitude = a.Float("amplitude")
		}
		in.Nodes = Group{Name: name, Size: int(size * per)}.Nodes()
		in.Values = make([]float64, size)
		if a.Has("values") {
			v := a.Vector("values")
			if int64(len(v)) != size {
				return nil, paramErr("values", "values has %d numbers, want size = %d", len(v), size)
			}
			copy(in.Values, v)
		}
		for i, v := range in.Values {
			if math.IsInf(in.Amplitude*v, 0) {
				return nil, paramErr("values", "amplitude*values[%d] = %g*%g overflows", i, in.Amplitude, v)
			}
		}
		return in, nil
	},
}

// Voltage returns the voltage in volts that the input holds on node k.
func (in *Input) Voltage(k int) float64 {
	n := len(in.Values)
	if k < n {
		return in.Amplitude * in.Values[k]
	}
	return -in.Amplitude * in.Values[k-n]
}

func (in *Input) Label() string       { return in.Name }
func (in *Input) Terminals() []string { return in.Nodes }
func (in *Input) Kind() *Kind         { return InputKind }

func (in *Input) replicate() Element {
	c := *in
	c.Values = append([]float64(nil), in.Values...)
	return &c
}

// Fields leaves the values out when they are all +0.
func (in *Input) Fields() ([]Field, error) {
	if g := (Group{Name: in.Name, Size: len(in.Nodes)}); !sameStrings(in.Nodes, g.Nodes()) {
		return nil, fmt.Errorf("its nodes must be %s[0], %s[1], ...", in.Name, in.Name)
	}
	enc := "single"
	if in.Differential {
		enc = "differential"
	}
	f := []Field{{"size", int64(len(in.Values))}, {"encoding", enc}, {"amplitude", in.Amplitude}}
	for _, v := range in.Values {
		if math.Float64bits(v) != 0 {
			return append(f, Field{"values", in.Values}), nil
		}
	}
	return f, nil
}

// Parts is a grounded 'V' part per node, named by the node's index.
func (in *Input) Parts() iter.Seq[Part] {
	return func(yield func(Part) bool) {
		for k, n := range in.Nodes {
			if !yield(Part{Type: 'V', Name: strconv.Itoa(k), Nodes: [2]string{n, Ground}, Value: in.Voltage(k)}) {
				return
			}
		}
	}
}

func (in *Input) Check() error {
	want := len(in.Values)
	if in.Differential {
		want *= 2
	}
	if len(in.Nodes) != want {
		return &Error{Element: in.Name, Msg: fmt.Sprintf("%d nodes for %d values", len(in.Nodes), len(in.Values))}
	}
	return nil
}

// Stamp stamps a grounded voltage source per node.
func (in *Input) Stamp(st Stamper) {
	nv := len(in.Values)
	for i, nm := range in.Nodes {
		k, sign := i, 1.0
		if i >= nv {
			k, sign = i-nv, -1
		}
		st.VoltageSource(nm, Ground, &in.Values[k], sign*in.Amplitude, in.Name)
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (in *Input) element() {}
