package solve

import (
	"math/rand/v2"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/ode"
)

// NoiseMode says whether a transient integrates thermal noise.
type NoiseMode int

const (
	// NoiseCircuit, the zero value, integrates thermal noise if the
	// circuit's ThermalNoise is on.
	NoiseCircuit NoiseMode = iota
	// NoiseOn integrates thermal noise whatever the circuit says.
	NoiseOn
	// NoiseOff integrates no noise.
	NoiseOff
)

// Noisy reports whether a transient of sys with s integrates noise.
func (s *TransientSettings) Noisy(sys *mna.System) bool {
	switch s.Noise {
	case NoiseOn:
		return true
	case NoiseOff:
		return false
	}
	return sys.Circuit().ThermalNoise
}

// Integrate integrates m from x as set says (set has its defaults, raw is
// what the caller gave, nil for defaults): with thermal noise
// ode.NoisyTransient, else the step control it (a new one if nil). It is
// the integration of both the general and the layered transient.
func Integrate(m ode.NoisyModel, it *ode.Integrator, x []float64, set *TransientSettings, raw *TransientSettings, noisy bool) ode.Outcome {
	if !noisy {
		if it == nil {
			return ode.Integrate(m, x, set.Steps())
		}
		return it.Integrate(x)
	}
	ls := ode.LangevinSettings{Step: set.NoiseStep, StopTime: set.StopTime, Seed: set.Seed}
	if raw != nil {
		ls.MaxSteps = raw.MaxSteps
	}
	return ode.NoisyTransient(m, x, set.Steps(), ls)
}

// NoiseDraw draws the mean noise currents over a step of h seconds into
// cur (len NumFree, by x index) from the noise n at the state x.
func NoiseDraw(n *mna.Noise, z, cur, x []float64, h float64, rng *rand.Rand) {
	n.Update(x)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	n.CurrentsTo(cur, z, 1/(2*h))
}
