package eqprop_test

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/eqsim/eqsim/eqprop/device"

	. "github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
)

// TestTrainerDeviceIdeal checks that an ideal device with every
// nonideality off trains bit for bit like no device at all. (The initial
// conductances lie inside [GMin, GMax]: outside, the devices would clip
// them before the first batch, the ideal trainer only at its first update.)
func TestTrainerDeviceIdeal(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	n, cfg := smallKendall(t)
	ref, refStats := train(t, n, cfg, set, 1)

	for _, p := range []device.Params{{}, {Kind: device.Ideal, GMin: cfg.GMin, GMax: cfg.GMax}} {
		n, _ := smallKendall(t)
		c := cfg
		c.Device = &p
		tr, stats := train(t, n, c, set, 1)
		sameConductances(t, "ideal device", tr.State().Conductances, ref.State().Conductances)
		if stats[0].TrainLoss != refStats[0].TrainLoss {
			t.Errorf("ideal device: loss %v, want %v", stats[0].TrainLoss, refStats[0].TrainLoss)
		}
	}
	// The test can fail: asymmetric ideal devices train differently.
	n, _ = smallKendall(t)
	c := cfg
	c.Device = &device.Params{UpDown: 0.5}
	tr, _ := train(t, n, c, set, 1)
	if floats.Equal(tr.State().Conductances[0], ref.State().Conductances[0]) {
		t.Errorf("up_down = 0.5 trains like an ideal device")
	}
}

// deviceKendall returns smallKendall with devices p bounded to the
// network's initial range and a learning rate large enough to move them
// by several levels.
func deviceKendall(t *testing.T, p device.Params) (*native.Network, Config) {
	n, cfg := smallKendall(t)
	p.GMin, p.GMax = 1e-7, 1e-6
	cfg.Device = &p
	cfg.LearningRate = 1e-8
	return n, cfg
}

// TestTrainerDeviceLevels checks that with 8 levels every conductance of
// every block lies on a level after every batch, and that they move.
func TestTrainerDeviceLevels(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	n, cfg := deviceKendall(t, device.Params{Kind: device.Constant, DwMin: 2e-8, Levels: 8})
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	lv, err := device.New(*cfg.Device, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	onLevels := func(when string) {
		for k, g := range tr.State().Conductances {
			for i, v := range g {
				q := (v - 1e-7) / (9e-7 / 7)
				if r := math.Round(q); r < 0 || r > 7 || v != lv.Level(int(r)) {
					t.Fatalf("%s: block %d conductance %d = %g S is not on a level", when, k, i, v)
				}
			}
		}
	}
	onLevels("initially")
	before := tr.State().Conductances
	if _, err := tr.Epoch(context.Background(), set, func(done, total int) { onLevels("after a batch") }); err != nil {
		t.Fatal(err)
	}
	moved := 0
	for k, g := range tr.State().Conductances {
		for i, v := range g {
			if v != before[k][i] {
				moved++
			}
		}
	}
	if moved == 0 {
		t.Errorf("no conductance moved to another level: the test does not test quantisation")
	}
	t.Logf("%d conductances moved", moved)
}

// TestTrainerDeviceStuck checks that stuck devices hold their value
// through every batch while the others move.
func TestTrainerDeviceStuck(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	for _, at := range []string{device.StuckGMin, device.StuckGMax, device.StuckRandom} {
		n, cfg := deviceKendall(t, device.Params{Kind: device.SoftBounds, DwMin: 1e-9, StuckFraction: 0.25, StuckAt: at})
		tr, err := NewTrainer(n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		before := tr.State().Conductances
		stuck, free := 0, 0
		check := func() {
			g := tr.State().Conductances
			for k := range g {
				for i, v := range g[k] {
					d := tr.Devices(k).Device(i)
					if d.Stuck && (v != d.StuckAt || v != before[k][i]) {
						t.Fatalf("stuck at %s: block %d device %d moved from %g S to %g S (stuck at %g S)", at, k, i, before[k][i], v, d.StuckAt)
					}
				}
			}
		}
		check()
		if _, err := tr.Epoch(context.Background(), set, func(done, total int) { check() }); err != nil {
			t.Fatal(err)
		}
		after := tr.State().Conductances
		moved := 0
		for k := range after {
			for i, v := range after[k] {
				if tr.Devices(k).Device(i).Stuck {
					stuck++
				} else {
					free++
					if v != before[k][i] {
						moved++
					}
				}
			}
		}
		if frac := float64(stuck) / float64(stuck+free); math.Abs(frac-0.25) > 0.01 {
			t.Errorf("stuck at %s: %d of %d devices stuck", at, stuck, stuck+free)
		}
		if moved < free/2 {
			t.Errorf("stuck at %s: only %d of %d free devices moved", at, moved, free)
		}
	}
}

// TestTrainerDeviceDeterminism checks that with write noise the result
// depends on the seed but not on the number of workers, and that a run
// interrupted and resumed ends where an uninterrupted one does.
func TestTrainerDeviceDeterminism(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	p := device.Params{Kind: device.Linear, Gamma: 0.5, DwMin: 1e-9, DwMinStd: 0.3, DwMinDtoD: 0.1}
	var ref [][]float64
	for _, w := range []int{1, 2} {
		n, cfg := deviceKendall(t, p)
		cfg.Workers = w
		tr, _ := train(t, n, cfg, set, 2)
		if ref == nil {
			ref = tr.State().Conductances
			continue
		}
		sameConductances(t, "2 workers vs 1", tr.State().Conductances, ref)
	}

	// Interrupt after 2 batches of epoch 1, resume on a fresh network.
	n, cfg := deviceKendall(t, p)
	cfg.Workers = 2
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	batches := 0
	tr.Epoch(ctx, set, func(done, total int) {
		if batches++; batches == 2 {
			cancel()
		}
	})
	cancel()
	fresh, _ := deviceKendall(t, p)
	tr2, err := NewTrainer(fresh, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr2.Restore(tr.State()); err != nil {
		t.Fatal(err)
	}
	for tr2.State().Epoch < 2 {
		if _, err := tr2.Epoch(context.Background(), set, nil); err != nil {
			t.Fatal(err)
		}
	}
	sameConductances(t, "resumed", tr2.State().Conductances, ref)

	// The noise is on: without it, or with another seed, the result differs.
	for _, c := range []struct {
		what string
		std  float64
		seed uint64
	}{{"no write noise", 0, 0}, {"seed 4", 0.3, 4}} {
		q := p
		q.DwMinStd = c.std
		n, cfg := deviceKendall(t, q)
		if c.seed != 0 {
			cfg.Seed = c.seed
		}
		tr, _ := train(t, n, cfg, set, 2)
		if floats.Equal(tr.State().Conductances[0], ref[0]) {
			t.Errorf("%s gives the same conductances", c.what)
		}
	}
}
