package circuittest

import "github.com/eqsim/eqsim/circuit"

// ResistorNet returns a small network of single trainable resistors that
// is not layered (a trainable resistor joins two free nodes), so that it is
// solved by Newton's method: the input "in" drives x[0] and x[1], which
// with a bias at 1 V feed hidden nodes h1 and h2 with diode pairs to rails
// at ±0.2 V, which feed the output y, loaded by 100 kΩ to ground; h1 and
// h2 are joined too. Its input element is "in" and its one output node "y".
func ResistorNet() *circuit.Circuit {
	x := circuit.Group{Name: "x", Size: 2}
	c := &circuit.Circuit{Groups: []circuit.Group{x}}
	d := KendallDiode
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
	return c
}
