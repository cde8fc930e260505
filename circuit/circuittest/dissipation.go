package circuittest

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"
)

// Dissipated returns the power in watts that the resistors and diodes of
// c dissipate at the node voltages v gives (by node name), and the sum of
// the magnitudes of their powers, a scale for comparing it. At a DC
// operating point it equals the power the sources and amplifiers deliver
// (Tellegen's theorem), which makes it a reference for power computed
// another way. It returns an error for a resistor or diode on an
// element's internal nodes, which v cannot name.
func Dissipated(c *circuit.Circuit, v func(node string) float64) (w, scale float64, err error) {
	for _, e := range c.Elements {
		for p := range e.Parts() {
			if p.Type != 'R' && p.Type != 'D' {
				continue
			}
			if p.Internal[0] || p.Internal[1] {
				return 0, 0, fmt.Errorf("%s: a dissipating part on internal nodes", e.Label())
			}
			dv := v(p.Nodes[0]) - v(p.Nodes[1])
			pw := p.Value * dv * dv
			if p.Type == 'D' {
				i, _ := p.Model.Junction(c.Temperature(), c.NominalTemperature()).Eval(dv)
				pw = i * dv
			}
			w += pw
			scale += math.Abs(pw)
		}
	}
	return w, scale, nil
}
