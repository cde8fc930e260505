package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// TestResponse checks Layered.ResponseTo against central finite
// differences of the DC equilibrium in a current source injecting into one
// node (driven ones included), on random layered networks (amplifiers,
// diodes, loose nodes), within 1e-4 of the largest response.
func TestResponse(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 5))
		c := layeredNet(rng, 1+rng.IntN(2), seed%2 == 0, seed%3 == 0, circuittest.Nonideal{})
		sys0 := compile(t, c)
		// A node to inject into, driven ones (whose current the
		// amplifier's mirror returns) included.
		node := sys0.UnknownName(rng.IntN(sys0.NumFree()))
		if seed%4 == 0 {
			for _, e := range c.Elements {
				if a, ok := e.(*circuit.Amplifier); ok {
					node = a.To[0]
				}
			}
		}
		inj := &circuit.ISource{Name: "INJ", Nodes: [2]string{circuit.Ground, node}}
		c.Add(inj)
		sys := compile(t, c)
		what := fmt.Sprintf("seed %d, node %s", seed, node)
		d := NewDC(sys, nil)
		l, err := d.Layered()
		if l == nil {
			t.Fatalf("%s: not layered: %v", what, err)
		}
		x, err := d.Solve(nil)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		nf := sys.NumFree()
		cur := make([]float64, nf)
		cur[sys.Unknown(node)] = 1
		lay := make([]float64, nf)
		if err := l.ResponseTo(lay, x.X, cur); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		const di = 1e-10
		var sol [2][]float64
		for k, s := range []float64{1, -1} {
			inj.I = s * di
			r, err := NewDC(sys, nil).Solve(x.X)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			sol[k] = r.X
		}
		inj.I = 0
		big := 0.0
		for _, v := range lay {
			big = math.Max(big, math.Abs(v))
		}
		for u := range nf {
			fd := (sol[0][u] - sol[1][u]) / (2 * di)
			if math.Abs(fd-lay[u]) > 1e-4*big {
				t.Errorf("%s: dV(%s)/dI = %.8g ohm, finite differences %.8g ohm", what, sys.UnknownName(u), lay[u], fd)
			}
		}
	}
}
