package mna

import "github.com/eqsim/eqsim/circuit/mna/noise"

// The noise sources of a system live in package noise; these names keep
// the system's callers as they were.
type (
	// NoiseKind is noise.Kind.
	NoiseKind = noise.Kind
	// NoiseSource is noise.Source.
	NoiseSource = noise.Source
	// Noise is noise.Set.
	Noise = noise.Set
	// NoisePair is noise.Pair.
	NoisePair = noise.Pair
)

// The kinds of noise: see noise.Thermal and noise.Shot.
const (
	Thermal = noise.Thermal
	Shot    = noise.Shot
)

// NoiseSources returns every noise source of the system at the state x
// (see noise.Sources): the thermal noise of every conductance and the
// shot noise of every junction, in element order.
func (s *System) NoiseSources(x []float64) []NoiseSource { return noise.Sources(s.Devices(), x) }

// NoiseTo gathers the noise of the system at the state x into dst, reusing
// its memory, and returns dst (see noise.Gather).
func (s *System) NoiseTo(dst *Noise, x []float64) *Noise { return noise.Gather(s.Devices(), dst, x) }
