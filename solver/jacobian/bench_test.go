package jacobian

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
)

// grid returns a k×k grid of 1 kΩ resistors, the corner held at 1 V, with
// a diode from every node to ground: a resistor-diode mesh.
func grid(k int) *circuit.Circuit {
	c := &circuit.Circuit{}
	d := circuit.DiodeModel{IS: 1e-14, N: 1}
	node := func(i, j int) string { return fmt.Sprintf("n%d_%d", i, j) }
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{node(0, 0), "0"}, V: 1})
	for i := range k {
		for j := range k {
			if i+1 < k {
				c.Add(&circuit.Resistor{Name: "RV" + node(i, j), Nodes: [2]string{node(i, j), node(i+1, j)}, G: 1e-3})
			}
			if j+1 < k {
				c.Add(&circuit.Resistor{Name: "RH" + node(i, j), Nodes: [2]string{node(i, j), node(i, j+1)}, G: 1e-3})
			}
			c.Add(&circuit.Diode{Name: "D" + node(i, j), Nodes: [2]string{node(i, j), "0"}, Model: d})
		}
	}
	return c
}

// lateral returns a group of n free nodes joined to each other by a
// crossbar (every pair coupled: a dense Jacobian), each held by a
// resistor to an input.
func lateral(n int) *circuit.Circuit {
	rng := rand.New(rand.NewPCG(1, 1))
	h := circuit.Group{Name: "h", Size: n}
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, 1e-6*rng.Float64())
		}
	}
	c := &circuit.Circuit{Groups: []circuit.Group{h}}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Crossbar{Name: "W", From: h.Nodes(), To: h.Nodes(), G: g})
	for i, nm := range h.Nodes() {
		c.Add(&circuit.Resistor{Name: fmt.Sprint("R", i), Nodes: [2]string{nm, "in"}, G: 1e-5})
	}
	return c
}

// BenchmarkFactor measures one Newton iteration's linear algebra (Eval
// with the Jacobian, Factor, Solve) with each form of the Jacobian, on
// resistor-diode grids (sparse) and groups coupled all to all (dense), and
// reports the work Auto predicts for the sparse form. These figures set
// the constants of Auto's cost model.
func BenchmarkFactor(b *testing.B) {
	cases := map[string]*circuit.Circuit{}
	for _, k := range []int{10, 20, 32, 45, 64} {
		cases[fmt.Sprintf("grid%d", k*k)] = grid(k)
	}
	for _, n := range []int{50, 100, 200, 400} {
		cases[fmt.Sprintf("lateral%d", n)] = lateral(n)
	}
	for name, c := range cases {
		sys, err := mna.Compile(c)
		if err != nil {
			b.Fatal(err)
		}
		n := sys.Size()
		x := make([]float64, n)
		for i := range x {
			x[i] = 0.3
		}
		f, dx := make([]float64, n), make([]float64, n)
		for _, k := range []Kind{Dense, Sparse} {
			b.Run(fmt.Sprintf("%s/%v", name, k), func(b *testing.B) {
				m := New(sys, k, nil)
				for b.Loop() {
					m.Eval(f, x, nil, true)
					m.Factor()
					m.Solve(dx, f)
				}
				if s, ok := m.(*sparseMatrix); ok {
					nnz, madds := s.sym.Predicted()
					b.ReportMetric(madds, "madds")
					b.ReportMetric(nnz+float64(s.a.NNZ()), "entries")
					b.ReportMetric(s.cost(), "predicted-ns")
				} else {
					b.ReportMetric(denseCost(n), "predicted-ns")
				}
			})
		}
	}
}
