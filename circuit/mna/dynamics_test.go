package mna

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"

	"gonum.org/v1/gonum/mat"
)

// TestPowerClosedForms checks System.Power at the equilibria of small
// circuits solved by hand.
func TestPowerClosedForms(t *testing.T) {
	const (
		v      = 2.0
		g1, g2 = 1e-3, 3e-3
		g3     = 2e-3
		gain   = 4.0
	)
	// The amplifier circuit: V1 through R1 to h, R2 from h to ground, A
	// drives a = gain*h into R3 to ground, and its mirror draws the load
	// current over gain from h: G1*(V - h) = (G2 + G3)*h.
	h := g1 * v / (g1 + g2 + g3)
	ia := g3 * gain * h // into a's load
	for _, tc := range []struct {
		name                string
		c                   *circuit.Circuit
		x                   map[string]float64
		sources, controlled float64
		dissipated          float64
	}{
		{
			name:    "resistor across a source",
			c:       circ(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v}, &circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "0"}, G: g1}),
			sources: v * v * g1, dissipated: v * v * g1,
		},
		{
			name: "divider",
			c: circ(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v}, &circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: g1},
				&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "0"}, G: g2}),
			x:       map[string]float64{"a": v * g1 / (g1 + g2)},
			sources: v * v * g1 * g2 / (g1 + g2), dissipated: v * v * g1 * g2 / (g1 + g2),
		},
		{
			name:    "current source into a resistor",
			c:       circ(&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 1e-3}, &circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "0"}, G: g1}),
			x:       map[string]float64{"a": 1e-3 / g1},
			sources: 1e-3 * 1e-3 / g1, dissipated: 1e-3 * 1e-3 / g1,
		},
		{
			// 2 V through R1 and a floating 0.5 V source into R2: 0.75 mA.
			name: "floating source",
			c: circ(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v}, &circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "b"}, G: g1},
				&circuit.VSource{Name: "V2", Nodes: [2]string{"b", "f"}, V: 0.5}, &circuit.Resistor{Name: "R2", Nodes: [2]string{"f", "0"}, G: g1}),
			x:       map[string]float64{"b": 1.25, "f": 0.75, "V2": 0.75e-3},
			sources: v*0.75e-3 - 0.5*0.75e-3, dissipated: 2 * 0.75 * 0.75 * g1,
		},
		{
			name: "amplifier",
			c: circ(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v}, &circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "h"}, G: g1},
				&circuit.Resistor{Name: "R2", Nodes: [2]string{"h", "0"}, G: g2},
				&circuit.Amplifier{Name: "A", From: []string{"h"}, To: []string{"a"}, Gain: gain},
				&circuit.Resistor{Name: "R3", Nodes: [2]string{"a", "0"}, G: g3}),
			x:          map[string]float64{"h": h, "a": gain * h, "A[0]": -ia},
			sources:    v * g1 * (v - h),
			controlled: gain*h*ia - h*ia/gain,
			dissipated: g1*(v-h)*(v-h) + g2*h*h + g3*gain*gain*h*h,
		},
	} {
		s, err := Compile(tc.c)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, s.Size())
		for name, val := range tc.x {
			x[s.Unknown(name)] = val
		}
		p := s.Power(x)
		close := func(got, want float64) bool { return math.Abs(got-want) <= 1e-12*math.Abs(want)+1e-18 }
		if !close(p.Sources, tc.sources) || !close(p.Controlled, tc.controlled) || !close(p.Total(), tc.dissipated) {
			t.Errorf("%s: power %+v, total %g W; want sources %g W, controlled %g W, total (dissipated) %g W",
				tc.name, p, p.Total(), tc.sources, tc.controlled, tc.dissipated)
		}
	}
}

func circ(e ...circuit.Element) *circuit.Circuit {
	c := &circuit.Circuit{}
	c.Add(e...)
	return c
}

// TestSourcePowerLayering checks the affine form of Layering.SourcePowerTo
// against System.Power's Sources at random states of random layered
// networks, which need not be equilibria: both count the same currents.
func TestSourcePowerLayering(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 11))
		s, l := layering(t, layeredCircuit(rng, 1+rng.IntN(3), seed%2 == 1), "layering")
		w, wj := make([]float64, s.NumFree()), make([]float64, len(l.Junctions))
		// Trial 0 finds no product of PinnedTo, trial 1 one for the
		// present inputs, trial 2 one for inputs since changed.
		for trial := range 3 {
			x := randX(rng, s)
			if trial > 0 {
				l.PinnedTo(make([]float64, s.NumFree()), make([]float64, len(l.Junctions)))
			}
			if trial == 2 {
				in := s.Circuit().Element("in").(*circuit.Input)
				in.Values[0] += 0.25
			}
			k := l.SourcePowerTo(w, wj)
			p := k
			for u, wu := range w {
				p += wu * x[u]
			}
			for j := range l.Junctions {
				jn := &l.Junctions[j]
				vd := x[jn.Node] - l.PinnedVoltage(jn.pin)
				if !jn.Anode {
					vd = -vd
				}
				i, _ := jn.Eval(vd)
				p += wj[j] * i
			}
			want := s.Power(x).Sources
			if math.Abs(p-want) > 1e-12*math.Abs(want)+1e-18 {
				t.Errorf("seed %d trial %d: affine form %.15g W, System.Power %.15g W", seed, trial, p, want)
			}
		}
	}
}

// TestCapacitances checks the sparse capacitances against
// CapacitanceMatrixTo on random circuits.
func TestCapacitances(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 12))
		// Capacitors from a free node to a pinned one, between pinned
		// nodes and with both ends on one node.
		var c *circuit.Circuit
		rails := [2]string{"bias+", "bias-"}
		if seed%2 == 0 {
			c = randomCircuit(rng, seed%4 == 0, circuittest.Nonideal{})
		} else {
			c = layeredCircuit(rng, 2, true)
			rails = [2]string{"vhi", "vlo"}
		}
		h := circuittest.LayerGroup(c, "h", 1)
		c.Add(&circuit.Capacitor{Name: "Cpin", Nodes: [2]string{rails[0], h.Node(0)}, C: 3e-13},
			&circuit.Capacitor{Name: "Cpp", Nodes: [2]string{rails[0], rails[1]}, C: 1e-12},
			&circuit.Capacitor{Name: "Cself", Nodes: [2]string{h.Node(h.Size - 1), h.Node(h.Size - 1)}, C: 1e-12})
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		n := s.Size()
		want := mat.NewDense(n, n, nil)
		s.CapacitanceMatrixTo(want)
		got := mat.NewDense(n, n, nil)
		for _, cp := range s.Capacitances() {
			got.Set(cp.I, cp.I, got.At(cp.I, cp.I)+cp.C)
			if cp.J >= 0 {
				got.Set(cp.J, cp.J, got.At(cp.J, cp.J)+cp.C)
				got.Set(cp.I, cp.J, got.At(cp.I, cp.J)-cp.C)
				got.Set(cp.J, cp.I, got.At(cp.J, cp.I)-cp.C)
			} else if cp.Fixed != 0 && !s.IsPinned(cp.Fixed) {
				t.Errorf("seed %d: %s fixed at free node %d", seed, cp.Name, cp.Fixed)
			}
			if cp.Name == "Cpp" || cp.Name == "Cself" {
				t.Errorf("seed %d: %s listed", seed, cp.Name)
			}
		}
		if !mat.EqualApprox(got, want, 1e-25) {
			t.Errorf("seed %d: capacitances\n%v\nwant\n%v", seed, mat.Formatted(got), mat.Formatted(want))
		}
	}
}
