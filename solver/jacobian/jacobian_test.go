package jacobian

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
)

// TestFormsAgree checks that the dense and the sparse forms, with the
// same extra diagonal and pair stamps, solve A·x = b and Aᵀ·x = b alike
// (against the residual of the dense matrix), with factorizations reused
// across new values (the sparse Refactor) and after a change of pivots.
func TestFormsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, c := range map[string]func() *mna.System{
		"grid100":    func() *mna.System { return compile(t, grid(10)) },
		"lateral30":  func() *mna.System { return compile(t, lateral(30)) },
		"lateral120": func() *mna.System { return compile(t, lateral(120)) },
	} {
		sys := c()
		n := sys.Size()
		pairs := []Pair{{0, n - 1}, {1, -1}, {n / 2, 2}}
		d, s := New(sys, Dense, pairs), New(sys, Sparse, pairs)
		f := make([]float64, n)
		for round := range 3 {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.Float64() - 0.3
			}
			for _, m := range []Matrix{d, s} {
				m.Eval(f, x, nil, true)
				m.AddDiag(3, 1e-3*float64(round))
				for k := range pairs {
					m.AddPair(k, 1e-4*float64(k+1))
				}
				if !m.Factor() {
					t.Fatalf("%s: %v: singular", name, m.Kind())
				}
			}
			for i := range n {
				if a, b := d.Diag(i), s.Diag(i); a != b {
					t.Errorf("%s: diagonal %d: dense %g, sparse %g", name, i, a, b)
				}
			}
			b := make([]float64, n)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			for _, trans := range []bool{false, true} {
				xd, xs := make([]float64, n), make([]float64, n)
				solve := func(m Matrix, dst []float64) bool {
					if trans {
						return m.SolveTrans(dst, b)
					}
					return m.Solve(dst, b)
				}
				if !solve(d, xd) || !solve(s, xs) {
					t.Fatalf("%s: solve failed", name)
				}
				for i := range xd {
					if math.Abs(xd[i]-xs[i]) > 1e-9*(math.Abs(xd[i])+1e-3) {
						t.Errorf("%s (trans %v, round %d): x[%d] dense %g, sparse %g", name, trans, round, i, xd[i], xs[i])
						break
					}
				}
			}
		}
	}
}

// TestAutoChooses checks that Auto takes the sparse form for a mesh and
// the dense one for a group coupled all to all, as BenchmarkFactor
// measures them faster.
func TestAutoChooses(t *testing.T) {
	for _, tc := range []struct {
		sys  *mna.System
		want Kind
	}{
		{compile(t, grid(20)), Sparse},
		{compile(t, lateral(100)), Dense},
		{compile(t, lateral(20)), Dense},
	} {
		if got := New(tc.sys, Auto, nil).Kind(); got != tc.want {
			t.Errorf("%d unknowns: %v, want %v", tc.sys.Size(), got, tc.want)
		}
	}
}

// TestSingular checks that a singular matrix fails to factor or solve in
// either form: a node whose conductances are cancelled by AddDiag.
func TestSingular(t *testing.T) {
	c := &circuit.Circuit{}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "0"}, G: 1e-3})
	sys := compile(t, c)
	for _, k := range []Kind{Dense, Sparse} {
		m := New(sys, k, nil)
		m.Eval(make([]float64, 1), make([]float64, 1), nil, true)
		m.AddDiag(0, -m.Diag(0))
		ok := m.Factor()
		dst := []float64{0}
		if ok && m.Solve(dst, []float64{1}) {
			t.Errorf("%v: a zero matrix solved: %v", k, dst)
		}
	}
}

func compile(t *testing.T, c *circuit.Circuit) *mna.System {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}
