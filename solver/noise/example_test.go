package noise_test

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/solver/noise"

	"gonum.org/v1/gonum/mat"
)

// A node of 1 pF held at 0.5 V through 1 kOhm at 300 K: its voltage
// fluctuates by sqrt(kT/C) whatever the resistor, and its mean over a
// window T much longer than RC = 1 ns by sqrt(2kT R/T).
func ExampleLinearize() {
	c := &circuit.Circuit{Temp: 300, NodeCapacitance: 1e-12}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 0.5},
		&circuit.Resistor{Name: "R", Nodes: [2]string{"in", "a"}, G: 1e-3})
	sys, err := mna.Compile(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	dc, err := solver.Auto(sys, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := noise.Linearize(sys, dc.X)
	if err != nil {
		fmt.Println(err)
		return
	}
	var cov mat.SymDense
	m.CovarianceTo(&cov)
	fmt.Printf("instantaneous: %.4g µV rms\n", 1e6*math.Sqrt(cov.At(0, 0)))
	m.WindowCovarianceTo(&cov, 1e-6)
	fmt.Printf("mean over 1 µs: %.4g µV rms\n", 1e6*math.Sqrt(cov.At(0, 0)))
	// Output:
	// instantaneous: 64.36 µV rms
	// mean over 1 µs: 2.877 µV rms
}
