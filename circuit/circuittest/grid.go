package circuittest

import (
	"fmt"
	"math/rand/v2"

	"github.com/eqsim/eqsim/circuit"
)

// DiodeGrid returns a resistor-diode mesh of side×side nodes, the large
// deck of the benchmarks: neighbouring nodes "n<i>_<j>" joined by
// resistors of 500 Ω to 2 kΩ, a KendallDiode from every node to ground, a
// current source of 0 to 100 µA into one node in four, and the corner
// n0_0 held at 0.3 V by a voltage source. The injected currents forward
// bias the diodes around where they enter, so that the equilibrium is a
// nonlinear one: the nodes settle between about 0.3 V and 0.7 V, with
// diodes on, off and in between. The same seed gives the same circuit.
// DiodeGrid panics if side < 2.
func DiodeGrid(side int, seed uint64) *circuit.Circuit {
	if side < 2 {
		panic("circuittest: DiodeGrid side below 2")
	}
	rng := rand.New(rand.NewPCG(seed, 17))
	node := func(i, j int) string { return fmt.Sprintf("n%d_%d", i, j) }
	c := &circuit.Circuit{Title: fmt.Sprintf("resistor-diode grid %dx%d", side, side)}
	els := make([]circuit.Element, 0, 4*side*side)
	els = append(els, &circuit.VSource{Name: "V0", Nodes: [2]string{node(0, 0), circuit.Ground}, V: 0.3})
	g := func() float64 { return 1 / (500 + 1500*rng.Float64()) }
	for i := range side {
		for j := range side {
			n := node(i, j)
			if j+1 < side {
				els = append(els, &circuit.Resistor{Name: "RH" + n, Nodes: [2]string{n, node(i, j+1)}, G: g()})
			}
			if i+1 < side {
				els = append(els, &circuit.Resistor{Name: "RV" + n, Nodes: [2]string{n, node(i+1, j)}, G: g()})
			}
			els = append(els, &circuit.Diode{Name: "D" + n, Nodes: [2]string{n, circuit.Ground}, Model: KendallDiode})
			if rng.IntN(4) == 0 {
				els = append(els, &circuit.ISource{Name: "I" + n, Nodes: [2]string{circuit.Ground, n}, I: 1e-4 * rng.Float64()})
			}
		}
	}
	c.Add(els...)
	return c
}
