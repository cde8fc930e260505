package native

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/eqproptest"
)

// The helpers the tests of eqprop and eqprop/native share.
var (
	train            = eqproptest.Train
	sameConductances = eqproptest.SameConductances
	xorSet           = eqproptest.XOR
	randomSet        = eqproptest.RandomSet
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

// smallKendall is a Kendall network small enough for quick training tests
// and its training settings.
func smallKendall(t testing.TB) (*Network, eqprop.Config) {
	c, nc := kendall(40, 12, 4, 1)
	return mustNew(t, c, nc), eqprop.Config{BatchSize: 7, LearningRate: 1e-9, Readout: eqprop.Readout{High: 0.1, Low: -0.1}, Seed: 3}
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
