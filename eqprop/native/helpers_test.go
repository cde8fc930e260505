package native

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/eqprop"
)

// layeredNet returns circuittest.Layered's network of features
// differential inputs (amplitude 1 V), one group of hidden nodes with a
// rectifier (rails at ±0.45 V crossed as KendallNetwork crosses them), an
// amplifier of the given gain (none if gain is 0) and outputs output
// nodes; conductances uniform in [1 µS, 10 µS], seeded. Its Config
// names the input "in" and the outputs "y[k]".
func layeredNet(features, hidden, outputs int, gain float64, seed uint64) (*circuit.Circuit, Config) {
	c := circuittest.Layered(rand.New(rand.NewPCG(seed, 7)), circuittest.LayeredOptions{
		Features: features, Hidden: []int{hidden}, Outputs: outputs, Gains: []float64{gain},
		High: -0.45, Low: 0.45, GMin: 1e-6, GMax: 1e-5,
	})
	return c, config(c)
}

// config returns the Config of a network with input "in" and output
// group "y".
func config(c *circuit.Circuit) Config {
	y, _ := c.Group("y")
	return Config{Input: "in", Outputs: y.Nodes()}
}

// kendall returns circuittest.KendallNetwork and its Config.
func kendall(features, hidden, outputs int, seed uint64) (*circuit.Circuit, Config) {
	c := circuittest.KendallNetwork(features, hidden, outputs, seed)
	return c, config(c)
}

func mustNew(tb interface{ Fatal(...any) }, c *circuit.Circuit, cfg Config) *Network {
	n, err := New(c, cfg)
	if err != nil {
		tb.Fatal(fmt.Sprint(err))
	}
	return n
}

// xorNet returns circuittest.Layered's network for XOR: the 2 features
// drive 4 differential input nodes (amplitude 1 V) and two bias nodes sit
// at +1 V and -1 V; crossbars W1 and B1 join them to hidden hidden nodes,
// whose rectifier diodes go to rails at high and low volts; an amplifier
// of gain gain drives group a, and crossbars W2 (from a) and B2 (from the
// bias nodes) feed 2 output nodes, one per class. Conductances are
// uniform in [gmin, gmax], seeded.
func xorNet(hidden int, gain, high, low, gmin, gmax float64, seed uint64) (*circuit.Circuit, Config) {
	c := circuittest.Layered(rand.New(rand.NewPCG(seed, 11)), circuittest.LayeredOptions{
		Features: 2, Hidden: []int{hidden}, Outputs: 2, Gains: []float64{gain},
		High: high, Low: low, GMin: gmin, GMax: gmax, Bias: true,
	})
	c.Title = "XOR"
	return c, config(c)
}

// resistorNet returns circuittest.ResistorNet, which Newton's method
// solves (it is not layered), with its input and output.
func resistorNet() (*circuit.Circuit, Config) {
	return circuittest.ResistorNet(), Config{Input: "in", Outputs: []string{"y"}}
}

// dividerNet returns a voltage divider: input x[0] through trainable G1
// to output y, trainable G2 from y to ground.
func dividerNet(g1, g2 float64) (*circuit.Circuit, Config) {
	c := &circuit.Circuit{Groups: []circuit.Group{{Name: "x", Size: 1}}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: []string{"x[0]"}, Amplitude: 1, Values: []float64{0}},
		&circuit.Resistor{Name: "G1", Nodes: [2]string{"x[0]", "y"}, G: g1, Trainable: true},
		&circuit.Resistor{Name: "G2", Nodes: [2]string{"y", circuit.Ground}, G: g2, Trainable: true},
	)
	return c, Config{Input: "in", Outputs: []string{"y"}}
}

// xorSet returns the four XOR patterns, as dataset.Load gives them for
// "xor" (a copy: the tests of eqprop and its packages use no package
// above them).
func xorSet() *eqprop.Set {
	return &eqprop.Set{Name: "xor", Features: 2, Classes: 2, X: []float64{0, 0, 0, 1, 1, 0, 1, 1}, Labels: []int{0, 1, 1, 0}}
}

// smallKendall is a Kendall network small enough for quick training tests
// and its training settings.
func smallKendall(t testing.TB) (*Network, eqprop.Config) {
	c, nc := kendall(40, 12, 4, 1)
	return mustNew(t, c, nc), eqprop.Config{BatchSize: 7, LearningRate: 1e-9, Readout: eqprop.Readout{High: 0.1, Low: -0.1}, Seed: 3}
}

func train(t *testing.T, n eqprop.Physical, cfg eqprop.Config, set *eqprop.Set, epochs int) (*eqprop.Trainer, []eqprop.EpochStats) {
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

func sameConductances(t *testing.T, what string, a, b [][]float64) {
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

// randomSet returns n samples of features features
// (circuittest.KendallSample) with labels in [0, classes).
func randomSet(n, features, classes int, seed uint64) *eqprop.Set {
	rng := rand.New(rand.NewPCG(seed, 5))
	s := &eqprop.Set{Name: "random", Features: features, Classes: classes, X: make([]float64, n*features), Labels: make([]int, n)}
	for i := range n {
		circuittest.KendallSample(rng, s.X[i*features:(i+1)*features])
		s.Labels[i] = rng.IntN(classes)
	}
	return s
}

// epochs trains tr on set for b.N epochs and reports samples per second.
func epochs(b *testing.B, tr *eqprop.Trainer, set *eqprop.Set) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := tr.Epoch(ctx, set, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(set.Len()*b.N)/b.Elapsed().Seconds(), "samples/s")
}
