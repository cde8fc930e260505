package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
)

// TestDenseResponse checks the dense response off the layered path
// against the layered solver's (which solver's tests check against finite
// differences) on a layered network with rectifiers and an amplifier,
// every node, driven ones included, within 1e-9 of the largest response.
func TestDenseResponse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	cond := func(r, c int) *mat.Dense {
		g := mat.NewDense(r, c, nil)
		for i := range r * c {
			g.RawMatrix().Data[i] = 1e-6 * (0.1 + rng.Float64())
		}
		return g
	}
	x := circuit.Group{Name: "x", Size: 4}
	h := circuit.Group{Name: "h", Size: 3}
	a := circuit.Group{Name: "a", Size: 3}
	y := circuit.Group{Name: "y", Size: 2}
	c := &circuit.Circuit{Groups: []circuit.Group{x, h, a, y}}
	d := circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Amplitude: 1, Values: []float64{0.3, -0.5, 1, 0.8}},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: 0.1},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: -0.1},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: cond(4, 3)},
		&circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: d, High: "vhi", Low: "vlo"},
		&circuit.Amplifier{Name: "A", From: h.Nodes(), To: a.Nodes(), Gain: 3},
		&circuit.Crossbar{Name: "W2", From: a.Nodes(), To: y.Nodes(), G: cond(3, 2)},
	)
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	dc := solver.NewDC(sys, nil)
	l, _ := dc.Layered()
	if l == nil {
		t.Fatal("not layered")
	}
	res, err := dc.Solve(nil)
	if err != nil {
		t.Fatal(err)
	}
	nf := sys.NumFree()
	for u := range nf {
		cur := make([]float64, nf)
		cur[u] = 1
		lay, dense := make([]float64, nf), make([]float64, nf)
		if err := l.ResponseTo(lay, res.X, cur); err != nil {
			t.Fatal(err)
		}
		if err := newDenseResponse(sys).solve(sys, dense, res.X, cur); err != nil {
			t.Fatal(err)
		}
		big := 0.0
		for _, v := range lay {
			big = math.Max(big, math.Abs(v))
		}
		for k := range nf {
			if math.Abs(lay[k]-dense[k]) > 1e-9*big {
				t.Errorf("current into %s: dV(%s)/dI %.10g ohm dense, %.10g ohm layered", sys.UnknownName(u), sys.UnknownName(k), dense[k], lay[k])
			}
		}
	}
}
