package solver

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
)

var d14 = circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1}

func compile(t testing.TB, c *circuit.Circuit) *mna.System {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

// voltage returns the voltage of the named node at x.
func voltage(sys *mna.System, x []float64, name string) float64 {
	i, ok := sys.NodeIndex(name)
	if !ok {
		panic("no node " + name)
	}
	return sys.VoltagesTo(nil, x)[i]
}

// checkKCL checks, with circuittest.CheckKCL, the current balance at every
// free node of sys and the equation of every voltage-defining element at
// x, recomputed from the element list of c: a node may be off by absTol
// amperes plus relTol of the currents that meet there.
func checkKCL(t *testing.T, c *circuit.Circuit, sys *mna.System, x []float64, absTol, relTol float64) {
	t.Helper()
	n, err := circuittest.CheckKCL(c, solution(sys, x), absTol, relTol)
	if err != nil {
		t.Error(err)
	}
	if n != sys.NumFree() {
		t.Errorf("KCL checked at %d nodes, want the %d free ones", n, sys.NumFree())
	}
}

// solution returns the node voltages and branch currents of x by name.
func solution(sys *mna.System, x []float64) circuittest.Solution {
	v := sys.VoltagesTo(nil, x)
	s := circuittest.Solution{Nodes: make(map[string]float64, len(v)), Branches: map[string]float64{}}
	for i, n := range sys.Nodes() {
		s.Nodes[n] = v[i+1]
	}
	for k := sys.NumFree(); k < sys.Size(); k++ {
		s.Branches[sys.UnknownName(k)] = x[k]
	}
	return s
}

func TestNewtonClosedForms(t *testing.T) {
	// The diode with a series resistor from a 5 V source: the scalar
	// equation (5 - v)/1k = i(v) solved by bisection.
	vd := circuittest.Bisect(func(v float64) float64 {
		return circuittest.DiodeCurrent(d14, circuit.DefaultTemp, circuit.DefaultTemp, v) - (5-v)*1e-3
	}, 0, 5)
	// A non-inverting amplifier of finite gain A with feedback divider beta.
	const A, beta = 1e4, 0.25
	for _, tc := range []struct {
		name  string
		elems []circuit.Element
		want  map[string]float64
	}{
		{
			name: "divider",
			elems: []circuit.Element{
				&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 1},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "mid"}, G: 1e-3},
				&circuit.Resistor{Name: "R2", Nodes: [2]string{"mid", "0"}, G: 1.0 / 3000},
			},
			want: map[string]float64{"in": 1, "mid": 0.75},
		},
		{
			name: "current source",
			elems: []circuit.Element{
				&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 2e-6},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "0"}, G: 1e-6},
			},
			want: map[string]float64{"a": 2},
		},
		{
			name: "diode and resistor",
			elems: []circuit.Element{
				&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "gnd"}, V: 5},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
				&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: d14},
			},
			want: map[string]float64{"a": vd},
		},
		{
			name: "reverse diode",
			elems: []circuit.Element{
				&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 5},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
				&circuit.Diode{Name: "D1", Nodes: [2]string{"0", "a"}, Model: d14},
			},
			// The diode leaks IS + gmin*5 V through 1 kΩ.
			want: map[string]float64{"a": 5 - 1e3*(1e-14+5e-12)/(1+1e3*1e-12)},
		},
		{
			name: "vcvs amplifier",
			elems: []circuit.Element{
				&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 0.1},
				&circuit.VCVS{Name: "E1", Nodes: [2]string{"out", "0"}, Control: [2]string{"in", "fb"}, Gain: A},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"out", "fb"}, G: 1.0 / 3000},
				&circuit.Resistor{Name: "R2", Nodes: [2]string{"fb", "0"}, G: 1.0 / 1000},
			},
			want: map[string]float64{"out": A * 0.1 / (1 + A*beta), "fb": beta * A * 0.1 / (1 + A*beta)},
		},
		{
			name: "cccs mirror",
			elems: []circuit.Element{
				&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 1},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
				&circuit.VSource{Name: "Vs", Nodes: [2]string{"a", "0"}, V: 0},
				&circuit.CCCS{Name: "F1", Nodes: [2]string{"0", "out"}, Control: "Vs", Gain: 2},
				&circuit.Resistor{Name: "RL", Nodes: [2]string{"out", "0"}, G: 5e-4},
			},
			want: map[string]float64{"a": 0, "out": 4},
		},
		{
			name: "floating source",
			elems: []circuit.Element{
				&circuit.VSource{Name: "V1", Nodes: [2]string{"p", "0"}, V: 2},
				&circuit.Resistor{Name: "R1", Nodes: [2]string{"p", "a"}, G: 1e-3},
				&circuit.VSource{Name: "Vf", Nodes: [2]string{"a", "b"}, V: 0.5},
				&circuit.Resistor{Name: "R2", Nodes: [2]string{"b", "0"}, G: 1e-3},
			},
			want: map[string]float64{"a": 1.25, "b": 0.75},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &circuit.Circuit{}
			c.Add(tc.elems...)
			sys := compile(t, c)
			for _, method := range []string{"newton", "transient"} {
				r, err := Solve(sys, nil, method)
				if err != nil {
					t.Fatalf("%s: %v", method, err)
				}
				if r.Status != Converged {
					t.Fatalf("%s: status %v", method, r.Status)
				}
				for node, want := range tc.want {
					if got := voltage(sys, r.X, node); math.Abs(got-want) > 1e-12+1e-12*math.Abs(want) {
						t.Errorf("%s: V(%s) = %.15g, want %.15g", method, node, got, want)
					}
				}
				checkKCL(t, c, sys, r.X, 1e-15, 1e-9)
			}
		})
	}
}

// randomCircuit draws with circuittest.Random a circuit of element cards
// of every kind but the blocks: one stage, or with controlled two, the
// second with VCVS and CCCS controlled from the first (a CCCS may sense a
// VCVS). Controlled sources without feedback keep the equilibrium unique
// and stable, which random feedback would not.
func randomCircuit(rng *rand.Rand, controlled bool) *circuit.Circuit {
	o := circuittest.RandomOptions{Stages: 1}
	if controlled {
		o = circuittest.RandomOptions{Stages: 2, Controlled: true, SenseVCVS: true}
	}
	return circuittest.Random(rng, o)
}

// TestNewtonRandom checks KCL, from the element list, at the solution of
// random circuits, and that a warm start from the solution converges at
// once to the same point.
var nRandom = uint64(300)

func TestNewtonRandom(t *testing.T) {
	methods := map[string]int{}
	for seed := range uint64(nRandom) {
		rng := rand.New(rand.NewPCG(seed, 2))
		c := randomCircuit(rng, seed%2 == 1)
		sys := compile(t, c)
		r, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		methods[r.Method]++
		checkKCL(t, c, sys, r.X, 1e-15, 1e-9)
		if res, _ := sys.ResidualNorm(residual(sys, r.X)); res != r.Residual {
			t.Errorf("seed %d: Residual %g, recomputed %g", seed, r.Residual, res)
		}
		w, err := Newton(sys, r.X, nil)
		if err != nil || w.Iterations > 2 {
			t.Errorf("seed %d: warm start: %d iterations, %v", seed, w.Iterations, err)
		}
		for i := range r.X[:sys.NumFree()] {
			if d := math.Abs(w.X[i] - r.X[i]); d > 1e-12+1e-9*math.Abs(r.X[i]) {
				t.Errorf("seed %d: warm start moved %s by %g V", seed, sys.UnknownName(i), d)
			}
		}
	}
	t.Logf("methods: %v", methods)
}

func residual(sys *mna.System, x []float64) []float64 {
	f := make([]float64, sys.Size())
	sys.Eval(f, nil, x, nil)
	return f
}

// TestNewtonHardForward drives diodes far forward from a voltage source
// through a small resistor, from a zero start: exponentials that overflow
// without junction limiting.
func TestNewtonHardForward(t *testing.T) {
	for _, tc := range []struct {
		v, r float64
		n    int // diodes in series
	}{
		{10, 1, 1}, {100, 0.1, 1}, {1000, 1, 1}, {50, 0.01, 5}, {20, 10, 20},
	} {
		c := &circuit.Circuit{}
		c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: tc.v},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a0"}, G: 1 / tc.r})
		for i := range tc.n {
			c.Add(&circuit.Diode{Name: fmt.Sprintf("D%d", i), Nodes: [2]string{fmt.Sprintf("a%d", i), fmt.Sprintf("a%d", i+1)}, Model: d14})
		}
		c.Add(&circuit.Resistor{Name: "R2", Nodes: [2]string{fmt.Sprintf("a%d", tc.n), "0"}, G: 1e-3})
		sys := compile(t, c)
		r, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		checkKCL(t, c, sys, r.X, 1e-15, 1e-9)
		// With one diode: the scalar equation for the current.
		if tc.n == 1 {
			i := circuittest.Bisect(func(i float64) float64 {
				v := tc.v - i*tc.r - i*1e3 // across the diode
				return i - circuittest.DiodeCurrent(d14, circuit.DefaultTemp, circuit.DefaultTemp, v)
			}, 0, tc.v/tc.r)
			want := tc.v - i*tc.r
			if got := voltage(sys, r.X, "a0"); math.Abs(got-want) > 1e-9*want {
				t.Errorf("%+v: V(a0) = %.12g, want %.12g", tc, got, want)
			}
		}
		t.Logf("%+v: %s, %d iterations, residual %.3g A", tc, r.Method, r.Iterations, r.Residual)
	}
}

// diodeChain is a chain of n diodes from a source of v volts through a
// conductance g1, and a conductance g2 from its end to ground.
func diodeChain(v, g1 float64, n int, g2 float64) *circuit.Circuit {
	c := &circuit.Circuit{}
	c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a0"}, G: g1})
	for i := range n {
		c.Add(&circuit.Diode{Name: fmt.Sprintf("D%d", i), Nodes: [2]string{fmt.Sprintf("a%d", i), fmt.Sprintf("a%d", i+1)}, Model: d14})
	}
	c.Add(&circuit.Resistor{Name: "R2", Nodes: [2]string{fmt.Sprintf("a%d", n), "0"}, G: g2})
	return c
}

// hardCircuit drives 30 diodes in series with amperes from 200 V: plain
// Newton needs 11 iterations from a cold start.
func hardCircuit() *circuit.Circuit { return diodeChain(200, 100, 30, 1) }

// TestNewtonFallbacks gives plain Newton too few iterations and checks that
// each fallback, as the first one allowed, reaches the equilibrium and says
// so.
func TestNewtonFallbacks(t *testing.T) {
	const budget = 8
	for _, tc := range []struct {
		c    *circuit.Circuit
		set  Settings
		want string
	}{
		{hardCircuit(), Settings{}, "damped-newton"},
		// Microamperes through four diodes: shunts of 1e-2 S make the
		// first stages nearly linear.
		{diodeChain(5, 1e-6, 4, 1e-6), Settings{NoDamping: true}, "gmin-stepping"},
		{hardCircuit(), Settings{NoDamping: true, NoGminStepping: true}, "source-stepping"},
	} {
		sys := compile(t, tc.c)
		v1 := tc.c.Element("V1").(*circuit.VSource).V
		ref, err := Newton(sys, nil, nil)
		if err != nil || ref.Method != "newton" || ref.Iterations <= budget {
			t.Fatalf("%s: reference: %s in %d iterations, %v", tc.want, ref.Method, ref.Iterations, err)
		}
		plain := Settings{MaxIterations: budget, NoDamping: true, NoGminStepping: true, NoSourceStepping: true}
		if _, err := Newton(sys, nil, &plain); err == nil {
			t.Fatalf("%s: plain Newton converged in %d iterations", tc.want, budget)
		}
		tc.set.MaxIterations = budget
		r, err := Newton(sys, nil, &tc.set)
		if err != nil {
			t.Errorf("%s: %v", tc.want, err)
			continue
		}
		if r.Method != tc.want {
			t.Errorf("method %s, want %s", r.Method, tc.want)
		}
		checkKCL(t, tc.c, sys, r.X, 1e-15, 1e-9)
		for i := range r.X[:sys.NumFree()] {
			if d := math.Abs(r.X[i] - ref.X[i]); d > 1e-12+1e-9*math.Abs(ref.X[i]) {
				t.Errorf("%s: %s off by %g V", tc.want, sys.UnknownName(i), d)
			}
		}
		// Source stepping restores the sources bit for bit.
		if v := tc.c.Element("V1").(*circuit.VSource).V; v != v1 {
			t.Errorf("V1 = %v after %s, was %v", v, tc.want, v1)
		}
		t.Logf("%s: %d iterations in all (plain Newton alone needs %d)", r.Method, r.Iterations, ref.Iterations)
	}
}

// TestNewtonFailure checks that a solve that cannot converge returns a
// finite X, a Status and a ConvergenceError that names a node.
func TestNewtonFailure(t *testing.T) {
	c := hardCircuit()
	sys := compile(t, c)
	for _, set := range []Settings{
		{MaxIterations: 1, NoDamping: true, NoGminStepping: true, NoSourceStepping: true},
		{MaxIterations: 1},
	} {
		r, err := Newton(sys, nil, &set)
		var ce *ConvergenceError
		if !errors.As(err, &ce) {
			t.Fatalf("%+v: error %v, want a ConvergenceError", set, err)
		}
		if r.Status == Converged || ce.Status != r.Status {
			t.Errorf("status %v, error status %v", r.Status, ce.Status)
		}
		if !allFinite(r.X) || len(r.X) != sys.Size() {
			t.Errorf("X not finite: %v", r.X)
		}
		if _, ok := sys.NodeIndex(ce.WorstNode); !ok || ce.WorstNode != r.WorstNode || ce.Residual != r.Residual {
			t.Errorf("error names node %q (residual %g), result %q (%g)", ce.WorstNode, ce.Residual, r.WorstNode, r.Residual)
		}
		if ce.Residual <= 0 || math.IsNaN(ce.Residual) {
			t.Errorf("residual %g", ce.Residual)
		}
		t.Log(err)
	}
}

// crossbarNet is a layered network (circuittest.Layered) with 300
// unknowns: 100 single-ended inputs at 0 to 3 V, 80 hidden nodes with
// rectifiers to rails at ±0.3 V, amplified by 4 into 80 more (with 80
// branch currents), and 60 outputs loaded by 100 kΩ each; conductances
// uniform in [0, 1 µS].
// The inputs drive most hidden nodes past the rails, so that many diodes
// conduct; the amplifier's backward mirror closes a feedback loop.
func crossbarNet(rng *rand.Rand) *circuit.Circuit {
	in := make([]float64, 100)
	for i := range in {
		in[i] = rng.Float64()
	}
	c := circuittest.Layered(rng, circuittest.LayeredOptions{
		Features: 100, SingleEnded: true, Amplitude: 3, Hidden: []int{80}, Gains: []float64{4}, Outputs: 60,
		High: 0.3, Low: -0.3, Model: d14, GMax: 1e-6,
	})
	copy(c.Element("in").(*circuit.Input).Values, in)
	y, _ := c.Group("y")
	for i, n := range y.Nodes() {
		c.Add(&circuit.Resistor{Name: fmt.Sprintf("RL%d", i), Nodes: [2]string{n, "0"}, G: 1e-5})
	}
	return c
}

func TestNewtonCrossbar300(t *testing.T) {
	c := crossbarNet(rand.New(rand.NewPCG(7, 7)))
	sys := compile(t, c)
	if sys.Size() != 300 {
		t.Fatalf("%d unknowns", sys.Size())
	}
	start := time.Now()
	r, err := Newton(sys, nil, nil)
	el := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	checkKCL(t, c, sys, r.X, 1e-15, 1e-9)
	t.Logf("%d unknowns: %s, %d iterations, %v", sys.Size(), r.Method, r.Iterations, el)
	if el > 5*time.Second {
		t.Errorf("took %v", el)
	}
}

// seriesRCircuit is randomCircuit with a resistor of 0.01 to 1 ohm in
// series with every diode, on a node of its own between them.
func seriesRCircuit(rng *rand.Rand) *circuit.Circuit {
	c := randomCircuit(rng, false)
	var out []circuit.Element
	k := 0
	for _, e := range c.Elements {
		d, ok := e.(*circuit.Diode)
		if !ok {
			out = append(out, e)
			continue
		}
		k++
		mid := fmt.Sprintf("m%d", k)
		r := &circuit.Resistor{Name: fmt.Sprintf("RS%d", k), Nodes: [2]string{d.Nodes[0], mid}, G: 1 / (0.01 + 0.99*rng.Float64())}
		d.Nodes[0] = mid
		out = append(out, r, d)
	}
	c.Elements = out
	return c
}

// TestNewtonSubOhmSeries checks that plain Newton stops on circuits whose
// diodes sit behind sub-ohm resistors. There a node voltage known to an
// ulp leaves a current error of G*ulp(V), some 1e-14 A, above a KCL
// tolerance made of the tiny currents alone: before the tolerance had a
// rounding floor, 1.7% of these circuits ran into the iteration limit of
// every fallback (2,000-3,000 iterations) at solutions already correct.
func TestNewtonSubOhmSeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 300 {
		c := seriesRCircuit(rng)
		sys, err := mna.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Newton(sys, nil, nil)
		if err != nil || res.Method != "newton" || res.Iterations > 50 {
			t.Fatalf("circuit %d: %s after %d iterations: %v", i, res.Method, res.Iterations, err)
		}
		tr, err := Transient(sys, nil, nil)
		if err != nil {
			t.Fatalf("circuit %d: transient: %v", i, err)
		}
		sameSolution(t, fmt.Sprintf("circuit %d: got transient, want Newton", i), sys, tr.X, res.X)
	}
}
