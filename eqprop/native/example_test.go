package native_test

import (
	"fmt"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
)

// A voltage divider: the input drives the output y through G1, and G2
// joins y to ground, so V(y) = G1/(G1+G2) volts per volt of input. The
// adjoint gradient of L = (V(y) - 0.9)^2/2 and the centered EqProp
// estimate, which needs only the drops across G1 and G2 in three
// relaxations, agree with the closed form
// dL/dG1 = (V - 0.9) G2/(G1+G2)^2 = -6e4 V^2/S.
func ExampleExactGradient() {
	c := &circuit.Circuit{}
	c.Add(
		&circuit.Input{Name: "in", Nodes: []string{"x"}, Amplitude: 1, Values: []float64{0}},
		&circuit.Resistor{Name: "G1", Nodes: [2]string{"x", "y"}, G: 2e-6, Trainable: true},
		&circuit.Resistor{Name: "G2", Nodes: [2]string{"y", "0"}, G: 3e-6, Trainable: true},
	)
	n, err := native.New(c, native.Config{Input: "in", Outputs: []string{"y"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y := []float64{1}, []float64{0.9}
	exact, err := native.ExactGradient(n, x, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	est := [][]float64{{0}, {0}}
	out := []float64{0}
	if err := eqprop.Gradient(est, out, n, eqprop.Centered, eqprop.Config{Beta: 1e-8}, x, y); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("V(y) = %.2f V\n", out[0])
	fmt.Printf("dL/dG1: exact %.4g, centered %.4g V^2/S\n", exact[0][0], est[0][0])
	fmt.Printf("dL/dG2: exact %.4g, centered %.4g V^2/S\n", exact[1][0], est[1][0])
	// Output:
	// V(y) = 0.40 V
	// dL/dG1: exact -6e+04, centered -6e+04 V^2/S
	// dL/dG2: exact 4e+04, centered 4e+04 V^2/S
}
