package layered_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/solver/layered"
)

// deepNet returns a network of features differential inputs (5 V per
// unit), hidden layers of the given sizes, each a group with a rectifier
// that holds it above about 0 V (its lower rail at 0.5 V, its upper rail
// at 5 V), an amplifier of gain 4 and a crossbar to the next layer, and
// outputs output nodes "y[k]" with a nudge current source "I" on y[0];
// conductances uniform in [0.1, 1] uS, seeded.
func deepNet(features int, hidden []int, outputs int, seed uint64) *circuit.Circuit {
	rng := rand.New(rand.NewPCG(seed, 13))
	crossbar := func(name string, from, to []string) *circuit.Crossbar {
		g := mat.NewDense(len(from), len(to), nil)
		for i := range len(from) {
			for j := range len(to) {
				g.Set(i, j, 1e-7+9e-7*rng.Float64())
			}
		}
		return &circuit.Crossbar{Name: name, From: from, To: to, G: g, Trainable: true}
	}
	x := circuit.Group{Name: "x", Size: 2 * features}
	c := &circuit.Circuit{Groups: []circuit.Group{x}}
	vals := make([]float64, features)
	for i := range vals {
		vals[i] = rng.Float64()
	}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: 5, Values: vals},
		&circuit.VSource{Name: "VP", Nodes: [2]string{"vp", circuit.Ground}, V: 5},
		&circuit.VSource{Name: "VE", Nodes: [2]string{"ve", circuit.Ground}, V: 0.5},
	)
	from := x.Nodes()
	for l, n := range hidden {
		h := circuit.Group{Name: fmt.Sprintf("h%d", l), Size: n}
		a := circuit.Group{Name: fmt.Sprintf("a%d", l), Size: n}
		c.Groups = append(c.Groups, h, a)
		c.Add(
			crossbar(fmt.Sprintf("W%d", l+1), from, h.Nodes()),
			&circuit.Rectifier{Name: fmt.Sprintf("D%d", l), Nodes: h.Nodes(), Model: circuittest.KendallDiode, High: "vp", Low: "ve"},
			&circuit.Amplifier{Name: fmt.Sprintf("A%d", l), From: h.Nodes(), To: a.Nodes(), Gain: 4},
		)
		from = a.Nodes()
	}
	y := circuit.Group{Name: "y", Size: outputs}
	c.Groups = append(c.Groups, y)
	c.Add(crossbar(fmt.Sprintf("W%d", len(hidden)+1), from, y.Nodes()),
		&circuit.ISource{Name: "I", Nodes: [2]string{circuit.Ground, "y[0]"}})
	return c
}

// Gauss-Seidel sweeps reach the solution of dense Newton's method from a
// cold start, from another sample's solution and, nudged, from the free
// equilibrium, in fewer sweeps when warm.
func TestLayeredGaussSeidel(t *testing.T) {
	for _, hidden := range [][]int{{20}, {24, 16}, {12, 10, 8}} {
		c := deepNet(30, hidden, 4, 3)
		sys := compile(t, c)
		l, err := layered.New(sys, nil)
		if err != nil {
			t.Fatal(err)
		}
		layered.ForceGaussSeidel(l)
		what := fmt.Sprint(hidden)
		cold := checkLayeredAgainstNewton(t, sys, l, nil, what+" cold")
		in := c.Element("in").(*circuit.Input)
		rng := rand.New(rand.NewPCG(4, 4))
		for i := range in.Values {
			in.Values[i] = rng.Float64()
		}
		checkLayeredAgainstNewton(t, sys, l, cold.X, what+" next sample")
		free, err := l.Solve(nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Element("I").(*circuit.ISource).I = 1e-7
		nudged := checkLayeredAgainstNewton(t, sys, l, free.X, what+" nudged")
		if nudged.Iterations >= free.Iterations {
			t.Errorf("%s: %d sweeps nudged from the free equilibrium, %d cold", what, nudged.Iterations, free.Iterations)
		}
		t.Logf("%s: %d sweeps cold, %d nudged", what, free.Iterations, nudged.Iterations)
	}
}

// Layered solves by Gauss-Seidel where a block elimination would factor
// a wide dense Schur complement: two wide hidden layers, not one.
func TestLayeredChoosesGaussSeidel(t *testing.T) {
	for _, tc := range []struct {
		hidden []int
		gs     bool
	}{
		{[]int{100}, false},
		{[]int{1024}, false},
		{[]int{256, 256}, true},
		{[]int{128, 64}, true},
	} {
		l, err := layered.New(compile(t, deepNet(784, tc.hidden, 10, 1)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if gs := layered.UsesGaussSeidel(l); gs != tc.gs {
			t.Errorf("%v: Gauss-Seidel %t, want %t", tc.hidden, gs, tc.gs)
		}
	}
}
