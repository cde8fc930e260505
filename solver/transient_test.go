package solver

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/eqsim/eqsim/circuit"
)

// TestTransientAgreesWithNewton checks that the transient's steady state is
// Newton's equilibrium within 1e-9 V on every node of random circuits, and
// that KCL holds there.
func TestTransientAgreesWithNewton(t *testing.T) {
	var steps, worst int
	var maxDiff float64
	n := nRandom * 2 / 3
	for seed := range n {
		rng := rand.New(rand.NewPCG(seed, 3))
		c := randomCircuit(rng, seed%2 == 1)
		sys := compile(t, c)
		nr, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: newton: %v", seed, err)
		}
		tr, err := Transient(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: transient: %v", seed, err)
		}
		checkKCL(t, c, sys, tr.X, 1e-15, 1e-9)
		for i := range sys.NumFree() {
			d := math.Abs(tr.X[i] - nr.X[i])
			maxDiff = math.Max(maxDiff, d)
			if d > 1e-9 {
				t.Errorf("seed %d: %s: newton %.12g V, transient %.12g V", seed, sys.UnknownName(i), nr.X[i], tr.X[i])
			}
		}
		if sys.Size() > 0 && (tr.Steps <= 0 || tr.Time <= 0) || tr.SettlingTime > tr.Time || tr.Method != "transient" {
			t.Errorf("seed %d: %d steps to %g s, settled at %g s, method %s", seed, tr.Steps, tr.Time, tr.SettlingTime, tr.Method)
		}
		steps += tr.Steps
		worst = max(worst, tr.Steps)
	}
	t.Logf("largest difference %.3g V; %d steps on average, %d at most", maxDiff, steps/int(n), worst)
}

// TestTransientEnergy checks that the co-content does not increase along
// the transient of random circuits without controlled sources.
func TestTransientEnergy(t *testing.T) {
	for seed := range nRandom / 3 {
		rng := rand.New(rand.NewPCG(seed, 4))
		c := randomCircuit(rng, false)
		sys := compile(t, c)
		// A zero start violates the equation of a floating source, so the
		// energy before the first step is not comparable.
		floating := sys.Size() > sys.NumFree()
		var energies []float64
		var times []float64
		set := &TransientSettings{Observe: func(t float64, x []float64) {
			e, ok := sys.CoContent(x)
			if !ok {
				panic("no co-content")
			}
			energies = append(energies, e)
			times = append(times, t)
		}}
		r, err := Transient(sys, nil, set)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(energies) != r.Steps+1 || times[0] != 0 {
			t.Fatalf("seed %d: %d observations for %d steps", seed, len(energies), r.Steps)
		}
		first := 0
		if floating {
			first = 1
		}
		var scale float64
		for _, e := range energies {
			scale = math.Max(scale, math.Abs(e))
		}
		for k := first + 1; k < len(energies); k++ {
			if times[k] <= times[k-1] {
				t.Errorf("seed %d: time went from %g to %g", seed, times[k-1], times[k])
			}
			if energies[k] > energies[k-1]+1e-12*scale {
				t.Errorf("seed %d: step %d: energy rose from %.15g to %.15g W", seed, k, energies[k-1], energies[k])
			}
		}
		if energies[len(energies)-1] >= energies[first] && len(energies) > first+2 {
			// The start is not the equilibrium, so the energy must fall.
			if math.Abs(energies[first]-energies[len(energies)-1]) > 1e-9*scale {
				t.Errorf("seed %d: energy did not decrease: %g to %g", seed, energies[first], energies[len(energies)-1])
			}
		}
	}
}

// TestTransientRC checks the settling time of an RC stage against the
// closed form RC*ln(V/tol): within 10% with the default error tolerances,
// within 2% with tight ones (backward Euler lags the exponential by a
// little at every step).
func TestTransientRC(t *testing.T) {
	for _, tc := range []struct {
		g, c, v float64
		set     TransientSettings
		within  float64
	}{
		{1e-3, 1e-12, 1, TransientSettings{}, 0.1},   // tau 1 ns
		{1e-7, 1e-12, 2, TransientSettings{}, 0.1},   // tau 10 us
		{1e-5, 1e-11, 0.3, TransientSettings{}, 0.1}, // tau 1 us
		{1e-3, 1e-12, 1, TransientSettings{TrAbsTol: 1e-8, TrRelTol: 0.01}, 0.02},
	} {
		c := &circuit.Circuit{NodeCapacitance: tc.c}
		c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: tc.v},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: tc.g})
		sys := compile(t, c)
		r, err := Transient(sys, nil, &tc.set)
		if err != nil {
			t.Fatal(err)
		}
		tau := tc.c / tc.g
		want := tau * math.Log(tc.v/DefaultSettleTol)
		if math.Abs(r.SettlingTime-want) > tc.within*want {
			t.Errorf("tau %g: settling time %g s, want %g s", tau, r.SettlingTime, want)
		}
		if math.Abs(r.X[0]-tc.v) > 1e-12 {
			t.Errorf("tau %g: V(a) = %.15g", tau, r.X[0])
		}
		t.Logf("tau %g s: settled at %.4g s (closed form %.4g s), %d steps, %d iterations, ran to %.3g s", tau, r.SettlingTime, want, r.Steps, r.Iterations, r.Time)
	}
}

// TestTransientTimeScales runs a ladder whose time constants span 1e-10 s
// to 1e-5 s and checks that the steps stay in the hundreds.
func TestTransientTimeScales(t *testing.T) {
	c := &circuit.Circuit{}
	c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"n0", "0"}, V: 1})
	for i := range 6 {
		a, b := fmt.Sprintf("n%d", i), fmt.Sprintf("n%d", i+1)
		g := math.Pow(10, -2-float64(i)) // 1e-2 ... 1e-7 S
		c.Add(&circuit.Resistor{Name: "R" + a, Nodes: [2]string{a, b}, G: g},
			&circuit.Diode{Name: "D" + a, Nodes: [2]string{b, "0"}, Model: d14},
			&circuit.Resistor{Name: "Rg" + a, Nodes: [2]string{b, "0"}, G: g / 10})
	}
	sys := compile(t, c)
	r, err := Transient(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	nr, _ := Newton(sys, nil, nil)
	for i := range sys.NumFree() {
		if d := math.Abs(r.X[i] - nr.X[i]); d > 1e-9 {
			t.Errorf("%s differs by %g V", sys.UnknownName(i), d)
		}
	}
	if r.Steps > 1000 || r.SettlingTime < 1e-5 {
		t.Errorf("%d steps, settled at %g s", r.Steps, r.SettlingTime)
	}
	t.Logf("%d steps, %d iterations, settled at %.3g s, ran to %.3g s", r.Steps, r.Iterations, r.SettlingTime, r.Time)
}

// TestTransientFailure checks that running out of steps gives a finite
// state and a ConvergenceError naming a node.
func TestTransientFailure(t *testing.T) {
	c := hardCircuit()
	sys := compile(t, c)
	r, err := Transient(sys, nil, &TransientSettings{MaxSteps: 3})
	var ce *ConvergenceError
	if !errors.As(err, &ce) || ce.Method != "transient" {
		t.Fatalf("error %v", err)
	}
	if r.Status != IterationLimit || r.Steps != 3 || !allFinite(r.X) {
		t.Errorf("status %v after %d steps, X %v", r.Status, r.Steps, r.X)
	}
	if _, ok := sys.NodeIndex(ce.WorstNode); !ok {
		t.Errorf("worst node %q", ce.WorstNode)
	}
	t.Log(err)
}

// TestTransientStart checks a warm start at the equilibrium: it is already
// settled.
func TestTransientStart(t *testing.T) {
	c := randomCircuit(rand.New(rand.NewPCG(1, 5)), true)
	sys := compile(t, c)
	nr, err := Newton(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Transient(sys, nr.X, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.SettlingTime != 0 || r.Steps > 2 {
		t.Errorf("from the equilibrium: %d steps, settled at %g s", r.Steps, r.SettlingTime)
	}
}

func TestTransientCrossbar300(t *testing.T) {
	c := crossbarNet(rand.New(rand.NewPCG(7, 7)))
	sys := compile(t, c)
	start := time.Now()
	r, err := Transient(sys, nil, nil)
	el := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	nr, _ := Newton(sys, nil, nil)
	for i := range sys.NumFree() {
		if d := math.Abs(r.X[i] - nr.X[i]); d > 1e-9 {
			t.Errorf("%s differs by %g V", sys.UnknownName(i), d)
		}
	}
	t.Logf("%d unknowns: %d steps, %d iterations, settled at %.3g s, %v", sys.Size(), r.Steps, r.Iterations, r.SettlingTime, el)
}

// TestTransientUnstable checks an amplifier with positive feedback: its one
// equilibrium without the diode is unstable, so Newton finds it and the
// transient runs away from it, which it must report; with the diode the
// transient settles where the diode clamps, a second equilibrium.
func TestTransientUnstable(t *testing.T) {
	build := func(clamp bool) *circuit.Circuit {
		c := &circuit.Circuit{}
		c.Add(&circuit.VCVS{Name: "E1", Nodes: [2]string{"out", "0"}, Control: [2]string{"a", "0"}, Gain: 2},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"out", "a"}, G: 1e-3},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "0"}, G: 1e-4},
			&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 1e-6})
		if clamp {
			c.Add(&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: d14})
		}
		return c
	}
	// C da/dt = (G1 - G2)*a + I: the equilibrium a = -I/(G1 - G2) repels.
	sys := compile(t, build(false))
	nr, err := Newton(sys, nil, nil)
	if want := -1e-6 / (1e-3 - 1e-4); err != nil || math.Abs(voltage(sys, nr.X, "a")-want) > 1e-15 {
		t.Fatalf("newton: V(a) = %g, want %g, %v", voltage(sys, nr.X, "a"), want, err)
	}
	r, err := Transient(sys, nil, nil)
	var ce *ConvergenceError
	if !errors.As(err, &ce) || r.Status != Diverged || !allFinite(r.X) {
		t.Errorf("runaway: status %v, error %v", r.Status, err)
	}

	c := build(true)
	sys = compile(t, c)
	r, err = Transient(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkKCL(t, c, sys, r.X, 1e-15, 1e-9)
	if v := voltage(sys, r.X, "a"); v < 0.5 {
		t.Errorf("clamped: V(a) = %g V, want the diode's forward voltage", v)
	}
}
