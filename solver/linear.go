package solver

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// capacitor is a capacitance between two rows of x, or between row i and
// ground (or a pinned node) if j < 0.
type capacitor struct {
	i, j int
	c    float64 // F
}

// capacitors returns the capacitances of the system's ODE
// (mna.System.Capacitances) as capacitors. Capacitive currents are
// computed per capacitor, from differences of voltage increments, which
// keeps them accurate where a common-mode move with no capacitance of its
// own would drown them in rounding.
func capacitors(sys *mna.System) []capacitor {
	cs := sys.Capacitances()
	caps := make([]capacitor, 0, len(cs))
	for _, c := range cs {
		if c.C == 0 {
			continue
		}
		caps = append(caps, capacitor{c.I, c.J, c.C})
	}
	return caps
}
