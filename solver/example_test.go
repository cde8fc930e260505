package solver_test

import (
	"fmt"
	"log"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/solver"
)

// A diode clamps the output of a 2 V divider. Newton and the transient
// reach the same equilibrium; the transient also says how long the node
// takes to settle with its 1 pF node capacitance.
func Example() {
	c := &circuit.Circuit{}
	c.Add(
		&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 2},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "out"}, G: 1e-3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"out", "0"}, G: 1e-3},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"out", "0"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}},
	)
	sys, err := mna.Compile(c)
	if err != nil {
		log.Fatal(err)
	}
	dc, err := solver.Newton(sys, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	tr, err := solver.Transient(sys, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	out := sys.Unknown("out")
	fmt.Printf("newton:    V(out) = %.6f V, %s, residual below 1e-15 A: %t\n", dc.X[out], dc.Status, dc.Residual < 1e-15)
	fmt.Printf("transient: V(out) = %.6f V, %s, settled within 20 ns: %t\n", tr.X[out], tr.Status, tr.SettlingTime < 20e-9)
	// Output:
	// newton:    V(out) = 0.646174 V, converged, residual below 1e-15 A: true
	// transient: V(out) = 0.646174 V, converged, settled within 20 ns: true
}

// Newton reports, when it cannot converge, the node with the largest
// residual.
func ExampleNewton_failure() {
	c := &circuit.Circuit{}
	c.Add(
		&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 50},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}},
	)
	sys, err := mna.Compile(c)
	if err != nil {
		log.Fatal(err)
	}
	set := &solver.Settings{MaxIterations: 2, NoDamping: true, NoGminStepping: true, NoSourceStepping: true}
	r, err := solver.Newton(sys, nil, set)
	fmt.Println(r.Status)
	fmt.Println(err != nil, err.(*solver.ConvergenceError).WorstNode)
	// Output:
	// iteration limit
	// true a
}
