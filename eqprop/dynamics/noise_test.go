package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// TestNoiseCovariance checks the thermal noise of window means against
// the closed form of a reciprocal resistive network, covariance
// 2kT*G⁻¹/tau with G the conductance matrix of the free nodes: on a
// network of resistors (the dense path) and on a layered network of
// crossbars (the layered path), from 20,000 seeded draws, every variance
// and covariance within 5% of the largest variance (the draws' own
// scatter is about 1%). The noise must not move the measured means.
func TestNoiseCovariance(t *testing.T) {
	const w, temp, draws = 1e-6, 300.0, 20000
	dense := &circuit.Circuit{Temp: temp}
	dense.Add(
		&circuit.VSource{Name: "V", Nodes: [2]string{"x", circuit.Ground}, V: 1},
		&circuit.Resistor{Name: "G1", Nodes: [2]string{"x", "a"}, G: 1e-5},
		&circuit.Resistor{Name: "G2", Nodes: [2]string{"a", "b"}, G: 3e-6},
		&circuit.Resistor{Name: "G3", Nodes: [2]string{"b", circuit.Ground}, G: 2e-6},
		&circuit.Resistor{Name: "G4", Nodes: [2]string{"a", circuit.Ground}, G: 5e-7},
	)
	rng := rand.New(rand.NewPCG(3, 4))
	cond := func(r, c int) *mat.Dense {
		g := mat.NewDense(r, c, nil)
		for i := range r * c {
			g.RawMatrix().Data[i] = 1e-6 * (0.1 + rng.Float64())
		}
		return g
	}
	x := circuit.Group{Name: "x", Size: 3}
	h := circuit.Group{Name: "h", Size: 3}
	y := circuit.Group{Name: "y", Size: 2}
	layered := &circuit.Circuit{Temp: temp, Groups: []circuit.Group{x, h, y}}
	layered.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Amplitude: 1, Values: []float64{0.3, -0.5, 1}},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: cond(3, 3)},
		&circuit.Crossbar{Name: "W2", From: h.Nodes(), To: y.Nodes(), G: cond(3, 2)},
		&circuit.Resistor{Name: "RL", Nodes: [2]string{"y[0]", circuit.Ground}, G: 1e-6},
	)
	for _, tc := range []struct {
		name    string
		c       *circuit.Circuit
		layered bool
	}{{"dense", dense, false}, {"layered", layered, true}} {
		run, sys := newRunner(t, tc.c, Settings{Window: w})
		if l, _ := run.dc.Layered(); (l != nil) != tc.layered {
			t.Fatalf("%s: layered %v", tc.name, l != nil)
		}
		xs := make([]float64, sys.Size())
		if _, err := run.Run(xs, nil, 0, nil); err != nil {
			t.Fatal(err)
		}
		nf := sys.NumFree()
		// The closed form: the Jacobian of a resistive network is G.
		f := make([]float64, sys.Size())
		jac := mat.NewDense(sys.Size(), sys.Size(), nil)
		sys.Eval(f, jac, xs, nil)
		var inv mat.Dense
		if err := inv.Inverse(jac.Slice(0, nf, 0, nf)); err != nil {
			t.Fatal(err)
		}
		kT := circuit.Boltzmann * temp
		mean := append([]float64(nil), run.Measured()...)
		nodes := make([]int, nf)
		for u := range nf {
			nodes[u], _ = sys.NodeIndex(sys.UnknownName(u))
		}
		cov := mat.NewSymDense(nf, nil)
		sum := make([]float64, nf)
		v := make([]float64, len(mean))
		r := rand.New(rand.NewPCG(1, 2))
		for range draws {
			copy(v, mean)
			if err := run.AddNoiseTo(v, xs, r); err != nil {
				t.Fatal(err)
			}
			for a := range nf {
				da := v[nodes[a]] - mean[nodes[a]]
				sum[a] += da
				for b := a; b < nf; b++ {
					cov.SetSym(a, b, cov.At(a, b)+da*(v[nodes[b]]-mean[nodes[b]]))
				}
			}
		}
		big := 0.0
		for a := range nf {
			big = math.Max(big, 2*kT*inv.At(a, a)/w)
		}
		for a := range nf {
			if m := sum[a] / draws; math.Abs(m) > 0.05*math.Sqrt(big) {
				t.Errorf("%s: node %s: noise of mean %g V", tc.name, sys.UnknownName(a), m)
			}
			for b := a; b < nf; b++ {
				got, want := cov.At(a, b)/draws, 2*kT*inv.At(a, b)/w
				if math.Abs(got-want) > 0.05*big {
					t.Errorf("%s: cov(%s, %s) = %.4g V², closed form %.4g V²", tc.name, sys.UnknownName(a), sys.UnknownName(b), got, want)
				}
			}
		}
		t.Logf("%s: std of %s %.3g V, closed form %.3g V", tc.name, sys.UnknownName(0),
			math.Sqrt(cov.At(0, 0)/draws), math.Sqrt(2*kT*inv.At(0, 0)/w))
	}
}
