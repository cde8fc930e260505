package eqprop

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
)

// randomSet returns n samples of features features
// (circuittest.KendallSample) with labels in [0, classes).
func randomSet(n, features, classes int, seed uint64) *Set {
	rng := rand.New(rand.NewPCG(seed, 5))
	s := &Set{Name: "random", Features: features, Classes: classes, X: make([]float64, n*features), Labels: make([]int, n)}
	for i := range n {
		circuittest.KendallSample(rng, s.X[i*features:(i+1)*features])
		s.Labels[i] = rng.IntN(classes)
	}
	return s
}

// BenchmarkTrainStep measures one mini-batch of 20 samples with the
// centered estimator (a free and two nudged relaxations per sample) and
// the update, on circuittest.KendallNetwork with random inputs, over
// GOMAXPROCS workers.
func BenchmarkTrainStep(b *testing.B) {
	for _, h := range []int{100} {
		b.Run(fmt.Sprintf("784x%dx10", h), func(b *testing.B) { benchTrainStep(b, h, Sensing{}) })
	}
}

// benchTrainStep trains the 784-hidden-10 Kendall network on one batch of
// 20 random samples per iteration, measuring with sense, and reports
// samples per second.
func benchTrainStep(b *testing.B, hidden int, sense Sensing) {
	c, nc := kendall(784, hidden, 10, 1)
	n := mustNative(b, c, nc)
	const batch = 20
	set := randomSet(batch, 784, 10, 1)
	tr, err := NewTrainer(n, Config{BatchSize: batch, Readout: Readout{High: 0.1, Low: -0.1}, Sense: sense})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := tr.Epoch(ctx, set, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "samples/s")
}
