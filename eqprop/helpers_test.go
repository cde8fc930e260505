package eqprop_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	. "github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/eqproptest"
	"github.com/eqsim/eqsim/eqprop/native"
)

// The helpers the tests of eqprop and eqprop/native share.
var (
	train            = eqproptest.Train
	sameConductances = eqproptest.SameConductances
	xorSet           = eqproptest.XOR
	randomSet        = eqproptest.RandomSet
)

// config returns the native.Config of a network with input "in" and output
// group "y".
func config(c *circuit.Circuit) native.Config {
	y, _ := c.Group("y")
	return native.Config{Input: "in", Outputs: y.Nodes()}
}

// kendall returns circuittest.KendallNetwork and its native.Config.
func kendall(features, hidden, outputs int, seed uint64) (*circuit.Circuit, native.Config) {
	c := circuittest.KendallNetwork(features, hidden, outputs, seed)
	return c, config(c)
}

func mustNative(tb interface{ Fatal(...any) }, c *circuit.Circuit, cfg native.Config) *native.Network {
	n, err := native.New(c, cfg)
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
func xorNet(hidden int, gain, high, low, gmin, gmax float64, seed uint64) (*circuit.Circuit, native.Config) {
	c := circuittest.Layered(rand.New(rand.NewPCG(seed, 11)), circuittest.LayeredOptions{
		Features: 2, Hidden: []int{hidden}, Outputs: 2, Gains: []float64{gain},
		High: high, Low: low, GMin: gmin, GMax: gmax, Bias: true,
	})
	c.Title = "XOR"
	return c, config(c)
}

// resistorNet returns circuittest.ResistorNet, which Newton's method
// solves (it is not layered), with its input and output.
func resistorNet() (*circuit.Circuit, native.Config) {
	return circuittest.ResistorNet(), native.Config{Input: "in", Outputs: []string{"y"}}
}

// newGrads returns zeroed gradients shaped like blocks.
func newGrads(blocks []Block) [][]float64 {
	g := make([][]float64, len(blocks))
	for k, b := range blocks {
		g[k] = make([]float64, b.Rows*b.Cols)
	}
	return g
}

// smallKendall is a Kendall network small enough for quick training tests
// and its training settings.
func smallKendall(t testing.TB) (*native.Network, Config) {
	c, nc := kendall(40, 12, 4, 1)
	return mustNative(t, c, nc), Config{BatchSize: 7, LearningRate: 1e-9, Readout: Readout{High: 0.1, Low: -0.1}, Seed: 3}
}
