package mna

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// TestLayeringPower checks the layering's power against System.Power on
// layered networks: after PinnedTo, after new inputs that PinnedTo has
// not seen (summed cell by cell), and after new weights and Refresh.
func TestLayeringPower(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 0x706f776572)) // "power"
		c := layeredCircuit(rng, 1+int(seed%3), seed%2 == 1)
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.Layering()
		if err != nil {
			t.Fatal(err)
		}
		cur, vj := make([]float64, s.NumFree()), make([]float64, len(l.Junctions))
		check := func(what string) {
			x := randX(rng, s)
			want, got := s.Power(x), l.Power(x)
			if math.Abs(got.Sources-want.Sources) > 1e-12*math.Abs(want.Sources)+1e-18 || got.Controlled != want.Controlled {
				t.Errorf("seed %d, %s: power %+v, System's %+v", seed, what, got, want)
			}
		}
		l.PinnedTo(cur, vj)
		check("after PinnedTo")
		in := c.Element("in").(*circuit.Input)
		in.Values[0] += 0.5
		s.UpdatePins()
		check("new inputs")
		for _, e := range c.Elements {
			if x, ok := e.(*circuit.Crossbar); ok {
				x.G.Scale(1.5, x.G)
			}
		}
		l.Refresh()
		l.PinnedTo(cur, vj)
		check("new weights")
	}
}
