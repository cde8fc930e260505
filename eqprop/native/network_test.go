package native

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/floats"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/solver"

	"github.com/eqsim/eqsim/eqprop"
)

// randomInput returns n features uniform in [0, 1].
func randomInput(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.Float64()
	}
	return x
}

func TestNativeScales(t *testing.T) {
	for _, tc := range []struct {
		name string
		gain float64
		want []float64
	}{
		{"amplifier", 4, []float64{16, 1}},
		{"gain 2.5", 2.5, []float64{6.25, 1}},
		{"no amplifier", 0, []float64{1, 1}},
	} {
		c, nc := layeredNet(3, 4, 2, tc.gain, 1)
		n := mustNew(t, c, nc)
		for k, b := range n.Blocks() {
			if b.Scale != tc.want[k] {
				t.Errorf("%s: block %s: Scale %g, want %g", tc.name, b.Name, b.Scale, tc.want[k])
			}
		}
	}
}

// TestNativePhases checks each phase against what it must do to the
// outputs: the free phase solves the circuit (compared with Newton on the
// same circuit), the current nudge injects beta*(y - V_out(free)), the
// conductance nudge joins each output to y through beta, clamped phases
// hold the outputs at y or V_out + eta*(y - V_out).
func TestNativePhases(t *testing.T) {
	for _, nk := range []eqprop.NudgeKind{eqprop.NudgeCurrent, eqprop.NudgeConductance} {
		c, nc := layeredNet(3, 5, 2, 4, 2)
		nc.Nudge = nk
		n := mustNew(t, c, nc)
		x := randomInput(3, 1)
		y := []float64{0.3, -0.2}
		n.SetInput(x)
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		free := eqprop.NewMeasurement(n.Blocks(), 2)
		n.Measure(free)

		// Reference: Newton on a plain copy of the circuit.
		ref := *c
		ref.Elements = append([]circuit.Element(nil), c.Elements...)
		in := *c.Element("in").(*circuit.Input)
		in.Values = x
		ref.Elements[0] = &in
		sys, err := mna.Compile(&ref)
		if err != nil {
			t.Fatal(err)
		}
		res, err := solver.Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := sys.VoltagesTo(nil, res.X)
		for k, name := range nc.Outputs {
			i, _ := sys.NodeIndex(name)
			if math.Abs(v[i]-free.Outputs[k]) > 1e-9 {
				t.Errorf("%v: free output %d = %.12g, Newton %.12g", nk, k, free.Outputs[k], v[i])
			}
		}

		// The nudge's current into each output is the imbalance of the
		// other currents there: compare with the nudge law.
		const beta = 2e-7
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Nudged, Beta: beta, Target: y}); err != nil {
			t.Fatal(err)
		}
		nud := eqprop.NewMeasurement(n.Blocks(), 2)
		n.Measure(nud)
		w2 := c.Element("W2").(*circuit.Crossbar).G
		for k := range y {
			// Current leaving output k through W2 = current injected by the nudge.
			out := 0.0
			for i, a := range nud.A[1] {
				out += w2.At(i, k) * (nud.B[1][k] - a)
			}
			want := beta * (y[k] - free.Outputs[k])
			if nk == eqprop.NudgeConductance {
				want = beta * (y[k] - nud.Outputs[k])
			}
			if math.Abs(out-want) > 1e-9*math.Abs(want)+1e-18 {
				t.Errorf("%v: nudge current at output %d: %g A, want %g A", nk, k, out, want)
			}
		}

		for _, p := range []eqprop.Phase{{Kind: eqprop.Clamped, Target: y}, {Kind: eqprop.Coupled, Eta: 0.25, Target: y}} {
			if err := n.Relax(p); err != nil {
				t.Fatal(err)
			}
			m := eqprop.NewMeasurement(n.Blocks(), 2)
			n.Measure(m)
			for k := range y {
				want := y[k]
				if p.Kind == eqprop.Coupled {
					want = free.Outputs[k] + p.Eta*(y[k]-free.Outputs[k])
				}
				if math.Abs(m.Outputs[k]-want) > 1e-12 {
					t.Errorf("%v %v: output %d = %g, want %g", nk, p.Kind, k, m.Outputs[k], want)
				}
			}
		}
		// After clamping, a free phase again gives the free equilibrium.
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		again := eqprop.NewMeasurement(n.Blocks(), 2)
		n.Measure(again)
		if !floats.EqualApprox(again.Outputs, free.Outputs, 1e-9) {
			t.Errorf("%v: free outputs after clamping %v, before %v", nk, again.Outputs, free.Outputs)
		}
	}
}

// TestNativeReset checks that after Reset a relaxation does not depend on
// what was relaxed before, bit for bit, while without it the warm start
// may leave differences at the solver's tolerance.
func TestNativeReset(t *testing.T) {
	c, nc := kendall(50, 20, 10, 3)
	n := mustNew(t, c, nc)
	x, other := randomInput(50, 1), randomInput(50, 2)
	y := make([]float64, 10)
	y[3] = 0.2
	measure := func() []float64 {
		n.Reset()
		n.SetInput(x)
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: y}); err != nil {
			t.Fatal(err)
		}
		m := eqprop.NewMeasurement(n.Blocks(), 10)
		n.Measure(m)
		return append(append([]float64(nil), m.Outputs...), m.B[0]...)
	}
	first := measure()
	n.SetInput(other)
	if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		t.Fatal(err)
	}
	if got := measure(); !floats.Equal(got, first) {
		t.Errorf("after Reset the equilibrium depends on the previous sample")
	}
}

// TestNativeSharedConductances checks that Program reaches every replica.
func TestNativeSharedConductances(t *testing.T) {
	c, nc := layeredNet(3, 4, 2, 4, 1)
	n := mustNew(t, c, nc)
	r, err := n.Clone()
	if err != nil {
		t.Fatal(err)
	}
	x := randomInput(3, 1)
	out := func(p eqprop.Physical) []float64 {
		p.(eqprop.Resetter).Reset()
		p.SetInput(x)
		if err := p.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		m := eqprop.NewMeasurement(p.Blocks(), 2)
		p.Measure(m)
		return m.Outputs
	}
	before := out(r)
	g := make([]float64, 4*2)
	n.ConductancesTo(g, 1)
	for i := range g {
		g[i] *= 1 + float64(i%3)
	}
	n.Program(1, g)
	got := make([]float64, len(g))
	r.ConductancesTo(got, 1)
	if !floats.Equal(got, g) {
		t.Fatalf("clone reads %v, programmed %v", got, g)
	}
	after, orig := out(r), out(n)
	if floats.EqualApprox(after, before, 1e-6) {
		t.Errorf("clone's outputs did not change after Program")
	}
	if !floats.Equal(after, orig) {
		t.Errorf("clone's outputs %v differ from the original's %v", after, orig)
	}
}

// The second phase of a centered pair starts from the first one mirrored
// about the free equilibrium, x(-beta) = 2x(0) - x(beta) + O(beta^2): it
// takes fewer iterations than the first, which starts from the free
// equilibrium, and finds the equilibrium a start from there finds.
func TestNativeMirroredStart(t *testing.T) {
	for _, gs := range []bool{false, true} {
		n, _ := smallKendall(t)
		if gs {
			n = deepNative(t)
		}
		x := make([]float64, len(n.input.Values))
		for i := range x {
			x[i] = float64(i%7) / 7
		}
		y := make([]float64, len(n.cfg.Outputs))
		y[0] = 0.1
		n.SetInput(x)
		for _, p := range []eqprop.Phase{{Kind: eqprop.Free}, {Kind: eqprop.Nudged, Beta: 1e-6, Target: y}} {
			if err := n.Relax(p); err != nil {
				t.Fatal(err)
			}
		}
		first := n.free.iters
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Nudged, Beta: -1e-6, Target: y}); err != nil {
			t.Fatal(err)
		}
		second := n.free.iters
		mirrored := append([]float64(nil), n.free.x...)
		// From the free equilibrium.
		for _, p := range []eqprop.Phase{{Kind: eqprop.Free}, {Kind: eqprop.Nudged, Beta: -1e-6, Target: y}} {
			if err := n.Relax(p); err != nil {
				t.Fatal(err)
			}
		}
		if second >= first || n.free.iters < first {
			t.Errorf("gauss-seidel %t: %d iterations for +beta, %d for -beta mirrored, %d for -beta from the free equilibrium", gs, first, second, n.free.iters)
		}
		for i, v := range n.free.x {
			if math.Abs(v-mirrored[i]) > 1e-9 {
				t.Errorf("gauss-seidel %t: unknown %d at %g from the mirrored start, %g from the free equilibrium", gs, i, mirrored[i], v)
			}
		}
		t.Logf("gauss-seidel %t: %d, %d mirrored, %d unmirrored", gs, first, second, n.free.iters)
	}
}

// deepNative returns a Network of circuittest.Layered's network with two
// hidden layers of 128 and 64 nodes behind amplifiers of gain 4, wide
// enough that the layered solver sweeps it by Gauss-Seidel.
func deepNative(t *testing.T) *Network {
	c := circuittest.Layered(rand.New(rand.NewPCG(5, 7)), circuittest.LayeredOptions{
		Features: 40, Hidden: []int{128, 64}, Outputs: 4, Gains: []float64{4, 4},
		High: -0.45, Low: 0.45, GMin: 1e-6, GMax: 1e-5,
	})
	return mustNew(t, c, config(c))
}
