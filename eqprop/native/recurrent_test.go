package native

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"

	"github.com/eqsim/eqsim/eqprop"
)

// recurrentXOR returns xorNet with a trainable lateral crossbar L from the
// hidden group to itself: a layered network. With loop true the
// amplifier's gain is 1 and the network has two more loops that are not
// layered: a feedback crossbar F from the outputs back to the hidden
// group, and a second hidden group h2 fed from a that feeds the outputs
// (F2).
//
// A feedback crossbar between groups that an amplifier of gain g also
// joins breaks the circuit's symmetry (the amplified path weighs the
// hidden group's energy by g², the direct one does not), so EqProp's
// estimate is biased there; with gain 1 the amplifier is a buffer and the
// circuit stays a gradient system.
func recurrentXOR(loop bool) (*circuit.Circuit, Config) {
	gain := 4.0
	if loop {
		gain = 1
	}
	c, nc := xorNet(6, gain, -0.3, 0.3, 1e-7, 1e-6, 3)
	rng := rand.New(rand.NewPCG(8, 8))
	uni := func(r, k int) *mat.Dense {
		m := mat.NewDense(r, k, nil)
		for i := range r {
			for j := range k {
				m.Set(i, j, 1e-8+1e-7*rng.Float64())
			}
		}
		return m
	}
	h, _ := c.Group("h")
	c.Add(&circuit.Crossbar{Name: "L", From: h.Nodes(), To: h.Nodes(), G: uni(h.Size, h.Size), Trainable: true})
	if loop {
		y, _ := c.Group("y")
		h2 := circuit.Group{Name: "h2", Size: 3}
		a, _ := c.Group("a")
		c.Groups = append(c.Groups, h2)
		c.Add(
			&circuit.Crossbar{Name: "F", From: y.Nodes(), To: h.Nodes(), G: uni(y.Size, h.Size), Trainable: true},
			&circuit.Crossbar{Name: "W3", From: a.Nodes(), To: h2.Nodes(), G: uni(a.Size, 3), Trainable: true},
			&circuit.Rectifier{Name: "D2", Nodes: h2.Nodes(), Model: circuittest.KendallDiode, High: "vhi", Low: "vlo"},
			&circuit.Crossbar{Name: "F2", From: h2.Nodes(), To: y.Nodes(), G: uni(3, y.Size), Trainable: true},
		)
	}
	return c, nc
}

// TestGradCheckRecurrent checks the exact gradient against finite
// differences, and the centered EqProp estimate against the exact
// gradient, on recurrent networks: a lateral crossbar that keeps the
// network layered (the layered solver relaxes it), and loops of groups
// that do not (Newton relaxes them).
func TestGradCheckRecurrent(t *testing.T) {
	for _, loop := range []bool{false, true} {
		c, nc := recurrentXOR(loop)
		n := mustNew(t, c, nc)
		if l, _ := n.free.dc.Layered(); (l != nil) == loop {
			t.Fatalf("loop %v: layered %v", loop, l != nil)
		}
		rep, err := GradCheck(n, xorSet(), 0, 60, eqprop.Config{Readout: eqprop.Readout{High: 0.1, Low: -0.1}})
		if err != nil {
			t.Fatalf("loop %v: %v", loop, err)
		}
		if !(rep.ExactVsFD.RelError <= 1e-5) {
			t.Errorf("loop %v: exact vs FD relative error %g on %d parameters", loop, rep.ExactVsFD.RelError, rep.ExactVsFD.Params)
		}
		for _, e := range rep.Estimators {
			if e.Name == eqprop.Centered && e.Cosine < 0.999 {
				t.Errorf("loop %v: centered cosine %g", loop, e.Cosine)
			}
		}
		t.Logf("loop %v: %+v", loop, rep)
	}
}
