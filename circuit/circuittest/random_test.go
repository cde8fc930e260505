package circuittest_test

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
)

// TestRandom checks what Random promises: every circuit compiles, the
// options give the element kinds they name and no others, a reciprocal
// circuit has a co-content, the same draws give the same circuit, and the
// name styles name the nodes as documented.
func TestRandom(t *testing.T) {
	for _, o := range []circuittest.RandomOptions{
		{Stages: 1},
		{Stages: 3, Controlled: true, SenseVCVS: true},
		{Blocks: true},
		{Stages: 2, Controlled: true, Blocks: true, Names: circuittest.BracketNames},
		{Stages: 2, Controlled: true, Blocks: true, Names: circuittest.CaseNames,
			Nonideal: circuittest.Nonideal{WireR: 100, Diodes: circuit.DiodeVariation{ISSpread: 1, Seed: 1}, Amplifiers: circuit.AmplifierVariation{Offset: 0.1, Seed: 2}}},
	} {
		kinds := map[string]int{}
		sensedVCVS := false
		for seed := range uint64(40) {
			c := circuittest.Random(rand.New(rand.NewPCG(seed, 1)), o)
			s, err := mna.Compile(c)
			if err != nil {
				t.Fatalf("%+v, seed %d: %v", o, seed, err)
			}
			if !reflect.DeepEqual(c, circuittest.Random(rand.New(rand.NewPCG(seed, 1)), o)) {
				t.Fatalf("%+v, seed %d: the same draws gave another circuit", o, seed)
			}
			if _, ok := s.CoContent(make([]float64, s.Size())); ok == o.Controlled {
				t.Errorf("%+v, seed %d: co-content %v", o, seed, ok)
			}
			for _, e := range c.Elements {
				kinds[e.Kind().Name]++
				if f, ok := e.(*circuit.CCCS); ok && strings.HasPrefix(f.Control, "E") {
					sensedVCVS = true
				}
				if x, ok := e.(*circuit.Crossbar); ok && x.WireR != o.Nonideal.WireR {
					t.Errorf("%+v: crossbar %s has wire resistance %g", o, x.Name, x.WireR)
				}
			}
			if o.Names == circuittest.BracketNames && o.Stages > 0 && !strings.Contains(strings.Join(s.Nodes(), " "), "s0[0]") {
				t.Errorf("%+v, seed %d: no node s0[0] in %v", o, seed, s.Nodes())
			}
		}
		want := map[string]bool{}
		if o.Stages > 0 {
			for _, k := range []string{"resistor", "vsource", "isource", "diode", "capacitor"} {
				want[k] = true
			}
			want["vcvs"], want["cccs"] = o.Controlled && o.Stages > 1, o.Controlled && o.Stages > 1
		}
		if o.Blocks {
			for _, k := range []string{"input", "crossbar", "rectifier", "resistor", "vsource"} {
				want[k] = true
			}
			want["amplifier"] = o.Controlled
		}
		for _, k := range circuit.Kinds() {
			if (kinds[k.Name] > 0) != want[k.Name] {
				t.Errorf("%+v: %d elements of kind %s", o, kinds[k.Name], k.Name)
			}
		}
		if sensedVCVS != o.SenseVCVS {
			t.Errorf("%+v: a CCCS sensed a VCVS: %v", o, sensedVCVS)
		}
	}
}

// TestLayered checks the names and sizes of Layered networks, that they
// are layered for package mna (whose tests check the chain of blocks),
// and that the same draws give the same network.
func TestLayered(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 2))
		hidden := 1 + int(seed%3)
		o := circuittest.RandomLayered(rng, hidden, seed%2 == 1)
		c := circuittest.Layered(rand.New(rand.NewPCG(seed, 3)), o)
		if !reflect.DeepEqual(c, circuittest.Layered(rand.New(rand.NewPCG(seed, 3)), o)) {
			t.Fatalf("seed %d: the same draws gave another network", seed)
		}
		s, err := mna.Compile(c)
		if err == nil {
			_, err = s.Layering()
		}
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for k, size := range o.Hidden {
			if g := circuittest.LayerGroup(c, "h", k+1); g.Size != size {
				t.Errorf("seed %d: hidden group %d has %d nodes, want %d", seed, k+1, g.Size, size)
			}
			if o.Gains[k] != 0 {
				circuittest.LayerGroup(c, "a", k+1)
			}
		}
		want := 2*o.Features + o.Outputs + 2 + 2 // inputs, outputs, rails, bias
		for _, size := range o.Hidden {
			want += size
		}
		if got := len(s.Nodes()); got < want {
			t.Errorf("seed %d: %d nodes, want at least %d", seed, got, want)
		}
	}
	// One hidden group is named as in KendallNetwork.
	c := circuittest.Layered(rand.New(rand.NewPCG(1, 1)), circuittest.LayeredOptions{
		Features: 2, Hidden: []int{3}, Outputs: 2, Gains: []float64{4}, High: -0.5, Low: 0.5, GMin: 1e-7, GMax: 1e-6, Bias: true})
	var names []string
	for _, e := range c.Elements {
		names = append(names, e.Label())
	}
	if want := "in VB0 VB1 VHI VLO W1 B1 D A W2 B2"; strings.Join(names, " ") != want {
		t.Errorf("elements %v, want %s", names, want)
	}
	// A single-ended input drives one node a feature.
	c = circuittest.Layered(rand.New(rand.NewPCG(1, 1)), circuittest.LayeredOptions{
		Features: 3, SingleEnded: true, Hidden: []int{2, 2}, Outputs: 1, GMax: 1e-6})
	if x, _ := c.Group("x"); x.Size != 3 || c.Element("in").(*circuit.Input).Differential {
		t.Errorf("single-ended input: group %v, input %+v", x, c.Element("in"))
	}
	if _, err := mna.Compile(c); err != nil {
		t.Error(err)
	}
}
