package circuittest

import (
	"math"
	"math/rand/v2"

	"github.com/eqsim/eqsim/circuit"
)

// RealParts gives a random circuit's diodes series resistance and
// breakdown and its amplifiers a swing and an output resistance, with
// gain errors and offsets.
func RealParts(c *circuit.Circuit, rng *rand.Rand) {
	m := func(d circuit.DiodeModel) circuit.DiodeModel {
		d.Name = "dr"
		d.RS = math.Pow(10, 3*rng.Float64())
		d.BV = 0.3 + 0.3*rng.Float64() // reached by the random voltages
		d.IBV = 1e-9
		return d
	}
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Diode:
			e.Model = m(e.Model)
		case *circuit.Rectifier:
			e.Model = m(e.Model)
		case *circuit.Amplifier:
			e.Swing = 0.5 + rng.Float64()
			e.Rout = math.Pow(10, 1+3*rng.Float64())
			e.Vary(circuit.AmplifierVariation{GainError: 0.2, Offset: 0.05, Seed: rng.Uint64()})
		}
	}
}

// RandomUnknowns returns an unknown vector of size elements for a
// compiled system with free free nodes: node voltages uniform in ±0.4 V,
// then branch currents uniform in ±5 µA.
func RandomUnknowns(rng *rand.Rand, size, free int) []float64 {
	x := make([]float64, size)
	for i := range x {
		if i < free {
			x[i] = 0.8 * (rng.Float64() - 0.5)
		} else {
			x[i] = 1e-5 * (rng.Float64() - 0.5)
		}
	}
	return x
}
