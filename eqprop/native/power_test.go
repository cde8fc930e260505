package native

import (
	"context"
	"math"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/eqprop"
)

// TestEvaluatePower checks the mean power of EvaluateSet against the
// power mna.System.Power gives at each sample's free equilibrium, summed
// cell by cell, on a layered network (whose Network measures it at the
// cost of its free nodes) and on one with an amplifier.
func TestEvaluatePower(t *testing.T) {
	for _, gain := range []float64{0, 3} {
		c, cfg := layeredNet(6, 5, 3, gain, 2)
		n, err := New(c, cfg)
		if err != nil {
			t.Fatal(err)
		}
		set := randomSet(12, 6, 3, 4)
		tr, err := eqprop.NewTrainer(n, eqprop.Config{Workers: 2, Readout: eqprop.Readout{High: 0.1, Low: -0.1}})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := tr.EvaluateSet(context.Background(), set)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := New(c, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for i := range set.Len() {
			ref.Reset()
			ref.SetInput(set.Sample(i))
			if err := ref.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
				t.Fatal(err)
			}
			sys, x := ref.System()
			sys2, err := mna.Compile(sys.Circuit())
			if err != nil {
				t.Fatal(err)
			}
			p := sys2.Power(x)
			if math.Abs(ref.Power()-p.Total()) > 1e-12*math.Abs(p.Total()) {
				t.Errorf("gain %g, sample %d: Power %g W, System.Power %g W", gain, i, ref.Power(), p.Total())
			}
			sum += p.Total()
		}
		if want := sum / float64(set.Len()); !(math.Abs(ev.MeanPower-want) <= 1e-12*want) {
			t.Errorf("gain %g: mean power %g W, want %g W", gain, ev.MeanPower, want)
		}
		if ev.MeanPower <= 0 {
			t.Errorf("gain %g: mean power %g W, want positive", gain, ev.MeanPower)
		}
	}
}
