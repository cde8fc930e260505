package eqprop

import (
	"fmt"
	"math/rand/v2"

	"github.com/eqsim/eqsim/circuit/circuittest"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// layeredNet returns a small layered network: features differential inputs
// (amplitude 1 V) into hidden nodes with a rectifier (rails at ±rail V as
// KendallNetwork crosses them), an amplifier of the given gain (none if
// gain is 0) and outputs output nodes; conductances uniform in
// [1 µS, 10 µS], seeded. Its NativeConfig names the input "in" and the
// outputs "y[k]".
func layeredNet(features, hidden, outputs int, gain float64, seed uint64) (*circuit.Circuit, NativeConfig) {
	rng := rand.New(rand.NewPCG(seed, 7))
	const gmin, gmax = 1e-6, 1e-5
	x := circuit.Group{Name: "x", Size: 2 * features}
	h := circuit.Group{Name: "h", Size: hidden}
	a := circuit.Group{Name: "a", Size: hidden}
	y := circuit.Group{Name: "y", Size: outputs}
	w1 := mat.NewDense(2*features, hidden, nil)
	for i := range 2 * features {
		for j := range hidden {
			w1.Set(i, j, gmin+(gmax-gmin)*rng.Float64())
		}
	}
	w2 := mat.NewDense(hidden, outputs, nil)
	for i := range hidden {
		for j := range outputs {
			w2.Set(i, j, gmin+(gmax-gmin)*rng.Float64())
		}
	}
	vals := make([]float64, features)
	c := &circuit.Circuit{Groups: []circuit.Group{x, h, a, y}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: 1, Values: vals},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: -0.45},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: 0.45},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: w1, Trainable: true},
		&circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: circuittest.KendallDiode, High: "vhi", Low: "vlo"},
	)
	from := h.Nodes()
	if gain != 0 {
		c.Add(&circuit.Amplifier{Name: "A", From: h.Nodes(), To: a.Nodes(), Gain: gain})
		from = a.Nodes()
	}
	c.Add(&circuit.Crossbar{Name: "W2", From: from, To: y.Nodes(), G: w2, Trainable: true})
	return c, NativeConfig{Input: "in", Outputs: y.Nodes()}
}

// kendall returns circuittest.KendallNetwork and its NativeConfig.
func kendall(features, hidden, outputs int, seed uint64) (*circuit.Circuit, NativeConfig) {
	c := circuittest.KendallNetwork(features, hidden, outputs, seed)
	y, _ := c.Group("y")
	return c, NativeConfig{Input: "in", Outputs: y.Nodes()}
}

func mustNative(tb interface{ Fatal(...any) }, c *circuit.Circuit, cfg NativeConfig) *Native {
	n, err := NewNative(c, cfg)
	if err != nil {
		tb.Fatal(fmt.Sprint(err))
	}
	return n
}

// xorNet returns a small layered network for XOR: the 2 features drive 4
// differential input nodes (amplitude 1 V) and two bias nodes sit at +1 V
// and -1 V; crossbars W1 and B1 join them to hidden hidden nodes, whose
// rectifier diodes go to rails at high and low volts; an amplifier of gain
// gain drives group a, and crossbars W2 (from a) and B2 (from the bias
// nodes) feed 2 output nodes, one per class. Conductances are uniform in
// [gmin, gmax], seeded.
func xorNet(hidden int, gain, high, low, gmin, gmax float64, seed uint64) (*circuit.Circuit, NativeConfig) {
	rng := rand.New(rand.NewPCG(seed, 11))
	uni := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, gmin+(gmax-gmin)*rng.Float64())
			}
		}
		return m
	}
	x := circuit.Group{Name: "x", Size: 4}
	h := circuit.Group{Name: "h", Size: hidden}
	a := circuit.Group{Name: "a", Size: hidden}
	y := circuit.Group{Name: "y", Size: 2}
	b := circuit.Group{Name: "b", Size: 2}
	bias := b.Nodes()
	c := &circuit.Circuit{Title: "XOR", Groups: []circuit.Group{x, b, h, a, y}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: 1, Values: make([]float64, 2)},
		&circuit.VSource{Name: "VBP", Nodes: [2]string{"b[0]", circuit.Ground}, V: 1},
		&circuit.VSource{Name: "VBN", Nodes: [2]string{"b[1]", circuit.Ground}, V: -1},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: high},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: low},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: uni(4, hidden), Trainable: true},
		&circuit.Crossbar{Name: "B1", From: bias, To: h.Nodes(), G: uni(2, hidden), Trainable: true},
		&circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: circuittest.KendallDiode, High: "vhi", Low: "vlo"},
		&circuit.Amplifier{Name: "A", From: h.Nodes(), To: a.Nodes(), Gain: gain},
		&circuit.Crossbar{Name: "W2", From: a.Nodes(), To: y.Nodes(), G: uni(hidden, 2), Trainable: true},
		&circuit.Crossbar{Name: "B2", From: bias, To: y.Nodes(), G: uni(2, 2), Trainable: true},
	)
	return c, NativeConfig{Input: "in", Outputs: y.Nodes()}
}

// resistorNet returns a small network of single trainable resistors that
// is not layered (a trainable resistor joins two free nodes), so Native
// solves it with Newton's method: inputs x[0], x[1] and a bias at 1 V feed
// hidden nodes h1, h2 with diode pairs to rails at ±0.2 V, which feed the
// output y, loaded by 100 kΩ to ground, and h1 and h2 are joined too.
func resistorNet() (*circuit.Circuit, NativeConfig) {
	x := circuit.Group{Name: "x", Size: 2}
	c := &circuit.Circuit{Groups: []circuit.Group{x}}
	d := circuittest.KendallDiode
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Amplitude: 1, Values: make([]float64, 2)},
		&circuit.VSource{Name: "VB", Nodes: [2]string{"b", circuit.Ground}, V: 1},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: 0.2},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: -0.2},
	)
	g := 1e-5
	for _, h := range []string{"h1", "h2"} {
		for _, in := range []string{"x[0]", "x[1]", "b"} {
			c.Add(&circuit.Resistor{Name: "R_" + in + "_" + h, Nodes: [2]string{in, h}, G: g, Trainable: true})
			g *= 1.37
		}
		c.Add(
			&circuit.Diode{Name: "DH" + h, Nodes: [2]string{h, "vhi"}, Model: d},
			&circuit.Diode{Name: "DL" + h, Nodes: [2]string{"vlo", h}, Model: d},
			&circuit.Resistor{Name: "R_" + h + "_y", Nodes: [2]string{h, "y"}, G: 2e-5, Trainable: true},
		)
	}
	c.Add(
		&circuit.Resistor{Name: "R_h1_h2", Nodes: [2]string{"h1", "h2"}, G: 3e-6, Trainable: true},
		&circuit.Resistor{Name: "Rload", Nodes: [2]string{"y", circuit.Ground}, G: 1e-5},
	)
	return c, NativeConfig{Input: "in", Outputs: []string{"y"}}
}

// dividerNet returns a voltage divider: input x[0] through trainable G1
// to output y, trainable G2 from y to ground.
func dividerNet(g1, g2 float64) (*circuit.Circuit, NativeConfig) {
	c := &circuit.Circuit{Groups: []circuit.Group{{Name: "x", Size: 1}}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: []string{"x[0]"}, Amplitude: 1, Values: []float64{0}},
		&circuit.Resistor{Name: "G1", Nodes: [2]string{"x[0]", "y"}, G: g1, Trainable: true},
		&circuit.Resistor{Name: "G2", Nodes: [2]string{"y", circuit.Ground}, G: g2, Trainable: true},
	)
	return c, NativeConfig{Input: "in", Outputs: []string{"y"}}
}

// xorSet returns the four XOR patterns, as dataset.Load gives them for
// "xor" (package dataset imports eqprop, so its tests cannot use it).
func xorSet() *Set {
	return &Set{Name: "xor", Features: 2, Classes: 2, X: []float64{0, 0, 0, 1, 1, 0, 1, 1}, Labels: []int{0, 1, 1, 0}}
}
