package eqproptest

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/eqprop"
)

// Train trains n with cfg on set for the given number of epochs and
// returns the trainer and each epoch's statistics. It stops the test at
// the first error.
func Train(t testing.TB, n eqprop.Physical, cfg eqprop.Config, set *eqprop.Set, epochs int) (*eqprop.Trainer, []eqprop.EpochStats) {
	t.Helper()
	tr, err := eqprop.NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var stats []eqprop.EpochStats
	for range epochs {
		st, err := tr.Epoch(context.Background(), set, nil)
		if err != nil {
			t.Fatal(err)
		}
		stats = append(stats, st)
	}
	return tr, stats
}

// SameConductances reports an error for every block of a and b (in
// siemens, one slice per block) that is not equal bit for bit, with the
// largest difference; what names the comparison.
func SameConductances(t testing.TB, what string, a, b [][]float64) {
	t.Helper()
	for k := range a {
		if !floats.Equal(a[k], b[k]) {
			d := 0.0
			for i := range a[k] {
				d = math.Max(d, math.Abs(a[k][i]-b[k][i]))
			}
			t.Errorf("%s: block %d differs (largest difference %g S)", what, k, d)
		}
	}
}

// XOR returns the four XOR patterns, as dataset.Load gives them for "xor"
// (a copy: the tests of eqprop and its packages use no package above
// them).
func XOR() *eqprop.Set {
	return &eqprop.Set{Name: "xor", Features: 2, Classes: 2, X: []float64{0, 0, 0, 1, 1, 0, 1, 1}, Labels: []int{0, 1, 1, 0}}
}

// RandomSet returns n samples of features features
// (circuittest.KendallSample) with labels in [0, classes), drawn from
// seed.
func RandomSet(n, features, classes int, seed uint64) *eqprop.Set {
	rng := rand.New(rand.NewPCG(seed, 5))
	s := &eqprop.Set{Name: "random", Features: features, Classes: classes, X: make([]float64, n*features), Labels: make([]int, n)}
	for i := range n {
		circuittest.KendallSample(rng, s.X[i*features:(i+1)*features])
		s.Labels[i] = rng.IntN(classes)
	}
	return s
}
