package spice

import (
	"fmt"
	"math"
)

// Deviation is where two solutions of one circuit differ most.
type Deviation struct {
	// Node is the node at which they differ most.
	Node string
	// Volts is the absolute difference there, in volts; +Inf or NaN if
	// a voltage is not finite.
	Volts float64
}

// Compare returns the largest deviation of ngspice's node voltages (as
// RunNgspice returns them) from eqsim's, volts[i] volts at node nodes[i]
// (a System's Nodes and the voltages after ground of its VoltagesTo). Of
// nodes that deviate equally the first in nodes is reported; a NaN
// deviation is the largest. It returns an error naming the first node
// ngspice has no voltage for. It panics if nodes and volts differ in
// length.
func Compare(nodes []string, volts []float64, ngspice map[string]float64) (Deviation, error) {
	if len(nodes) != len(volts) {
		panic(fmt.Sprintf("spice: Compare of %d nodes with %d voltages", len(nodes), len(volts)))
	}
	var worst Deviation
	for i, name := range nodes {
		r, ok := ngspice[name]
		if !ok {
			return Deviation{}, fmt.Errorf("ngspice printed no voltage for node %q", name)
		}
		d := math.Abs(volts[i] - r)
		if i == 0 || d > worst.Volts || math.IsNaN(d) && !math.IsNaN(worst.Volts) {
			worst = Deviation{Node: name, Volts: d}
		}
	}
	return worst, nil
}
