package eqprop_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"

	. "github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
)

// TestTrainerUpdate checks one batch against its definition:
// G <- clip(G - lr*sum of Gradient/m, GMin, GMax).
func TestTrainerUpdate(t *testing.T) {
	n, cfg := smallKendall(t)
	cfg.BatchSize = 5
	cfg.GMax = 9e-7 // some updates clip
	set := randomSet(5, 40, 4, 2)
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	before := tr.State().Conductances
	cfg = tr.Config()
	sum := newGrads(n.Blocks())
	y := make([]float64, 4)
	for i := range set.Len() {
		cfg.Readout.TargetTo(y, set.Labels[i])
		if err := Gradient(sum, make([]float64, 4), n, Centered, cfg, set.Sample(i), y); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.Epoch(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
	after := tr.State().Conductances
	clipped := 0
	for k := range before {
		for i, g := range before[k] {
			want := g - cfg.LearningRate*sum[k][i]/5
			if want > cfg.GMax {
				want = cfg.GMax
				clipped++
			}
			want = math.Max(want, cfg.GMin)
			if math.Abs(after[k][i]-want) > 1e-9*want {
				t.Fatalf("block %d entry %d: %g S, want %g S", k, i, after[k][i], want)
			}
		}
	}
	if clipped == 0 {
		t.Errorf("no update clipped at GMax: the test does not test clipping")
	}
	got := make([]float64, len(after[0]))
	n.ConductancesTo(got, 0)
	if !floats.Equal(got, after[0]) {
		t.Errorf("the network's conductances differ from the trainer's state")
	}
}

// TestTrainerWorkers checks that the number of workers does not change
// the result by a bit.
func TestTrainerWorkers(t *testing.T) {
	set := randomSet(45, 40, 4, 1)
	var ref [][]float64
	var refStats []EpochStats
	for _, w := range []int{1, 3} {
		n, cfg := smallKendall(t)
		cfg.Workers = w
		tr, stats := train(t, n, cfg, set, 2)
		s := tr.State()
		if ref == nil {
			ref, refStats = s.Conductances, stats
			continue
		}
		sameConductances(t, "3 workers vs 1", s.Conductances, ref)
		for e := range stats {
			if stats[e].TrainLoss != refStats[e].TrainLoss || stats[e].TrainError != refStats[e].TrainError {
				t.Errorf("epoch %d: 3 workers: loss %v error %v, 1 worker: %v %v", e+1, stats[e].TrainLoss, stats[e].TrainError, refStats[e].TrainLoss, refStats[e].TrainError)
			}
		}
	}
	// A different seed shuffles differently.
	n, cfg := smallKendall(t)
	cfg.Seed = 4
	tr, _ := train(t, n, cfg, set, 2)
	if floats.Equal(tr.State().Conductances[0], ref[0]) {
		t.Errorf("seeds 3 and 4 give the same conductances")
	}
}

// TestTrainerResume interrupts an epoch after some batches, restores its
// state into a fresh trainer on a fresh copy of the network and finishes:
// the conductances and metrics must equal those of a run never
// interrupted.
func TestTrainerResume(t *testing.T) {
	set := randomSet(50, 40, 4, 1)
	n, cfg := smallKendall(t)
	cfg.Workers = 2
	ref, refStats := train(t, n, cfg, set, 2)

	for _, stopAfter := range []int{1, 4, 8} { // 8 batches: stop at the end of epoch 1
		n, _ := smallKendall(t)
		tr, err := NewTrainer(n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		batches := 0
		_, err = tr.Epoch(ctx, set, func(done, total int) {
			batches++
			if batches == stopAfter {
				cancel()
			}
		})
		cancel()
		wantErr := context.Canceled
		if stopAfter == 8 {
			wantErr = nil
		}
		if !errors.Is(err, wantErr) {
			t.Fatalf("stop after %d: Epoch returned %v, want %v", stopAfter, err, wantErr)
		}
		st := tr.State()
		if stopAfter < 8 && (st.Epoch != 0 || st.Batch != stopAfter || st.Seen != stopAfter*7) {
			t.Fatalf("stop after %d: state at epoch %d batch %d seen %d", stopAfter, st.Epoch, st.Batch, st.Seen)
		}

		fresh, _ := smallKendall(t)
		tr2, err := NewTrainer(fresh, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr2.Restore(st); err != nil {
			t.Fatal(err)
		}
		var stats []EpochStats
		for tr2.State().Epoch < 2 {
			s, err := tr2.Epoch(context.Background(), set, nil)
			if err != nil {
				t.Fatal(err)
			}
			stats = append(stats, s)
		}
		sameConductances(t, "resumed", tr2.State().Conductances, ref.State().Conductances)
		last, want := stats[len(stats)-1], refStats[1]
		if last.Epoch != 2 || last.TrainLoss != want.TrainLoss || last.TrainError != want.TrainError || last.Samples != want.Samples {
			t.Errorf("stop after %d: last epoch %+v, want %+v", stopAfter, last, want)
		}
	}
}

// TestTrainerLRDecay checks that epoch e trains at the learning rates
// times LRDecay^e: two epochs with a decay of 1/2 end where one epoch at
// the full rates, resumed into a trainer at half the rates, ends.
func TestTrainerLRDecay(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	n, cfg := smallKendall(t)
	cfg.LearningRates = map[string]float64{"W2": 3e-9}
	decayed := cfg
	decayed.LRDecay = 0.5
	ref, _ := train(t, n, decayed, set, 2)

	n, _ = smallKendall(t)
	first, _ := train(t, n, cfg, set, 1)
	half := cfg
	half.LearningRate /= 2
	half.LearningRates = map[string]float64{"W2": 1.5e-9}
	n, _ = smallKendall(t)
	tr, err := NewTrainer(n, half)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Restore(first.State()); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Epoch(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
	sameConductances(t, "decay 1/2 vs half rates in epoch 2", ref.State().Conductances, tr.State().Conductances)

	n, _ = smallKendall(t)
	constant, _ := train(t, n, cfg, set, 2)
	if floats.Equal(constant.State().Conductances[0], ref.State().Conductances[0]) {
		t.Errorf("a decay of 1/2 changed nothing")
	}
}

// TestTrainerXOR trains a small layered XOR network (differential inputs,
// a bias pair, 8 hidden nodes with rectifiers, amplifiers of gain 4, one
// output per class) to no error.
func TestTrainerXOR(t *testing.T) {
	train, test := xorSet(), xorSet()
	for seed := uint64(1); seed <= 4; seed++ {
		c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, seed)
		nc.Nudge = NudgeKind(seed % 2) // both nudges
		n := mustNative(t, c, nc)
		tr, err := NewTrainer(n, Config{BatchSize: 1, LearningRate: 1e-11, Readout: Readout{High: 0.1, Low: -0.1}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_, e0, err := tr.Evaluate(ctx, test)
		if err != nil {
			t.Fatal(err)
		}
		epochs, rate := 0, 1.0
		for ; epochs < 300 && rate > 0; epochs++ {
			if _, err := tr.Epoch(ctx, train, nil); err != nil {
				t.Fatal(err)
			}
			if _, rate, err = tr.Evaluate(ctx, test); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("seed %d, %v nudge: error %.2f before, %.2f after %d epochs", seed, nc.Nudge, e0, rate, epochs)
		if rate != 0 {
			t.Errorf("seed %d: XOR error %.2f after %d epochs", seed, rate, epochs)
		}
	}
}

// TestEvaluate compares the parallel evaluation with a serial one.
func TestEvaluate(t *testing.T) {
	set := randomSet(30, 40, 4, 7)
	n, cfg := smallKendall(t)
	cfg.Workers = 3
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	loss, rate, err := tr.Evaluate(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	var wantLoss float64
	wrong := 0
	m := NewMeasurement(n.Blocks(), 4)
	y := make([]float64, 4)
	for i := range set.Len() {
		n.SetInput(set.Sample(i))
		if err := n.Relax(Phase{Kind: Free}); err != nil {
			t.Fatal(err)
		}
		n.Measure(m)
		cfg.Readout.TargetTo(y, set.Labels[i])
		for k := range y {
			wantLoss += (m.Outputs[k] - y[k]) * (m.Outputs[k] - y[k]) / 2
		}
		if cfg.Readout.Predict(m.Outputs) != set.Labels[i] {
			wrong++
		}
	}
	wantLoss /= float64(set.Len())
	if math.Abs(loss-wantLoss) > 1e-9*wantLoss || rate != float64(wrong)/float64(set.Len()) {
		t.Errorf("Evaluate: loss %g error %g, want %g %g", loss, rate, wantLoss, float64(wrong)/float64(set.Len()))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := tr.Evaluate(ctx, set); !errors.Is(err, context.Canceled) {
		t.Errorf("Evaluate with a cancelled context: %v", err)
	}
}

func TestTrainerErrors(t *testing.T) {
	n, cfg := smallKendall(t)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"bad beta", Config{Beta: -1}},
		{"unknown estimator", Config{Estimator: "backprop"}},
		{"unknown block", Config{LearningRates: map[string]float64{"W9": 1}}},
		{"gmax below gmin", Config{GMin: 1e-6, GMax: 1e-7}},
	} {
		if _, err := NewTrainer(n, tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	c, nc := resistorNet() // one output
	if _, err := NewTrainer(mustNative(t, c, nc), Config{Readout: Readout{Differential: true, High: 1}}); err == nil {
		t.Errorf("differential readout of one output: no error")
	}
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Epoch(context.Background(), randomSet(10, 41, 4, 1), nil); err == nil {
		t.Errorf("Epoch on a set of 41 features: no error")
	}
	if _, err := tr.Epoch(context.Background(), randomSet(10, 40, 5, 1), nil); err == nil {
		t.Errorf("Epoch on a set of 5 classes for 4 outputs: no error")
	}
	good := tr.State()
	for name, s := range map[string]State{
		"blocks":   {Conductances: good.Conductances[:1]},
		"shape":    {Conductances: [][]float64{good.Conductances[0], good.Conductances[1][1:]}},
		"negative": {Conductances: [][]float64{good.Conductances[0], append([]float64{-1}, good.Conductances[1][1:]...)}},
		"counts":   {Errors: 3, Seen: 2, Conductances: good.Conductances},
	} {
		if err := tr.Restore(s); err == nil {
			t.Errorf("Restore with bad %s: no error", name)
		}
	}
	sameConductances(t, "after failed restores", tr.State().Conductances, good.Conductances)
}

// TestTrainerNewton trains the network that native.Network solves with Newton's
// method, single resistors as 1x1 blocks, and checks the loss falls.
func TestTrainerNewton(t *testing.T) {
	c, nc := resistorNet()
	n := mustNative(t, c, nc)
	set := &Set{Name: "and", Features: 2, Classes: 1, X: []float64{0, 0, 0, 1, 1, 0, 1, 1}, Labels: []int{0, 0, 0, 0}}
	// One output, one class: the target is always High; the loss must fall.
	tr, err := NewTrainer(n, Config{BatchSize: 2, LearningRate: 1e-9, Readout: Readout{High: 0.3, Low: 0}})
	if err != nil {
		t.Fatal(err)
	}
	l0, _, err := tr.Evaluate(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := tr.Epoch(context.Background(), set, nil); err != nil {
			t.Fatal(err)
		}
	}
	l1, _, err := tr.Evaluate(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if !(l1 < l0/2) {
		t.Errorf("loss %g before, %g after training", l0, l1)
	}
}

// augDraw is what the trainer drew for one training sample: its move and
// whether it is mirrored.
type augDraw struct {
	dx, dy int
	mirror bool
}

// checkAugmentation trains one epoch with cfg's augmentation (Shift,
// Flip) and compares with an epoch without it on a set holding the images
// as the trainer drew them (Set.MovedTo), on one worker and on three; it
// checks that the augmentation changed the training and that epoch 1
// draws otherwise than epoch 0, and returns epoch 0's draws.
func checkAugmentation(t *testing.T, cfg Config) []augDraw {
	t.Helper()
	set := randomSet(30, 36, 4, 1)
	// A new circuit for every trainer: a network updates its
	// circuit's conductances in place.
	net := func() *native.Network {
		c, nc := kendall(36, 12, 4, 1)
		return mustNative(t, c, nc)
	}
	ref, _ := train(t, net(), cfg, set, 1)

	probe, err := NewTrainer(net(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	draws := func(epoch int) []augDraw {
		d := make([]augDraw, set.Len())
		for i := range d {
			d[i].dx, d[i].dy, d[i].mirror = probe.Draw(epoch, i)
		}
		return d
	}
	first := draws(0)
	shown := &Set{Name: "shown", Features: 36, Classes: 4, X: make([]float64, len(set.X)), Labels: set.Labels}
	for i, d := range first {
		set.MovedTo(shown.X[i*36:(i+1)*36], i, d.dx, d.dy, d.mirror)
	}
	plain := cfg
	plain.Shift, plain.Flip = 0, false
	got, _ := train(t, net(), plain, shown, 1)
	sameConductances(t, "augmented vs the set as shown", ref.State().Conductances, got.State().Conductances)
	bare, _ := train(t, net(), plain, set, 1)
	if floats.Equal(bare.State().Conductances[0], ref.State().Conductances[0]) {
		t.Error("augmenting the images changed nothing")
	}

	three := cfg
	three.Workers = 3
	got, _ = train(t, net(), three, set, 1)
	sameConductances(t, "augmented on 1 vs 3 workers", ref.State().Conductances, got.State().Conductances)

	if slices.Equal(draws(1), first) {
		t.Error("every sample is drawn the same in epochs 1 and 2")
	}
	return first
}

// TestTrainerShift checks training with images moved by up to a pixel
// (checkAugmentation), and that the moves cover [-1, 1] both ways.
func TestTrainerShift(t *testing.T) {
	cfg := Config{BatchSize: 7, LearningRate: 1e-9, Readout: Readout{High: 0.1, Low: -0.1}, Seed: 3, Shift: 1, Workers: 1}
	seen := map[[2]int]bool{}
	for _, d := range checkAugmentation(t, cfg) {
		seen[[2]int{d.dx, d.dy}] = true
		if d.mirror {
			t.Fatal("a sample mirrored without Flip")
		}
	}
	if len(seen) < 7 {
		t.Errorf("30 samples took only the moves %v", seen)
	}
}

// TestTrainerFlip checks training with images mirrored at random
// (checkAugmentation), and that about half the images are mirrored.
func TestTrainerFlip(t *testing.T) {
	cfg := Config{BatchSize: 7, LearningRate: 1e-9, Readout: Readout{High: 0.1, Low: -0.1}, Seed: 3, Flip: true, Workers: 1}
	n := 0
	for _, d := range checkAugmentation(t, cfg) {
		if d.dx != 0 || d.dy != 0 {
			t.Fatal("a sample moved without Shift")
		}
		if d.mirror {
			n++
		}
	}
	if n < 8 || n > 22 {
		t.Errorf("%d of 30 samples mirrored, want about half", n)
	}
}

// TestTrainerInputDropout checks dropout of the inputs: every feature the
// trainer shows is 0 or the sample's feature times 1/(1 - p), about a
// fraction p of them 0; an epoch trains as an epoch without dropout on a
// set holding the samples as shown, on one worker and on three; epoch 1
// drops other features than epoch 0; and testing drops none.
func TestTrainerInputDropout(t *testing.T) {
	const p = 0.25
	set := randomSet(30, 36, 4, 1)
	net := func() *native.Network {
		c, nc := kendall(36, 12, 4, 1)
		return mustNative(t, c, nc)
	}
	cfg := Config{BatchSize: 7, LearningRate: 1e-9, Readout: Readout{High: 0.1, Low: -0.1}, Seed: 3, InputDropout: p, Workers: 1}
	probe, err := NewTrainer(net(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	shown := &Set{Name: "shown", Features: 36, Classes: 4, Labels: set.Labels}
	dropped := 0
	for i := range set.Len() {
		x, raw := probe.Shown(0, set, i), set.Sample(i)
		for j, v := range x {
			switch {
			case v == 0:
				dropped++
			case v != raw[j]*(1/(1-p)):
				t.Fatalf("sample %d feature %d: %v shown, want 0 or %v/(1 - %v)", i, j, v, raw[j], p)
			}
		}
		shown.X = append(shown.X, x...)
		if slices.Equal(probe.Shown(1, set, i), x) {
			t.Errorf("sample %d: the same features dropped in epochs 0 and 1", i)
		}
	}
	// 1080 features: p*1080 = 270, its standard deviation 14.
	if dropped < 220 || dropped > 320 {
		t.Errorf("%d of 1080 features dropped, want about %v", dropped, p*1080)
	}
	ref, _ := train(t, net(), cfg, set, 1)
	plain := cfg
	plain.InputDropout = 0
	got, _ := train(t, net(), plain, shown, 1)
	sameConductances(t, "dropout vs the set as shown", ref.State().Conductances, got.State().Conductances)
	three := cfg
	three.Workers = 3
	got, _ = train(t, net(), three, set, 1)
	sameConductances(t, "dropout on 1 vs 3 workers", ref.State().Conductances, got.State().Conductances)
	bare, _ := train(t, net(), plain, set, 1)
	if floats.Equal(bare.State().Conductances[0], ref.State().Conductances[0]) {
		t.Error("dropping inputs changed nothing")
	}
	// Testing drops nothing: the trainer with dropout tests its network
	// as one without.
	undropped, err := NewTrainer(net(), plain)
	if err != nil {
		t.Fatal(err)
	}
	if err := undropped.Restore(ref.State()); err != nil {
		t.Fatal(err)
	}
	l1, e1, err1 := ref.Evaluate(context.Background(), set)
	l2, e2, err2 := undropped.Evaluate(context.Background(), set)
	if err1 != nil || err2 != nil || l1 != l2 || e1 != e2 {
		t.Errorf("tested with dropout: loss %v, error %v (%v); without: %v, %v (%v)", l1, e1, err1, l2, e2, err2)
	}
}
