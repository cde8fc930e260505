package circuit

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Bounds of the variation parameters. They keep every drawn parameter
// positive (gains: of the nominal gain's sign) and finite.
const (
	// MaxISSpread bounds DiodeVariation.ISSpread: IS varies by at most a
	// factor exp(3*MaxISSpread) = 1e13 either way.
	MaxISSpread = 10
	// MaxRelativeSpread bounds DiodeVariation.NSpread and
	// AmplifierVariation.GainError: a drawn N or gain is at least 0.1 of
	// its nominal value.
	MaxRelativeSpread = 0.3
)

// Streams of the variation draws: each parameter has its own PCG stream,
// so that the draws of one do not depend on whether another varies.
const (
	streamIS     = 0x6973737072656164 // "isspread"
	streamN      = 0x6e5f737072656164 // "n_spread"
	streamGain   = 0x6761696e5f657272 // "gain_err"
	streamOffset = 0x6f6666736574     // "offset"
)

// DiodeVariation is device-to-device variation of the diodes of a
// Rectifier: each diode k draws
//
//	IS_k = IS * exp(ISSpread * z_k)
//	N_k  = N * (1 + NSpread * z'_k)
//
// once, with z_k and z'_k independent standard normal numbers truncated to
// [-3, 3] (a draw outside is drawn again). ln(IS) has the standard deviation
// ISSpread and the median ln(IS) (for small spreads IS's relative standard
// deviation is about ISSpread); N's relative standard deviation is NSpread.
// The zero value is no variation.
type DiodeVariation struct {
	// ISSpread is the standard deviation of ln(IS), dimensionless, in
	// [0, MaxISSpread].
	ISSpread float64
	// NSpread is the relative standard deviation of N, in [0,
	// MaxRelativeSpread].
	NSpread float64
	// Seed seeds the draws: the same seed gives the same diodes.
	Seed uint64
}

// Draw returns the saturation currents (A) and emission coefficients of n
// diodes of model m, or nil for a parameter whose spread is zero. The draws
// come from math/rand/v2's PCG seeded with Seed and a stream per
// parameter, in diode order, so they do not depend on the other
// parameter's spread. Draw panics if v is not valid (see Validate).
func (v DiodeVariation) Draw(m DiodeModel, n int) (is, nn []float64) {
	if err := v.Validate(); err != nil {
		panic(err)
	}
	if v.ISSpread > 0 {
		rng := rand.New(rand.NewPCG(v.Seed, streamIS))
		is = make([]float64, n)
		for k := range is {
			is[k] = m.IS * math.Exp(v.ISSpread*truncNormal(rng))
		}
	}
	if v.NSpread > 0 {
		rng := rand.New(rand.NewPCG(v.Seed, streamN))
		nn = make([]float64, n)
		for k := range nn {
			nn[k] = m.N * (1 + v.NSpread*truncNormal(rng))
		}
	}
	return is, nn
}

// AmplifierVariation is channel-to-channel variation of an Amplifier: each
// channel i draws
//
//	Gains[i]   = Gain * (1 + GainError * z_i)
//	Offsets[i] = Offset * z'_i   (volts)
//
// once, with z_i and z'_i independent standard normal numbers truncated to
// [-3, 3] (a draw outside is drawn again). The zero value is no variation.
type AmplifierVariation struct {
	// GainError is the relative standard deviation of the channels'
	// gains, in [0, MaxRelativeSpread].
	GainError float64
	// Offset is the standard deviation of the channels' output offsets
	// in volts, not negative.
	Offset float64
	// Seed seeds the draws: the same seed gives the same channels.
	Seed uint64
}

// Draw returns the gains and offsets (V) of n channels of nominal gain
// gain, or nil for a parameter whose spread is zero. The draws come from
// math/rand/v2's PCG seeded with Seed and a stream per parameter, in
// channel order. Draw panics if GainError is negative, NaN or above
// MaxRelativeSpread, or Offset is negative or not finite (see Validate).
func (v AmplifierVariation) Draw(gain float64, n int) (gains, offsets []float64) {
	if err := v.Validate(); err != nil {
		panic(err)
	}
	if v.GainError > 0 {
		rng := rand.New(rand.NewPCG(v.Seed, streamGain))
		gains = make([]float64, n)
		for i := range gains {
			gains[i] = gain * (1 + v.GainError*truncNormal(rng))
		}
	}
	if v.Offset > 0 {
		rng := rand.New(rand.NewPCG(v.Seed, streamOffset))
		offsets = make([]float64, n)
		for i := range offsets {
			offsets[i] = v.Offset * truncNormal(rng)
		}
	}
	return gains, offsets
}

// Validate returns an error if a spread is negative, NaN or above its
// bound (MaxISSpread, MaxRelativeSpread).
func (v DiodeVariation) Validate() error {
	if err := checkSpread("ISSpread", v.ISSpread, MaxISSpread); err != nil {
		return err
	}
	return checkSpread("NSpread", v.NSpread, MaxRelativeSpread)
}

// Validate returns an error if GainError is negative, NaN or above
// MaxRelativeSpread, or Offset is negative or not finite.
func (v AmplifierVariation) Validate() error {
	if err := checkSpread("GainError", v.GainError, MaxRelativeSpread); err != nil {
		return err
	}
	return checkSpread("Offset", v.Offset, math.MaxFloat64)
}

func checkSpread(name string, v, max float64) error {
	switch {
	case max == math.MaxFloat64 && !(v >= 0 && v <= max):
		return fmt.Errorf("circuit: variation %s = %v, want a finite number >= 0", name, v)
	case !(v >= 0 && v <= max):
		return fmt.Errorf("circuit: variation %s = %v, want a number in [0, %g]", name, v, max)
	}
	return nil
}

// truncNormal returns a standard normal number in [-3, 3].
func truncNormal(rng *rand.Rand) float64 {
	for {
		if z := rng.NormFloat64(); math.Abs(z) <= 3 {
			return z
		}
	}
}
