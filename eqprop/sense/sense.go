package sense

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Chain is a read-out chain: the nonidealities of the amplifiers and
// converters through which a chip's voltages reach the learning rule. A
// voltage v is read as
//
//	Q(v + Noise*z),  z ~ N(0, 1) drawn afresh for every reading,
//
// where Q is the identity without an ADC (Bits = 0) and otherwise a
// uniform quantiser with 2^Bits levels Min + k*(Max-Min)/(2^Bits-1),
// k = 0, ..., 2^Bits-1, spanning [Min, Max] (both ends are levels): Q
// rounds to the nearest level and clamps values outside [Min, Max] to the
// end levels.
//
// The drop across a conductance, the difference of two readings, carries
// the noise of both; a node read twice is read with independent noise.
//
// The zero value reads voltages exactly.
type Chain struct {
	// Noise is the standard deviation of the additive Gaussian read
	// noise, in volts [0: none].
	Noise float64
	// Bits is the ADC's resolution in bits, 1 to 24 [0: no ADC].
	Bits int
	// Min and Max are the ADC's input range in volts, Min < Max; they
	// are needed when Bits > 0 and must be zero otherwise.
	Min, Max float64
}

// On reports whether s changes the voltages it reads.
func (s Chain) On() bool { return s.Noise != 0 || s.Bits != 0 }

// Validate returns an error naming the first setting of s that is out of
// range. The messages start "sense: key = " with the key of the netlist's
// [training.sense] table.
func (s Chain) Validate() error {
	switch {
	case !(s.Noise >= 0) || math.IsInf(s.Noise, 1):
		return fmt.Errorf("sense: noise = %g V: must be finite and not negative", s.Noise)
	case s.Bits < 0 || s.Bits > 24:
		return fmt.Errorf("sense: adc_bits = %d: want 1 to 24 (0: no ADC)", s.Bits)
	case s.Bits == 0 && (s.Min != 0 || s.Max != 0):
		return fmt.Errorf("sense: adc_min = %g V, adc_max = %g V without adc_bits: give the ADC's resolution", s.Min, s.Max)
	case s.Bits > 0 && (!(s.Min < s.Max) || math.IsInf(s.Min, 0) || math.IsInf(s.Max, 0)):
		return fmt.Errorf("sense: adc_max = %g V, adc_min = %g V: need finite adc_min < adc_max", s.Max, s.Min)
	}
	return nil
}

// Step returns the ADC's resolution (Max-Min)/(2^Bits-1) in volts, the
// spacing of its levels, or 0 without an ADC.
func (s Chain) Step() float64 {
	if s.Bits == 0 {
		return 0
	}
	return (s.Max - s.Min) / float64(uint64(1)<<s.Bits-1)
}

// Quantize returns the ADC's reading of v volts, without noise: the level
// Min + k*Step() nearest to v, Min for v <= Min and Max for v >= Max. It
// returns v itself without an ADC, and NaN for NaN.
func (s Chain) Quantize(v float64) float64 {
	if s.Bits == 0 || math.IsNaN(v) {
		return v
	}
	if v <= s.Min {
		return s.Min
	}
	if v >= s.Max {
		return s.Max
	}
	step := s.Step()
	return math.Min(s.Min+math.Round((v-s.Min)/step)*step, s.Max)
}

// Apply reads every voltage of v through s in place: it adds Noise times
// a standard normal variate drawn from rng to each, in order, then
// quantises. rng is used only when Noise is not 0, and may be nil
// otherwise.
func (s Chain) Apply(v []float64, rng *rand.Rand) {
	if s.Noise != 0 {
		for i := range v {
			v[i] += s.Noise * rng.NormFloat64()
		}
	}
	if s.Bits != 0 {
		for i, x := range v {
			v[i] = s.Quantize(x)
		}
	}
}
