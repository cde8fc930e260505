package mna

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"

	"gonum.org/v1/gonum/mat"
)

// layeredCircuit draws a random layered network (circuittest.Layered with
// circuittest.RandomLayered's options) and adds elements that a layered
// network may carry besides: capacitors from an input to ground and
// between hidden nodes, a resistor between pinned nodes only, a crossbar
// from pinned nodes (out of order, and ground) into the first hidden
// group, a current source from it to the outputs and, with amps, a diode
// and a resistor on a node the last amplifier drives.
func layeredCircuit(rng *rand.Rand, hidden int, amps bool) *circuit.Circuit {
	c := circuittest.Layered(rng, circuittest.RandomLayered(rng, hidden, amps))
	h := circuittest.LayerGroup(c, "h", 1)
	g := mat.NewDense(3, h.Size, nil)
	for i := range 3 {
		for j := range h.Size {
			g.Set(i, j, 1e-5*rng.Float64())
		}
	}
	c.Add(
		&circuit.Capacitor{Name: "Cx", Nodes: [2]string{"x[0]", "0"}, C: 1e-12},
		&circuit.Capacitor{Name: "Ch", Nodes: [2]string{h.Node(0), h.Node(h.Size - 1)}, C: 1e-12},
		&circuit.Resistor{Name: "Rpp", Nodes: [2]string{"b[1]", "vhi"}, G: 1e-3},
		&circuit.Crossbar{Name: "WB", From: []string{"b[1]", "0", "b[0]"}, To: h.Nodes(), G: g},
		&circuit.ISource{Name: "Ihy", Nodes: [2]string{h.Node(0), "y[0]"}, I: 1e-7},
	)
	if amps {
		// A driven node may carry loads of its own.
		a := circuittest.LayerGroup(c, "a", hidden)
		c.Add(&circuit.Diode{Name: "DA", Nodes: [2]string{a.Node(0), "vlo"}, Model: circuittest.KendallDiode},
			&circuit.Resistor{Name: "RA", Nodes: [2]string{"b[1]", a.Node(0)}, G: 2e-6})
	}
	return c
}

// layering compiles c and returns its System and Layering, failing the
// test if either fails.
func layering(t *testing.T, c *circuit.Circuit, what string) (*System, *Layering) {
	t.Helper()
	s, err := Compile(c)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	l, err := s.Layering()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return s, l
}

func TestKendallNetworkLayering(t *testing.T) {
	const features, hidden, outputs = 6, 5, 3
	c := circuittest.KendallNetwork(features, hidden, outputs, 7)
	s, l := layering(t, c, "layering")
	if len(l.Blocks) != 2 || len(l.Chains) != 1 || len(l.Chains[0]) != 2 || len(l.Links) != 1 {
		t.Fatalf("blocks %v chains %v links %d, want 2 blocks in one chain, one link", l.Blocks, l.Chains, len(l.Links))
	}
	if len(l.Junctions) != 2*hidden {
		t.Errorf("%d junctions, want %d", len(l.Junctions), 2*hidden)
	}
	for i := range hidden {
		a, h := s.Unknown(fmt.Sprintf("a[%d]", i)), s.Unknown(fmt.Sprintf("h[%d]", i))
		if l.Owner[a] != h || l.Gain[a] != circuittest.KendallGain || l.Branch[a] != s.Unknown(fmt.Sprintf("A[%d]", i)) {
			t.Errorf("a[%d]: owner %d gain %g branch %d, want %d %g %d", i, l.Owner[a], l.Gain[a], l.Branch[a], h, circuittest.KendallGain, s.Unknown(fmt.Sprintf("A[%d]", i)))
		}
		if l.Owner[h] != h || l.Gain[h] != 1 || l.Branch[h] != -1 {
			t.Errorf("h[%d] is not its own owner", i)
		}
	}
	// The same seed gives the same network, another seed another.
	w := c.Element("W1").(*circuit.Crossbar).G
	if !mat.Equal(w, circuittest.KendallNetwork(features, hidden, outputs, 7).Element("W1").(*circuit.Crossbar).G) {
		t.Error("circuittest.KendallNetwork is not deterministic")
	}
	if mat.Equal(w, circuittest.KendallNetwork(features, hidden, outputs, 8).Element("W1").(*circuit.Crossbar).G) {
		t.Error("circuittest.KendallNetwork ignores its seed")
	}
	for _, v := range w.RawMatrix().Data {
		if v < circuittest.KendallGMin || v > circuittest.KendallGMax {
			t.Fatalf("conductance %g outside [%g, %g]", v, circuittest.KendallGMin, circuittest.KendallGMax)
		}
	}
}

// TestLayeringCurrents rebuilds the KCL residual of random layered
// networks at random points from what the Layering describes, and compares
// it with System.Eval.
func TestLayeringCurrents(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 11))
		c := layeredCircuit(rng, 1+int(seed%3), seed%2 == 1)
		s, l := layering(t, c, fmt.Sprint("seed ", seed))
		checkLayeringCurrents(t, rng, s, l, fmt.Sprint("seed ", seed))
		// Changed weights and sources are seen after Refresh.
		for _, e := range c.Elements {
			switch e := e.(type) {
			case *circuit.Crossbar:
				e.G.Scale(1+rng.Float64(), e.G)
			case *circuit.Resistor:
				e.G *= 3
			case *circuit.Input:
				e.Values[0] = rng.Float64()
			case *circuit.VSource:
				e.V += 0.1
			}
		}
		l.Refresh()
		s.UpdatePins()
		checkLayeringCurrents(t, rng, s, l, fmt.Sprint("seed ", seed, " changed"))
	}
}

func checkLayeringCurrents(t *testing.T, rng *rand.Rand, s *System, l *Layering, what string) {
	t.Helper()
	nf, n := s.NumFree(), s.Size()
	if nf != len(l.Owner) {
		t.Fatalf("%s: %d owners for %d free nodes", what, len(l.Owner), nf)
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = 1e-5 * (rng.Float64() - 0.5)
	}
	for u := range nf {
		if l.Owner[u] == u {
			x[u] = rng.Float64() - 0.5
		}
	}
	for u := range nf {
		x[u] = l.Gain[u] * x[l.Owner[u]]
	}
	cur, vj := make([]float64, nf), make([]float64, len(l.Junctions))
	l.PinnedTo(cur, vj)
	raw := make([]float64, nf)
	for u, g := range l.Conductance() {
		raw[u] = g*x[u] + cur[u]
	}
	for _, k := range l.Links {
		for i, p := range k.From {
			for j, q := range k.To {
				g := k.G.At(i, j)
				raw[p] -= g * x[q]
				raw[q] -= g * x[p]
			}
		}
	}
	for k, j := range l.Junctions {
		if j.Anode {
			i, _ := j.Eval(x[j.Node] - vj[k])
			raw[j.Node] += i
		} else {
			i, _ := j.Eval(vj[k] - x[j.Node])
			raw[j.Node] -= i
		}
	}
	// The amplifier channels: +x[branch] at the driven node, -x/gain at
	// its owner.
	for u, br := range l.Branch {
		if br >= 0 {
			raw[u] += x[br]
			raw[l.Owner[u]] -= x[br] / l.Gain[u]
		}
	}
	f := make([]float64, n)
	s.Eval(f, nil, x, nil)
	for u := range nf {
		if math.Abs(f[u]-raw[u]) > 1e-12*math.Abs(f[u])+1e-17 {
			t.Errorf("%s: node %s: Eval %g, from the layering %g", what, l.NodeName(u), f[u], raw[u])
		}
	}
	for u := range nf {
		if br := l.Branch[u]; br >= 0 && math.Abs(f[br]) > 1e-15 {
			t.Errorf("%s: amplifier equation of %s violated: %g V", what, l.NodeName(u), f[br])
		}
	}
}

func TestLayeringStructure(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 12))
		hidden := 1 + int(seed%4)
		s, l := layering(t, layeredCircuit(rng, hidden, seed%2 == 0), fmt.Sprint("seed ", seed))
		// hidden groups and the output group in one chain, and the loose
		// block of nothing: every free node is linked.
		if len(l.Chains) != 1 || len(l.Chains[0]) != hidden+1 {
			t.Errorf("seed %d: chains %v, want one of %d blocks", seed, l.Chains, hidden+1)
		}
		seen := map[int]bool{}
		for b, nodes := range l.Blocks {
			for p, u := range nodes {
				if seen[u] || l.Owner[u] != u || l.BlockOf[u] != b || l.Pos[u] != p {
					t.Fatalf("seed %d: node %s misplaced", seed, l.NodeName(u))
				}
				seen[u] = true
			}
		}
		for u := range s.NumFree() {
			if l.Owner[u] == u && !seen[u] {
				t.Errorf("seed %d: node %s in no block", seed, l.NodeName(u))
			}
		}
		// Chain neighbours are exactly the linked blocks.
		pos := map[int]int{}
		for k, b := range l.Chains[0] {
			pos[b] = k
		}
		for _, k := range l.Links {
			d := pos[l.BlockOf[k.From[0]]] - pos[l.BlockOf[k.To[0]]]
			if d != 1 && d != -1 {
				t.Errorf("seed %d: link %s joins blocks %d apart in the chain", seed, k.Name, d)
			}
		}
	}
}

func TestLayeringRejects(t *testing.T) {
	g := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, 1e-5)
			}
		}
		return m
	}
	base := func() []circuit.Element {
		return []circuit.Element{
			&circuit.Input{Name: "in", Nodes: []string{"x0", "x1"}, Amplitude: 1, Values: []float64{0.2, 0.4}},
			&circuit.Crossbar{Name: "W1", From: []string{"x0", "x1"}, To: []string{"h0", "h1"}, G: g(2, 2)},
			&circuit.Crossbar{Name: "W2", From: []string{"h0", "h1"}, To: []string{"y0"}, G: g(2, 1)},
		}
	}
	for _, tc := range []struct {
		name string
		els  []circuit.Element
		want string
	}{
		{"resistor", []circuit.Element{&circuit.Resistor{Name: "R", Nodes: [2]string{"h0", "y0"}, G: 1}}, `"R": not a layered network: resistor between free nodes outside a crossbar: h0, y0`},
		{"vcvs", []circuit.Element{&circuit.VCVS{Name: "E", Nodes: [2]string{"e", "0"}, Control: [2]string{"h0", "0"}, Gain: 2}, &circuit.Resistor{Name: "Re", Nodes: [2]string{"e", "0"}, G: 1}}, `"E": not a layered network: voltage-controlled voltage source`},
		{"cccs", []circuit.Element{&circuit.VSource{Name: "V", Nodes: [2]string{"p", "0"}, V: 1}, &circuit.Resistor{Name: "Rp", Nodes: [2]string{"p", "0"}, G: 1}, &circuit.CCCS{Name: "F", Nodes: [2]string{"y0", "0"}, Control: "V", Gain: 1}}, `"F": not a layered network: current-controlled current source`},
		{"floating source", []circuit.Element{&circuit.VSource{Name: "V", Nodes: [2]string{"y0", "h0"}, V: 1}}, `"V": not a layered network: floating voltage source`},
		{"diode", []circuit.Element{&circuit.Diode{Name: "D", Nodes: [2]string{"h0", "y0"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}}}, `"D": not a layered network: diode between free nodes: h0, y0`},
		{"free rail", []circuit.Element{&circuit.Rectifier{Name: "DR", Nodes: []string{"h0"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}, High: "y0", Low: "0"}}, `"DR": not a layered network: diode between free nodes: h0, y0`},
		{"mixed", []circuit.Element{&circuit.Crossbar{Name: "W3", From: []string{"x0", "y0"}, To: []string{"z0"}, G: g(2, 1)}}, `"W3": not a layered network: crossbar side From mixes pinned and free nodes`},
		{"loop", []circuit.Element{
			&circuit.Crossbar{Name: "W3", From: []string{"y0"}, To: []string{"z0"}, G: g(1, 1)},
			&circuit.Crossbar{Name: "W4", From: []string{"z0"}, To: []string{"h0", "h1"}, G: g(1, 2)},
		}, "not a layered network: crossbars join groups of free nodes in a loop"},
		{"branch", []circuit.Element{
			&circuit.Crossbar{Name: "W3", From: []string{"h0", "h1"}, To: []string{"z0"}, G: g(2, 1)},
			&circuit.Crossbar{Name: "W4", From: []string{"h0", "h1"}, To: []string{"u0"}, G: g(2, 1)},
		}, "not a layered network: a group of free nodes is coupled by crossbars to 3 other groups, not a chain: h0, h1"},
		{"pinned amplifier", []circuit.Element{&circuit.Amplifier{Name: "A", From: []string{"x0"}, To: []string{"a0"}, Gain: 2}, &circuit.Resistor{Name: "Ra", Nodes: [2]string{"a0", "0"}, G: 1}}, `"A": not a layered network: amplifier input is pinned: x0`},
		{"amplifier chain", []circuit.Element{
			&circuit.Amplifier{Name: "A", From: []string{"h0"}, To: []string{"a0"}, Gain: 2},
			&circuit.Amplifier{Name: "B", From: []string{"a0"}, To: []string{"b[0]"}, Gain: 2},
			&circuit.Resistor{Name: "Rb", Nodes: [2]string{"b[0]", "0"}, G: 1},
		}, "not a layered network: amplifier input driven by another amplifier: a0"},
	} {
		s, err := Compile(&circuit.Circuit{Elements: append(base(), tc.els...)})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		_, err = s.Layering()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	// The base network itself is layered.
	s, err := Compile(&circuit.Circuit{Elements: base()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Layering(); err != nil {
		t.Errorf("base network: %v", err)
	}
}

func TestPinnedVoltage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 13))
	c := layeredCircuit(rng, 1, false)
	s, l := layering(t, c, "layering")
	c.Element("VB0").(*circuit.VSource).V = 0.7
	for name, want := range map[string]float64{"0": 0, "b[0]": 0.7, "b[1]": -1.3, "vhi": c.Element("VHI").(*circuit.VSource).V} {
		i, _ := s.NodeIndex(name)
		if got := l.PinnedVoltage(i); math.Abs(got-want) > 1e-15 {
			t.Errorf("V(%s) = %g, want %g", name, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("PinnedVoltage of a free node did not panic")
		}
	}()
	i, _ := s.NodeIndex("y[0]")
	l.PinnedVoltage(i)
}

// TestPinnedToCachesInputs checks that the inputs are multiplied out once
// while neither they nor the conductances change, and that the currents
// follow a change of either exactly as a fresh layering computes them.
func TestPinnedToCachesInputs(t *testing.T) {
	c := circuittest.KendallNetwork(6, 5, 3, 7)
	s, l := layering(t, c, "layering")
	in := c.Element("in").(*circuit.Input)
	w := c.Element("W1").(*circuit.Crossbar).G
	cur, vj := make([]float64, s.NumFree()), make([]float64, len(l.Junctions))
	// fresh returns the currents of a layering made now.
	fresh := func() []float64 {
		s2, l2 := layering(t, c, "fresh")
		c2 := make([]float64, s2.NumFree())
		l2.PinnedTo(c2, make([]float64, len(l2.Junctions)))
		return c2
	}
	check := func(what string, products int) {
		t.Helper()
		l.PinnedTo(cur, vj)
		if l.products != products {
			t.Errorf("%s: %d products, want %d", what, l.products, products)
		}
		if want := fresh(); !slices.Equal(cur, want) {
			t.Errorf("%s: currents %v, want %v", what, cur, want)
		}
	}
	for k := range in.Values {
		in.Values[k] = 0.1 * float64(k+1)
	}
	check("first", 1)
	check("same inputs", 1)
	in.Values[2] = -0.7
	check("new input", 2)
	w.Set(1, 2, 3*w.At(1, 2))
	l.Refresh()
	check("new conductance", 3)
	check("same again", 3)
}

// TestPinnedToSparseInputs checks the currents of inputs that are mostly
// zero, which PinnedTo adds up row by row, against the sums they stand
// for.
func TestPinnedToSparseInputs(t *testing.T) {
	c := circuittest.KendallNetwork(50, 7, 3, 2)
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Layering()
	if err != nil {
		t.Fatal(err)
	}
	in := c.Element("in").(*circuit.Input)
	w := c.Element("W1").(*circuit.Crossbar)
	for k := range in.Values {
		in.Values[k] = 0
		if k%7 == 3 {
			in.Values[k] = 0.1 * float64(k)
		}
	}
	cur, vj := make([]float64, s.NumFree()), make([]float64, len(l.Junctions))
	l.PinnedTo(cur, vj)
	for j, node := range w.To {
		want := 0.0
		for i := range w.From {
			want -= w.G.At(i, j) * in.Voltage(i)
		}
		u := s.Unknown(node)
		if d := math.Abs(cur[u] - want); d > 1e-15*math.Abs(want) {
			t.Errorf("%s: %g A, want %g A", node, cur[u], want)
		}
	}
}
