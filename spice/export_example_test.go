package spice_test

import (
	"fmt"
	"os"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice"
)

// Two inputs summed by a crossbar into a loaded node: the resistor keeps
// its name with the type letter in front, the blocks' cards are named
// after their stems, and the group nodes are renamed. The comments
// "* eqsim circuit" and "* eqsim element" are the records from which
// eqsim's importer rebuilds the circuit exactly.
func ExampleWriteSpice() {
	x := circuit.Group{Name: "x", Size: 2}
	c := &circuit.Circuit{Title: "weighted sum", Groups: []circuit.Group{x}}
	c.Add(
		&circuit.Input{Name: "x", Nodes: x.Nodes(), Amplitude: 1, Values: []float64{0.5, -0.25}},
		&circuit.Crossbar{Name: "W", From: x.Nodes(), To: []string{"out"}, G: mat.NewDense(2, 1, []float64{1e-3, 2e-3})},
		&circuit.Resistor{Name: "load", Nodes: [2]string{"out", "0"}, G: 1e-3},
	)
	if err := spice.WriteSpice(os.Stdout, c); err != nil {
		fmt.Println(err)
	}
	// Output:
	// eqsim: weighted sum
	// * Exported by eqsim. Run: ngspice -b FILE
	// * Prints the DC operating point: every node voltage (V) and branch current (A),
	// * one "name = value" a line; exits with status 1 if there is none.
	// * Temperature 300.15 K.
	// * eqsim circuit {"title":"weighted sum","temp":0,"tnom":0,"node_capacitance":0,"groups":[{"name":"x","size":2}]}
	// *
	// * Node names changed for ngspice (eqsim name = SPICE name):
	// * node "x[0]" = x_0_
	// * node "x[1]" = x_1_
	//
	// .options temp=27 tnom=27 gmin=1e-12
	// .options reltol=1e-09 vntol=1e-12 abstol=1e-15 itl1=1000 itl2=1000
	//
	// * eqsim element {"kind":"input","name":"x","stem":"x","fields":{"amplitude":1,"encoding":"single","size":2,"values":[0.5,-0.25]}}
	// * input "x": Data-driven voltage sources from ground, one per node of the group it defines.
	// *   vx_I for I = 0..1: 2 voltage sources
	// vx_0 x_0_ 0 0.5
	// vx_1 x_1_ 0 -0.25
	// * eqsim element {"kind":"crossbar","name":"W","stem":"w","fields":{"from":{"groups":["x"]},"matrix":{"rows":2,"cols":1},"to":{"nodes":["out"]}}}
	// * crossbar "W": A conductance from every node of one group (or list of groups) to every node of another.
	// *   rw_I_J for I = 0..1, J = 0: 2 resistors
	// rw_0_0 x_0_ out 1000
	// rw_1_0 x_1_ out 500
	// * eqsim element {"kind":"resistor","name":"load","card":"rload","fields":{"g":0.001,"nodes":["out","0"]}}
	// * element "load" = rload
	// rload out 0 1000
	//
	// .control
	// optran 1 1 1 0 0 0
	// set numdgt=17
	// op
	// if $sim_status > 0
	//   echo eqsim: no DC operating point
	//   quit 1
	// end
	// print all
	// quit 0
	// .endc
	// .end
}

// Compare finds the node where two solutions differ most.
func ExampleCompare() {
	nodes := []string{"in", "out", "h[0]"}
	eqsim := []float64{1, 0.5, 0.25}
	ngspice := map[string]float64{"in": 1, "out": 0.5000000001, "h[0]": 0.25000000002}
	dev, err := spice.Compare(nodes, eqsim, ngspice)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("largest deviation %.1g V at %s\n", dev.Volts, dev.Node)
	// Output:
	// largest deviation 1e-10 V at out
}
