package mna

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// TestRealPartsJacobianAndCoContent checks the analytic Jacobian with
// diode series resistance and breakdown and saturating amplifiers with
// output resistance against finite differences, and that the residual
// of a circuit without controlled sources stays the gradient of its
// co-content.
func TestRealPartsJacobianAndCoContent(t *testing.T) {
	for seed := range uint64(16) {
		rng := rand.New(rand.NewPCG(seed, 0x7265616c)) // "real"
		c := randomCircuit(rng, seed%2 == 0, circuittest.Nonideal{})
		circuittest.RealParts(c, rng)
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		x := randX(rng, s)
		for i := range s.NumFree() {
			x[i] *= 2 // into breakdown, through the tanh
		}
		checkJacobian(t, s, x, seed)
		if seed%2 == 0 {
			continue
		}
		checkCoContentGradient(t, c, s, x, seed)
	}
}

// TestRealAmplifierChannel checks a channel's equation and power: at any
// x the branch row is V(to) - swing*tanh((gain*V(from) + offset)/swing) -
// rout*I, and the controlled power is the output stage's, rout's loss
// included.
func TestRealAmplifierChannel(t *testing.T) {
	c := circ(
		&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 0.2},
		&circuit.Resistor{Name: "R", Nodes: [2]string{"in", "a"}, G: 1e-3},
		&circuit.Resistor{Name: "RL", Nodes: [2]string{"b", "0"}, G: 1e-3},
		&circuit.Amplifier{Name: "A", From: []string{"a"}, To: []string{"b"}, Gain: 5, Swing: 0.7, Rout: 250,
			Offsets: []float64{0.03}, Variation: circuit.AmplifierVariation{}},
	)
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.15, 0.4, -2e-4}
	x[s.Unknown("a")], x[s.Unknown("b")], x[s.Unknown("A[0]")] = 0.15, 0.4, -2e-4
	f := make([]float64, s.Size())
	s.Eval(f, nil, x, nil)
	ib := x[s.Unknown("A[0]")]
	want := 0.4 - 0.7*math.Tanh((5*0.15+0.03)/0.7) - 250*ib
	if got := f[s.Unknown("A[0]")]; math.Abs(got-want) > 1e-15 {
		t.Errorf("branch row %g, want %g", got, want)
	}
	// The output stage delivers -ib at its own voltage, V(b) - rout*ib.
	p := s.Power(x)
	if w := -(0.4 - 250*ib) * ib; math.Abs(p.Controlled-(w+0.15*ib/5)) > 1e-18 {
		t.Errorf("controlled power %g, want %g", p.Controlled, w+0.15*ib/5)
	}
}
