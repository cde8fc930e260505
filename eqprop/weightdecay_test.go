package eqprop_test

import (
	"context"
	"math"
	"testing"

	. "github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/device"
)

// TestTrainerWeightDecay checks the step of the loss term
// WeightDecay/2*(g - GMin)^2: one batch with weight decay ends where the
// same batch without it ends, less rate*WeightDecay*(g0 - GMin) for every
// conductance g0 of the start that neither run clipped, at each block's
// own rate, with and without devices.
func TestTrainerWeightDecay(t *testing.T) {
	set := randomSet(7, 40, 4, 1) // one batch of smallKendall's 7
	for _, dev := range []*device.Params{nil, {Kind: device.Ideal}} {
		n, cfg := smallKendall(t)
		cfg.LearningRates = map[string]float64{"W2": 3e-9}
		cfg.Device = dev
		start, err := NewTrainer(n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		g0 := start.State().Conductances
		plain, _ := train(t, n, cfg, set, 1)

		n, _ = smallKendall(t)
		const wd = 2e6 // a step of 0.2% at 1e-9 S^2/V^2, 0.6% at W2's
		cfg.WeightDecay = wd
		decayed, _ := train(t, n, cfg, set, 1)

		d := cfg.WithDefaults()
		lo, hi := d.GMin, d.GMax
		gp, gd := plain.State().Conductances, decayed.State().Conductances
		for k, b := range n.Blocks() {
			rate := d.Rate(b.Name, 0)
			checked := 0
			for i, g := range g0[k] {
				if gp[k][i] <= lo || gp[k][i] >= hi || gd[k][i] <= lo || gd[k][i] >= hi {
					continue
				}
				want := gp[k][i] - rate*wd*(g-lo)
				if math.Abs(gd[k][i]-want) > 1e-12*math.Abs(g) {
					t.Fatalf("device %v, block %s, conductance %d: %g S after decay, want %g S (%g S without, %g S at the start)",
						dev != nil, b.Name, i, gd[k][i], want, gp[k][i], g)
				}
				checked++
			}
			if checked < len(g0[k])/2 {
				t.Errorf("device %v, block %s: only %d of %d conductances unclipped", dev != nil, b.Name, checked, len(g0[k]))
			}
		}
	}
}

// TestTrainerWeightDecayShrinks checks the regularisation over many
// updates: with a learning rate too small to matter against the decay,
// every conductance's distance to GMin shrinks by the factor
// (1 - rate*WeightDecay) per batch, and the test can fail (a decay that
// grew or ignored the rate would miss the closed form).
func TestTrainerWeightDecayShrinks(t *testing.T) {
	set := randomSet(28, 40, 4, 2) // four batches of 7
	n, cfg := smallKendall(t)
	cfg.LearningRate = 1e-30
	cfg.LRDecay = 0.5
	cfg.WeightDecay = 1e27 // 0.001 of the distance per batch in epoch 1, 0.0005 in epoch 2
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	g0 := tr.State().Conductances
	for range 2 {
		if _, err := tr.Epoch(context.Background(), set, nil); err != nil {
			t.Fatal(err)
		}
	}
	gmin := cfg.WithDefaults().GMin
	factor := math.Pow(1-1e-3, 4) * math.Pow(1-5e-4, 4)
	for k, g := range tr.State().Conductances {
		for i := range g {
			want := gmin + factor*(g0[k][i]-gmin)
			if math.Abs(g[i]-want) > 1e-9*(g0[k][i]-gmin)+1e-20 {
				t.Fatalf("block %d, conductance %d: %g S, want %g S (%g S at the start)", k, i, g[i], want, g0[k][i])
			}
		}
	}
}
