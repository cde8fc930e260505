package native

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/solver"

	"github.com/eqsim/eqsim/eqprop"
)

// TestNativeLargeWired checks that a network too large for the dense
// Jacobian (here a 46×46 crossbar with wire resistance: 4232 internal
// nodes) is accepted and relaxes: the current the inputs drive into the
// row wires equals the current the loads take from the outputs, both
// recomputed from the element list.
func TestNativeLargeWired(t *testing.T) {
	const n = 46
	x := circuit.Group{Name: "x", Size: n}
	y := circuit.Group{Name: "y", Size: n}
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, 1e-6*float64(1+(i*7+j*3)%5))
		}
	}
	w := &circuit.Crossbar{Name: "W", From: x.Nodes(), To: y.Nodes(), G: g, Trainable: true, WireR: 10}
	c := &circuit.Circuit{Groups: []circuit.Group{x, y}}
	in := make([]float64, n)
	for i := range in {
		in[i] = float64(i%3) - 0.5
	}
	c.Add(&circuit.Input{Name: "in", Nodes: x.Nodes(), Amplitude: 1, Values: make([]float64, n)}, w)
	for _, nm := range y.Nodes() {
		c.Add(&circuit.Resistor{Name: "R" + nm, Nodes: [2]string{nm, "0"}, G: 1e-5})
	}
	if 2*n*n <= solver.DefaultMaxSize {
		t.Fatal("the network is not too large for the dense Jacobian")
	}
	nat, err := New(c, Config{Input: "in", Outputs: []string{"y[0]"}, Nudge: eqprop.NudgeCurrent})
	if err != nil {
		t.Fatal(err)
	}
	nat.SetInput(in)
	if err := nat.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		t.Fatal(err)
	}
	sys, xs := nat.System()
	v := sys.VoltagesTo(nil, xs)
	at := func(name string) float64 { i, _ := sys.NodeIndex(name); return v[i] }
	var driven, taken, scale float64
	for i, nm := range x.Nodes() {
		d := (at(nm) - at(w.RowNode(i, 0))) / w.WireR
		driven += d
		scale += math.Abs(d)
	}
	for _, nm := range y.Nodes() {
		taken += 1e-5 * at(nm)
	}
	if math.Abs(driven-taken) > 1e-9*scale {
		t.Errorf("inputs drive %g A, loads take %g A", driven, taken)
	}
}

// wiredNet returns a crossbar W of 300-ohm wires from the 3 nodes of input
// "in" (features vals) to outputs y[0] and y[1], then the extra elements,
// then a 100 µS load from each output to ground; and its Config (current
// nudge).
func wiredNet(vals []float64, extra ...circuit.Element) (*circuit.Circuit, Config) {
	x := circuit.Group{Name: "x", Size: 3}
	y := circuit.Group{Name: "y", Size: 2}
	g := mat.NewDense(3, 2, []float64{1e-4, 2e-4, 3e-4, 1e-4, 2e-4, 3e-4})
	c := &circuit.Circuit{Groups: []circuit.Group{x, y}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Amplitude: 1, Values: vals},
		&circuit.Crossbar{Name: "W", From: x.Nodes(), To: y.Nodes(), G: g, Trainable: true, WireR: 300},
	)
	c.Add(extra...)
	c.Add(
		&circuit.Resistor{Name: "R0", Nodes: [2]string{"y[0]", "0"}, G: 1e-4},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"y[1]", "0"}, G: 1e-4},
	)
	return c, Config{Input: "in", Outputs: y.Nodes(), Nudge: eqprop.NudgeCurrent}
}

// TestNativeWiredMeasuresPeriphery checks that the trainer's measurements
// of a crossbar with wire resistance are its periphery voltages, From and
// To, as hardware measures them, and that its relaxation (dense Newton)
// solves the wired circuit.
func TestNativeWiredMeasuresPeriphery(t *testing.T) {
	c, nc := wiredNet([]float64{0.2, -0.5, 0.9})
	n, err := New(c, nc)
	if err != nil {
		t.Fatal(err)
	}
	n.SetInput([]float64{0.2, -0.5, 0.9})
	if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		t.Fatal(err)
	}
	m := eqprop.NewMeasurement(n.Blocks(), n.Outputs())
	n.Measure(m)
	sys, xs := n.System()
	ref, err := solver.Newton(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := sys.VoltagesTo(nil, ref.X)
	at := func(name string) float64 { i, _ := sys.NodeIndex(name); return v[i] }
	for i, nm := range c.Element("in").(*circuit.Input).Nodes {
		if m.A[0][i] != at(nm) {
			t.Errorf("A[%d] = %g V, want V(%s) = %g V", i, m.A[0][i], nm, at(nm))
		}
	}
	for j, nm := range nc.Outputs {
		if d := m.B[0][j] - at(nm); d > 1e-12 || d < -1e-12 {
			t.Errorf("B[%d] = %g V, want V(%s) = %g V", j, m.B[0][j], nm, at(nm))
		}
	}
	// The cells see less than the periphery says.
	cell := mat.NewDense(3, 2, nil)
	sys.CrossbarCellDropsTo(cell, "W", xs)
	if d := cell.At(2, 0); !(d < m.A[0][2]-m.B[0][0]) {
		t.Errorf("cell drop %g V not below the periphery's %g V", d, m.A[0][2]-m.B[0][0])
	}
}

// TestExactGradientWired checks the adjoint gradient of a crossbar with
// wire resistance against finite differences: its devices sit between
// the wires' internal nodes, not between the periphery nodes.
func TestExactGradientWired(t *testing.T) {
	c, nc := wiredNet(make([]float64, 3),
		&circuit.Rectifier{Name: "D", Nodes: []string{"y[0]", "y[1]"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}, High: "vh", Low: "0"},
		&circuit.VSource{Name: "VH", Nodes: [2]string{"vh", "0"}, V: 0.3},
	)
	n := mustNew(t, c, nc)
	in, target := []float64{0.9, -0.5, 0.7}, []float64{0.1, 0.05}
	exact, err := ExactGradient(n, in, target)
	if err != nil {
		t.Fatal(err)
	}
	var params []Param
	for i := range 6 {
		params = append(params, Param{0, i})
	}
	fdg, err := FiniteDifferenceGradient(n, in, target, params)
	if err != nil {
		t.Fatal(err)
	}
	if cos, rel := compare(exact[0], fdg); rel > 1e-6 {
		t.Errorf("wired exact vs finite differences: cosine %.9f rel error %.3g\nexact %v\nfd    %v", cos, rel, exact[0], fdg)
	}
}

// TestNativeWiredPower checks the power of a network with a wired crossbar
// (W1 of a 16x8x2 KendallNetwork with 1 Ω segments, which the layered
// solver reduces onto its periphery and whose internal voltages a
// relaxation leaves out) against conservation of energy: what its sources
// and amplifiers deliver is what its resistors (cells and wire segments)
// and diodes dissipate, the sum over every part of G·ΔV² and I·V at the
// equilibrium Newton's method finds for the whole circuit, internal
// nodes included.
func TestNativeWiredPower(t *testing.T) {
	c, cfg := kendall(8, 8, 2, 1)
	w1 := c.Element("W1").(*circuit.Crossbar)
	w1.WireR = 1
	n := mustNew(t, c, cfg)
	if l, why := n.free.dc.Layered(); l == nil {
		t.Fatalf("not solved by the layered solver: %v", why)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	in := make([]float64, 8)
	for s := range 3 {
		circuittest.KendallSample(rng, in)
		n.Reset()
		n.SetInput(in)
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		got := n.PowerParts()
		sys, _ := n.System()
		ref, err := solver.Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := sys.VoltagesTo(nil, ref.X)
		at := func(name string) float64 {
			i, ok := sys.NodeIndex(name)
			if !ok {
				t.Fatalf("no node %s", name)
			}
			return v[i]
		}
		want, scale, err := circuittest.Dissipated(c, at)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(got.Total() - want); !(d <= 1e-9*scale) {
			t.Errorf("sample %d: power %g W (sources %g W, amplifiers %g W), dissipated %g W", s, got.Total(), got.Sources, got.Controlled, want)
		}
	}
}

// TestTrainWiredLikeIdeal checks the training of networks whose crossbars
// have wire resistance, which the layered solver reduces onto their
// periphery (a reduction that every programmed update must refresh, in
// every replica, for the trainer to see its own updates): with wire
// segments of wireR ohms, negligible against cells of 1-10 µS, a 32x8x3
// network and its copy without wires (30x8x3) must train alike, epoch by epoch,
// and the training must lower the loss.
func TestTrainWiredLikeIdeal(t *testing.T) {
	const wireR = 1e-3 // the wires change voltages by some 1e-7 relative
	// A task a network can learn: the class is the third of the
	// features with the most ink.
	set := randomSet(30, 15, 3, 5)
	for i := range set.Labels {
		best := -1.0
		for c := range 3 {
			var ink float64
			for _, v := range set.X[i*15+5*c : i*15+5*c+5] {
				ink += v
			}
			if ink > best {
				best, set.Labels[i] = ink, c
			}
		}
	}
	var stats [2][]eqprop.EpochStats
	var final [2][][]float64
	for k, wr := range []float64{0, wireR} {
		c, cfg := layeredNet(15, 8, 3, 4, 3)
		for _, name := range []string{"W1", "W2"} {
			c.Element(name).(*circuit.Crossbar).WireR = wr
		}
		n := mustNew(t, c, cfg)
		if l, why := n.free.dc.Layered(); l == nil {
			t.Fatalf("wire_r %g: not layered: %v", wr, why)
		}
		tr, st := train(t, n, eqprop.Config{BatchSize: 6, LearningRate: 2e-9, Readout: eqprop.Readout{High: 0.2, Low: -0.2}, Seed: 2, Workers: 2}, set, 10)
		stats[k], final[k] = st, tr.State().Conductances
	}
	for e := range stats[0] {
		a, b := stats[0][e].TrainLoss, stats[1][e].TrainLoss
		if math.Abs(a-b) > 1e-5*a {
			t.Errorf("epoch %d: training loss %g without wires, %g with", e+1, a, b)
		}
	}
	if first, last := stats[1][0].TrainLoss, stats[1][len(stats[1])-1].TrainLoss; !(last < 0.9*first) {
		t.Errorf("wired training loss %g after the first epoch, %g after the last: not learning", first, last)
	}
	for k := range final[0] {
		gmax := floats.Max(final[0][k])
		for i, g := range final[0][k] {
			if d := math.Abs(final[1][k][i] - g); d > 1e-4*gmax {
				t.Fatalf("block %d entry %d: %g S with wires, %g S without", k, i, final[1][k][i], g)
			}
		}
	}
}
