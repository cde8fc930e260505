package nudge_test

import (
	"fmt"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/nudge"
)

// base returns a circuit of one element for Add to extend.
func base() *circuit.Circuit {
	return &circuit.Circuit{Elements: []circuit.Element{
		&circuit.Resistor{Name: "R", Nodes: [2]string{"o1", "o2"}, G: 1e-3},
	}}
}

func TestAdd(t *testing.T) {
	for _, tc := range []struct {
		kind nudge.Kind
		want []string // labels and nodes of the added elements
	}{
		{nudge.None, nil},
		{nudge.Current, []string{"eqprop.I[0] 0-o1", "eqprop.I[1] 0-o2"}},
		{nudge.Conductance, []string{
			"eqprop.G[0] o1-eqprop.y[0]", "eqprop.Y[0] eqprop.y[0]-0",
			"eqprop.G[1] o2-eqprop.y[1]", "eqprop.Y[1] eqprop.y[1]-0",
		}},
		{nudge.Clamp, []string{"eqprop.C[0] o1-0", "eqprop.C[1] o2-0"}},
	} {
		c := base()
		e := nudge.Add(c, []string{"o1", "o2"}, tc.kind)
		if e.Kind != tc.kind || c.Elements[0].Label() != "R" {
			t.Errorf("kind %s: Elements of kind %s, first element %s", tc.kind, e.Kind, c.Elements[0].Label())
		}
		var got []string
		for _, el := range c.Elements[1:] {
			var n [2]string
			switch el := el.(type) {
			case *circuit.ISource:
				n = el.Nodes
			case *circuit.VSource:
				n = el.Nodes
			case *circuit.Resistor:
				n = el.Nodes
			}
			got = append(got, fmt.Sprintf("%s %s-%s", el.Label(), n[0], n[1]))
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("kind %s: added %q, want %q", tc.kind, got, tc.want)
		}
		if n := len(e.Currents) + len(e.Conductances) + len(e.Targets) + len(e.Clamps); n != len(tc.want) {
			t.Errorf("kind %s: %d elements returned, %d added", tc.kind, n, len(tc.want))
		}
	}
}

func TestSet(t *testing.T) {
	vout := []float64{0.25, -0.5}
	y := []float64{1, 0}
	for _, tc := range []struct {
		kind  nudge.Kind
		phase eqprop.Phase
		want  []float64 // the currents, conductance and target pairs, or clamp voltages
	}{
		{nudge.Current, eqprop.Phase{Kind: eqprop.Nudged, Beta: 2e-6, Target: y}, []float64{1.5e-6, 1e-6}},
		{nudge.Current, eqprop.Phase{Kind: eqprop.Nudged, Beta: -2e-6, Target: y}, []float64{-1.5e-6, -1e-6}},
		{nudge.Current, eqprop.Phase{Kind: eqprop.Free}, []float64{0, 0}},
		{nudge.Conductance, eqprop.Phase{Kind: eqprop.Nudged, Beta: 3e-6, Target: y}, []float64{3e-6, 1, 3e-6, 0}},
		{nudge.Conductance, eqprop.Phase{Kind: eqprop.Free}, []float64{0, 0, 0, 0}},
		{nudge.Clamp, eqprop.Phase{Kind: eqprop.Clamped, Target: y}, []float64{1, 0}},
		{nudge.Clamp, eqprop.Phase{Kind: eqprop.Coupled, Eta: 0.25, Target: y}, []float64{0.4375, -0.375}},
		{nudge.None, eqprop.Phase{Kind: eqprop.Free}, nil},
	} {
		e := nudge.Add(base(), []string{"o1", "o2"}, tc.kind)
		// Values left by an earlier phase must not survive.
		for _, i := range e.Currents {
			i.I = 7
		}
		for k, r := range e.Conductances {
			r.G, e.Targets[k].V = 7, 7
		}
		e.Set(tc.phase, vout)
		var got []float64
		for _, i := range e.Currents {
			got = append(got, i.I)
		}
		for k, r := range e.Conductances {
			got = append(got, r.G, e.Targets[k].V)
		}
		for _, v := range e.Clamps {
			got = append(got, v.V)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("kind %s, %s phase (beta %g, eta %g): %v, want %v", tc.kind, tc.phase.Kind, tc.phase.Beta, tc.phase.Eta, got, tc.want)
		}
	}
}

func TestSetMisuse(t *testing.T) {
	y := []float64{1}
	for _, tc := range []struct {
		kind  nudge.Kind
		phase eqprop.Phase
	}{
		{nudge.Clamp, eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: y}},
		{nudge.Clamp, eqprop.Phase{Kind: eqprop.Free}},
		{nudge.Current, eqprop.Phase{Kind: eqprop.Clamped, Target: y}},
		{nudge.Conductance, eqprop.Phase{Kind: eqprop.Coupled, Eta: 0.5, Target: y}},
		{nudge.None, eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: y}},
		{nudge.Current, eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: []float64{1, 0}}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("kind %s, %s phase with %d targets: no panic", tc.kind, tc.phase.Kind, len(tc.phase.Target))
				}
			}()
			nudge.Add(base(), []string{"o"}, tc.kind).Set(tc.phase, []float64{0})
		}()
	}
}

// A current nudge injects beta times the output's distance to its target.
func ExampleElements_Set() {
	c := &circuit.Circuit{}
	e := nudge.Add(c, []string{"out"}, nudge.Current)
	e.Set(eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: []float64{1}}, []float64{0.2})
	fmt.Printf("%s from %s into %s: %.2g A\n", c.Elements[0].Label(), e.Currents[0].Nodes[0], e.Currents[0].Nodes[1], e.Currents[0].I)
	// Output:
	// eqprop.I[0] from 0 into out: 8e-07 A
}
