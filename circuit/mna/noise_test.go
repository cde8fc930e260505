package mna

import (
	"fmt"

	"github.com/eqsim/eqsim/circuit"
)

// A divider: each resistor's Johnson-Nyquist noise, 4kTG, between its
// nodes (node indices: 0 is ground).
func ExampleSystem_NoiseSources() {
	c := &circuit.Circuit{Temp: 300}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "mid"}, G: 1e-3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"mid", "0"}, G: 2e-3})
	s, err := Compile(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, src := range s.NoiseSources(make([]float64, s.Size())) {
		fmt.Printf("%s: %s noise %.4g A²/Hz between %s and node %d\n", src.Elem, src.Kind, src.PSD, s.Nodes()[src.A-1], src.B)
	}
	// Output:
	// R1: thermal noise 1.657e-23 A²/Hz between in and node 2
	// R2: thermal noise 3.314e-23 A²/Hz between mid and node 0
}
