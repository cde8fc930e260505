package mna

import (
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// TestLayeringLaterals checks that crossbars within a block (a group to
// itself, and between two groups a link puts in one block) are laterals,
// not chain edges, and that Conductance sums them without the diagonal of
// a crossbar from a group to itself.
func TestLayeringLaterals(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	c := &circuit.Circuit{}
	c.Add(
		&circuit.Input{Name: "in", Nodes: []string{"x0", "x1"}, Amplitude: 1, Values: []float64{0.2, 0.4}},
		&circuit.Crossbar{Name: "W1", From: []string{"x0", "x1"}, To: []string{"h0", "h1"}, G: randMat(rng, 2, 2)},
		&circuit.Crossbar{Name: "W2", From: []string{"h0", "h1"}, To: []string{"y0"}, G: randMat(rng, 2, 1)},
		&circuit.Crossbar{Name: "L", From: []string{"h0", "h1"}, To: []string{"h0", "h1"}, G: randMat(rng, 2, 2)},
		&circuit.Crossbar{Name: "M", From: []string{"h1"}, To: []string{"h0"}, G: randMat(rng, 1, 1)},
	)
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Layering()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Links) != 1 || l.Links[0].Name != "W2" || len(l.Laterals) != 2 || len(l.Chains) != 1 || len(l.Chains[0]) != 2 {
		t.Fatalf("links %d, laterals %d, chains %v", len(l.Links), len(l.Laterals), l.Chains)
	}
	// The conductance at h0: W1's column, W2's row, L's off-diagonal row
	// and column entries, M.
	gl := c.Element("L").(*circuit.Crossbar).G
	want := c.Element("W1").(*circuit.Crossbar).G.At(0, 0) + c.Element("W1").(*circuit.Crossbar).G.At(1, 0) +
		c.Element("W2").(*circuit.Crossbar).G.At(0, 0) + gl.At(0, 1) + gl.At(1, 0) + c.Element("M").(*circuit.Crossbar).G.At(0, 0)
	h0 := s.Unknown("h0")
	if got := l.Conductance()[h0]; got != want && (got-want)/want > 1e-15 {
		t.Errorf("conductance at h0 %g S, want %g S", got, want)
	}
}

// TestLayeringWired checks that a network with wired crossbars is layered:
// the internal nodes are in no block, the sides of a wired crossbar
// between free groups are neighbours in the chain, and a wired crossbar
// from the inputs is no chain edge.
func TestLayeringWired(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	c := &circuit.Circuit{}
	c.Add(
		&circuit.Input{Name: "in", Nodes: []string{"x0", "x1", "x2"}, Amplitude: 1, Values: []float64{0.2, 0.4, 0.1}},
		&circuit.Crossbar{Name: "W1", From: []string{"x0", "x1", "x2"}, To: []string{"h0", "h1"}, G: randMat(rng, 3, 2), WireR: 10},
		&circuit.Crossbar{Name: "W2", From: []string{"h0", "h1"}, To: []string{"y0", "y1"}, G: randMat(rng, 2, 2), WireR: 5},
		&circuit.Resistor{Name: "R", Nodes: [2]string{"y0", "0"}, G: 1e-4},
	)
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Layering()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Wired) != 2 || len(l.Links) != 0 || len(l.Chains) != 1 || len(l.Chains[0]) != 2 {
		t.Fatalf("wired %d, links %d, chains %v", len(l.Wired), len(l.Links), l.Chains)
	}
	if l.Wired[0].From != nil || len(l.Wired[0].To) != 2 || len(l.Wired[1].From) != 2 {
		t.Errorf("sides: W1 from %v to %v, W2 from %v", l.Wired[0].From, l.Wired[0].To, l.Wired[1].From)
	}
	internal := 0
	for u, in := range l.Internal {
		if in {
			internal++
			if l.BlockOf[u] >= 0 {
				t.Errorf("internal node %s in block %d", l.NodeName(u), l.BlockOf[u])
			}
		}
	}
	if internal != 2*(3*2+2*2) {
		t.Errorf("%d internal nodes, want %d", internal, 2*(3*2+2*2))
	}
	n := 0
	l.Wired[0].Conductances(func(a, b int, g float64) { n++ })
	if n != 3*2+3*2+3*2 { // row segments, column segments, cells
		t.Errorf("W1: %d conductances, want 18", n)
	}
}
