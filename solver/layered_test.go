package solver

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// layeredNet draws a random layered network (circuittest.Layered with
// circuittest.RandomLayered's options and the nonidealities nl), adds a
// crossbar into the first hidden group from pinned nodes out of order and
// ground and, with loose, a free node "z" outside every crossbar.
func layeredNet(rng *rand.Rand, hidden int, amps, loose bool, nl circuittest.Nonideal) *circuit.Circuit {
	o := circuittest.RandomLayered(rng, hidden, amps)
	o.Nonideal = nl
	c := circuittest.Layered(rng, o)
	h := circuittest.LayerGroup(c, "h", 1)
	g := mat.NewDense(3, h.Size, nil)
	for i := range 3 {
		for j := range h.Size {
			g.Set(i, j, 1e-5*rng.Float64())
		}
	}
	c.Add(&circuit.Crossbar{Name: "WB", From: []string{"b[1]", "0", "b[0]"}, To: h.Nodes(), G: g})
	if loose {
		c.Add(
			&circuit.Resistor{Name: "RZ", Nodes: [2]string{"z", "b[1]"}, G: 1e-5},
			&circuit.Diode{Name: "DZ", Nodes: [2]string{"z", "0"}, Model: o.Model},
			&circuit.ISource{Name: "IZ", Nodes: [2]string{"0", "z"}, I: 1e-5 * rng.Float64()},
		)
	}
	return c
}

// maxDiff returns the largest |a[i]-b[i]| over i < n and its index.
func maxDiff(a, b []float64, lo, hi int) (float64, int) {
	m, at := 0.0, -1
	for i := lo; i < hi; i++ {
		if d := math.Abs(a[i] - b[i]); d > m || at < 0 {
			m, at = d, i
		}
	}
	return m, at
}

// checkLayeredAgainstNewton solves sys with l, checks KCL from the element
// list, and compares the solution with Newton's: node voltages within
// 1e-9 V, branch currents within 1e-12 A plus 1e-6 relative.
func checkLayeredAgainstNewton(t *testing.T, sys *mna.System, l *Layered, x0 []float64, what string) Result {
	t.Helper()
	res, err := l.Solve(x0)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.Status != Converged || res.Method != "layered" || res.Iterations < 1 {
		t.Errorf("%s: result %+v", what, res)
	}
	checkKCL(t, sys.Circuit(), sys, res.X, 1e-15, 1e-9)
	f := make([]float64, sys.Size())
	sys.Eval(f, nil, res.X, nil)
	if r, node := sys.ResidualNorm(f); math.Abs(r-res.Residual) > 1e-12*r+1e-17 {
		t.Errorf("%s: reported residual %g A at %s, Eval's %g A at %s", what, res.Residual, res.WorstNode, r, node)
	}
	ref, err := Newton(sys, nil, nil)
	if err != nil {
		t.Fatalf("%s: Newton: %v", what, err)
	}
	sameSolution(t, what+" (got layered, want Newton)", sys, res.X, ref.X)
	return res
}

// sameSolution fails unless got and want, two solutions of sys, agree as
// two solvers must: node voltages within 1e-9 V, branch currents within
// 1e-12 A plus 1e-6 relative.
func sameSolution(t *testing.T, what string, sys *mna.System, got, want []float64) {
	t.Helper()
	nf := sys.NumFree()
	if d, i := maxDiff(got, want, 0, nf); d > 1e-9 {
		t.Errorf("%s: V(%s) = %.12g V, want %.12g V", what, sys.UnknownName(i), got[i], want[i])
	}
	for k := nf; k < sys.Size(); k++ {
		if d := math.Abs(got[k] - want[k]); d > 1e-12+1e-6*math.Abs(want[k]) {
			t.Errorf("%s: I(%s) = %.12g A, want %.12g A", what, sys.UnknownName(k), got[k], want[k])
		}
	}
}

// rescaleCrossbars multiplies every crossbar conductance of c by a factor
// uniform in [0.5, 1.5], as a training step would change them.
func rescaleCrossbars(c *circuit.Circuit, rng *rand.Rand) {
	for _, e := range c.Elements {
		if e, ok := e.(*circuit.Crossbar); ok {
			raw := e.G.RawMatrix()
			for i := range raw.Data {
				raw.Data[i] *= 0.5 + rng.Float64()
			}
		}
	}
}

func TestLayeredRandom(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 21))
		c := layeredNet(rng, 1+int(seed%4), seed%2 == 1, seed%5 == 0, circuittest.Nonideal{})
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		what := fmt.Sprintf("seed %d", seed)
		res := checkLayeredAgainstNewton(t, sys, l, nil, what)

		// New inputs and sources, warm-started from the last solution.
		in := c.Element("in").(*circuit.Input)
		for i := range in.Values {
			in.Values[i] = rng.Float64()
		}
		c.Element("VHI").(*circuit.VSource).V += 0.05
		checkLayeredAgainstNewton(t, sys, l, res.X, what+" new inputs")

		// A changed nudge (resistors, current sources, targets) is seen
		// without Refresh.
		for _, e := range c.Elements {
			switch e := e.(type) {
			case *circuit.Resistor:
				e.G *= 3 * rng.Float64()
			case *circuit.ISource:
				e.I = 1e-5 * (rng.Float64() - 0.5)
			case *circuit.VSource:
				if e.Name[:2] == "VT" {
					e.V = rng.Float64()
				}
			}
		}
		checkLayeredAgainstNewton(t, sys, l, res.X, what+" new nudge")

		// New crossbar conductances, seen after Refresh.
		rescaleCrossbars(c, rng)
		l.Refresh()
		checkLayeredAgainstNewton(t, sys, l, res.X, what+" new weights")
	}
}

// TestLayeredCoContent checks, without any other solver, that the
// solution of a network without amplifiers minimises its co-content.
func TestLayeredCoContent(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 22))
		sys := compile(t, layeredNet(rng, 1+int(seed%3), false, seed%2 == 0, circuittest.Nonideal{}))
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		res, err := l.Solve(nil)
		if err != nil {
			t.Fatal(err)
		}
		e0, ok := sys.CoContent(res.X)
		if !ok {
			t.Fatal("no co-content")
		}
		y := make([]float64, len(res.X))
		for range 20 {
			for i := range y {
				y[i] = res.X[i] + 1e-4*(rng.Float64()-0.5)
			}
			if e, _ := sys.CoContent(y); e < e0 {
				t.Errorf("seed %d: co-content %.17g below the equilibrium's %.17g", seed, e, e0)
			}
		}
	}
}

func kendallSample(rng *rand.Rand, in *circuit.Input) {
	for i := range in.Values {
		in.Values[i] = rng.Float64()
	}
}

func TestLayeredKendall(t *testing.T) {
	sizes := [][3]int{{20, 8, 3}, {784, 100, 10}}
	if !testing.Short() {
		sizes = append(sizes, [3]int{784, 500, 10})
	}
	for _, sz := range sizes {
		c := circuittest.KendallNetwork(sz[0], sz[1], sz[2], 1)
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprint(sz)
		res := checkLayeredAgainstNewton(t, sys, l, nil, what)
		// Warm starts (from the last sample's solution) and the cold
		// start reach the solution of a start from 0 V, both in fewer
		// iterations.
		rng := rand.New(rand.NewPCG(5, 5))
		in := c.Element("in").(*circuit.Input)
		x := append([]float64(nil), res.X...)
		zeros := make([]float64, sys.Size())
		warmIt, coldIt, zeroIt := 0, 0, 0
		for range 4 {
			kendallSample(rng, in)
			warm, err := l.SolveTo(x, x)
			if err != nil {
				t.Fatal(err)
			}
			warmIt += warm.Iterations
			cold, err := l.Solve(nil)
			if err != nil {
				t.Fatal(err)
			}
			coldIt += cold.Iterations
			zero, err := l.Solve(zeros)
			if err != nil {
				t.Fatal(err)
			}
			zeroIt += zero.Iterations
			for _, r := range []struct {
				name string
				x    []float64
			}{{"warm", warm.X}, {"cold", cold.X}} {
				if d, i := maxDiff(r.x, zero.X, 0, sys.Size()); d > 1e-9*math.Max(1, math.Abs(zero.X[i])) {
					t.Errorf("%s: %s start gives %s = %g, from 0 V %g", what, r.name, sys.UnknownName(i), r.x[i], zero.X[i])
				}
			}
		}
		if warmIt >= zeroIt || coldIt >= zeroIt {
			t.Errorf("%s: %d iterations warm, %d cold, %d from 0 V", what, warmIt, coldIt, zeroIt)
		}
		t.Logf("%s: %d iterations warm, %d cold, %d from 0 V", what, warmIt, coldIt, zeroIt)
		if sz[0] == 784 {
			checkLayeredAgainstNewton(t, sys, l, x, what+" warm")
		}
	}
}

func TestLayeredAllocs(t *testing.T) {
	c := circuittest.KendallNetwork(30, 10, 3, 2)
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, sys.Size())
	in := c.Element("in").(*circuit.Input)
	rng := rand.New(rand.NewPCG(1, 1))
	if a := testing.AllocsPerRun(20, func() {
		kendallSample(rng, in)
		if _, err := l.SolveTo(x, x); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("SolveTo allocates %g times per solve", a)
	}
}

func TestLayeredFailure(t *testing.T) {
	c := circuittest.KendallNetwork(30, 10, 3, 2)
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	l.Settings.MaxIterations = 2
	res, err := l.Solve(nil)
	var ce *ConvergenceError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want a *ConvergenceError", err)
	}
	if res.Status != IterationLimit || ce.Status != IterationLimit || ce.Method != "layered" {
		t.Errorf("status %v / %v method %q", res.Status, ce.Status, ce.Method)
	}
	if ce.WorstNode == "" || sys.Unknown(ce.WorstNode) < 0 || ce.Residual != res.Residual || !(ce.Residual > 0) {
		t.Errorf("worst node %q residual %g (result: %g)", ce.WorstNode, ce.Residual, res.Residual)
	}
	for i, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("X[%d] = %g", i, v)
		}
	}
	// With its iterations back it converges.
	l.Settings.MaxIterations = 0
	if _, err := l.Solve(res.X); err != nil {
		t.Error(err)
	}
}

func TestNewLayeredRejects(t *testing.T) {
	c := layeredNet(rand.New(rand.NewPCG(1, 1)), 2, false, false, circuittest.Nonideal{})
	c.Add(&circuit.Resistor{Name: "Rhh", Nodes: [2]string{"h1[0]", "h2[0]"}, G: 1e-5})
	_, err := NewLayered(compile(t, c))
	var ce *circuit.Error
	if !errors.As(err, &ce) || ce.Element != "Rhh" {
		t.Errorf("error %v, want a *circuit.Error naming Rhh", err)
	}
}

// ExampleLayered solves the free phase of a Kendall-style 784-100-10
// network for one random input.
func ExampleLayered() {
	sys, err := mna.Compile(circuittest.KendallNetwork(784, 100, 10, 1))
	if err != nil {
		panic(err)
	}
	l, err := NewLayered(sys)
	if err != nil {
		panic(err)
	}
	res, err := l.Solve(nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Method)
	for j := range 3 {
		name := fmt.Sprintf("y[%d]", j)
		fmt.Printf("%s = %.4f V\n", name, res.X[sys.Unknown(name)])
	}
	// Output:
	// converged layered
	// y[0] = -0.0142 V
	// y[1] = 0.0039 V
	// y[2] = 0.0005 V
}

// TestLayeredOneGroup solves a network whose only free group hangs off the
// inputs: no crossbar joins free nodes, and the Jacobian is diagonal.
func TestLayeredOneGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := circuit.Group{Name: "x", Size: 8}
	h := circuit.Group{Name: "h", Size: 5}
	g := mat.NewDense(8, 5, nil)
	for i := range 8 {
		for j := range 5 {
			g.Set(i, j, 1e-5*rng.Float64())
		}
	}
	c := &circuit.Circuit{Groups: []circuit.Group{x, h}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: 2, Values: []float64{0.9, 0.1, 0.5, 0.7}},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", "0"}, V: -0.3},
		&circuit.Crossbar{Name: "W", From: x.Nodes(), To: h.Nodes(), G: g},
		&circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: circuittest.KendallDiode, High: "vhi", Low: "0"},
	)
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(l.Layering().Chains); n != 1 {
		t.Fatalf("%d chains, want 1", n)
	}
	checkLayeredAgainstNewton(t, sys, l, nil, "one group")
}
