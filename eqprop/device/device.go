package device

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Device kinds, for Params.Kind.
const (
	Ideal      = "ideal"
	Constant   = "constant"
	Linear     = "linear"
	SoftBounds = "soft_bounds"
	Exp        = "exp"
	Pow        = "pow"
)

// Kinds lists the device kinds in a fixed order.
var Kinds = []string{Ideal, Constant, Linear, SoftBounds, Exp, Pow}

// Stuck values, for Params.StuckAt.
const (
	StuckGMin   = "gmin"
	StuckGMax   = "gmax"
	StuckRandom = "random"
)

// Default bounds, used when GMin and GMax are both zero; they are those of
// the eqprop trainer.
const (
	DefaultGMin = 1e-9
	DefaultGMax = 1e-4
)

// Params describes a population of devices. The zero value of a field
// means its default, given in brackets; the equations are in the package
// documentation.
type Params struct {
	// Kind is the step model: "ideal", "constant", "linear",
	// "soft_bounds", "exp" or "pow" ["ideal"].
	Kind string
	// GMin and GMax bound the conductance, in siemens; 0 <= GMin < GMax
	// [both zero: DefaultGMin, DefaultGMax].
	GMin, GMax float64
	// DwMin is the conductance change of one pulse, in siemens (dw_min);
	// unused by "ideal" [(GMax-GMin)/1000].
	DwMin float64
	// UpDown is the up/down asymmetry (up_down), |UpDown| < 1: up steps are
	// scaled by 1+UpDown, down steps by 1-UpDown [0].
	UpDown float64
	// Gamma is the slope of "linear" steps, in [0, 1], and the exponent of
	// "pow" steps, >= 0 [0: constant steps].
	Gamma float64
	// A (>= 0) and B are the amplitude and rate of "exp" steps [0: constant
	// steps].
	A, B float64
	// DwMinDtoD, GMinDtoD and GMaxDtoD are the device-to-device relative
	// standard deviations of DwMin, GMin and GMax; UpDownDtoD is the
	// absolute standard deviation of UpDown (itself a relative quantity)
	// [0].
	DwMinDtoD, UpDownDtoD, GMinDtoD, GMaxDtoD float64
	// DwMinStd is the cycle-to-cycle (write) noise: the relative standard
	// deviation of each pulse's step (dw_min_std) [0].
	DwMinStd float64
	// Levels > 1 quantises conductances to Levels equally spaced values in
	// [GMin, GMax] [0: continuous].
	Levels int
	// StuckFraction in [0, 1] is the fraction of devices (rounded to a
	// whole number) that never move [0].
	StuckFraction float64
	// StuckAt is where stuck devices sit: "gmin", "gmax" or "random"
	// (uniform in [GMin, GMax]) ["gmin"].
	StuckAt string
	// MaxPulses caps the number of pulses of one update of one device
	// [ceil(10*(GMax-GMin)/DwMin), enough to cross the range ten times].
	MaxPulses int
}

// withDefaults returns p with its zero fields replaced by their defaults.
func (p Params) withDefaults() Params {
	if p.Kind == "" {
		p.Kind = Ideal
	}
	if p.GMin == 0 && p.GMax == 0 {
		p.GMin, p.GMax = DefaultGMin, DefaultGMax
	}
	if p.DwMin == 0 && p.GMax > p.GMin {
		p.DwMin = (p.GMax - p.GMin) / 1000
	}
	if p.StuckAt == "" {
		p.StuckAt = StuckGMin
	}
	if p.MaxPulses == 0 && p.DwMin > 0 {
		m := math.Ceil(10 * (p.GMax - p.GMin) / p.DwMin)
		p.MaxPulses = int(min(m, math.MaxInt32))
	}
	return p
}

// validate reports the first invalid parameter of p (defaults applied).
func (p Params) validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	known := false
	for _, k := range Kinds {
		known = known || p.Kind == k
	}
	for _, v := range []struct {
		name string
		x    float64
	}{
		{"g_min", p.GMin}, {"g_max", p.GMax}, {"dw_min", p.DwMin}, {"up_down", p.UpDown},
		{"gamma", p.Gamma}, {"a", p.A}, {"b", p.B}, {"dw_min_dtod", p.DwMinDtoD},
		{"up_down_dtod", p.UpDownDtoD}, {"g_min_dtod", p.GMinDtoD}, {"g_max_dtod", p.GMaxDtoD},
		{"dw_min_std", p.DwMinStd}, {"stuck_fraction", p.StuckFraction},
	} {
		if !finite(v.x) {
			return fmt.Errorf("device: %s = %g: must be finite", v.name, v.x)
		}
	}
	switch {
	case !known:
		return fmt.Errorf("device: unknown kind %q (want one of %q)", p.Kind, Kinds)
	case p.GMin < 0 || p.GMax <= p.GMin:
		return fmt.Errorf("device: g_min = %g S, g_max = %g S: need 0 <= g_min < g_max", p.GMin, p.GMax)
	case p.DwMin <= 0:
		return fmt.Errorf("device: dw_min = %g S: must be positive", p.DwMin)
	case p.DwMin > p.GMax-p.GMin:
		return fmt.Errorf("device: dw_min = %g S exceeds the range g_max - g_min = %g S", p.DwMin, p.GMax-p.GMin)
	case math.Abs(p.UpDown) >= 1:
		return fmt.Errorf("device: up_down = %g: need |up_down| < 1", p.UpDown)
	case p.Kind == Linear && (p.Gamma < 0 || p.Gamma > 1):
		return fmt.Errorf("device: gamma = %g: linear steps need 0 <= gamma <= 1", p.Gamma)
	case p.Kind == Pow && p.Gamma < 0:
		return fmt.Errorf("device: gamma = %g: pow steps need gamma >= 0", p.Gamma)
	case p.Kind == Exp && p.A < 0:
		return fmt.Errorf("device: a = %g: exp steps need a >= 0", p.A)
	case p.DwMinDtoD < 0 || p.UpDownDtoD < 0 || p.GMinDtoD < 0 || p.GMaxDtoD < 0:
		return fmt.Errorf("device: device-to-device spreads (dw_min_dtod %g, up_down_dtod %g, g_min_dtod %g, g_max_dtod %g) must be >= 0",
			p.DwMinDtoD, p.UpDownDtoD, p.GMinDtoD, p.GMaxDtoD)
	case p.DwMinStd < 0:
		return fmt.Errorf("device: dw_min_std = %g: must be >= 0", p.DwMinStd)
	case p.Levels < 0 || p.Levels == 1:
		return fmt.Errorf("device: levels = %d: need 0 (continuous) or at least 2", p.Levels)
	case p.StuckFraction < 0 || p.StuckFraction > 1:
		return fmt.Errorf("device: stuck_fraction = %g: need 0 <= stuck_fraction <= 1", p.StuckFraction)
	case p.StuckAt != StuckGMin && p.StuckAt != StuckGMax && p.StuckAt != StuckRandom:
		return fmt.Errorf("device: stuck_at = %q: want %q, %q or %q", p.StuckAt, StuckGMin, StuckGMax, StuckRandom)
	case p.MaxPulses < 0:
		return fmt.Errorf("device: max_pulses = %d: must be >= 0", p.MaxPulses)
	}
	return nil
}

// Device holds the parameters drawn for one device.
type Device struct {
	// GMin and GMax are the device's bounds, in siemens.
	GMin, GMax float64
	// DwMin is the device's step of one pulse, in siemens.
	DwMin float64
	// UpDown is the device's up/down asymmetry.
	UpDown float64
	// Stuck reports whether the device never moves; it then sits at
	// StuckAt, in siemens.
	Stuck   bool
	StuckAt float64
}

// Array is a population of devices with their drawn parameters.
type Array struct {
	p   Params
	dev []Device
}

// Random streams of New, one per drawn quantity.
const (
	streamDwMin = iota + 1
	streamUpDown
	streamGMin
	streamGMax
	streamStuck
)

// New validates p and returns n devices whose device-to-device variation
// and stuck devices are drawn from seed.
func New(p Params, n int, seed uint64) (*Array, error) {
	if n < 0 {
		panic("device: negative number of devices")
	}
	p = p.withDefaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	a := &Array{p: p, dev: make([]Device, n)}
	stream := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15*k)) }
	rd, ru, rl, rh := stream(streamDwMin), stream(streamUpDown), stream(streamGMin), stream(streamGMax)
	for i := range a.dev {
		d := &a.dev[i]
		d.DwMin, d.UpDown, d.GMin, d.GMax = p.DwMin, p.UpDown, p.GMin, p.GMax
		if p.DwMinDtoD > 0 {
			d.DwMin = max(0, p.DwMin*(1+p.DwMinDtoD*rd.NormFloat64()))
		}
		if p.UpDownDtoD > 0 {
			d.UpDown = min(1, max(-1, p.UpDown+p.UpDownDtoD*ru.NormFloat64()))
		}
		if p.GMinDtoD > 0 {
			d.GMin = max(0, p.GMin*(1+p.GMinDtoD*rl.NormFloat64()))
		}
		if p.GMaxDtoD > 0 {
			d.GMax = p.GMax * (1 + p.GMaxDtoD*rh.NormFloat64())
		}
		d.GMax = max(d.GMin, d.GMax)
	}
	if k := int(math.Round(p.StuckFraction * float64(n))); k > 0 {
		rs := stream(streamStuck)
		for _, i := range rs.Perm(n)[:k] {
			d := &a.dev[i]
			d.Stuck = true
			switch p.StuckAt {
			case StuckGMin:
				d.StuckAt = p.GMin
			case StuckGMax:
				d.StuckAt = p.GMax
			default:
				d.StuckAt = a.quantise(p.GMin + rs.Float64()*(p.GMax-p.GMin))
			}
		}
	}
	return a, nil
}

// Params returns the parameters of a with defaults filled in.
func (a *Array) Params() Params { return a.p }

// Len returns the number of devices.
func (a *Array) Len() int { return len(a.dev) }

// Device returns the drawn parameters of device i.
func (a *Array) Device(i int) Device { return a.dev[i] }

// Update applies the requested changes dg (S) to the conductances g (S) of
// the devices, in place: an ideal device adds dg*(1 ± up_down) (times the
// write noise, if any) and clips to its bounds, a pulsed device receives
// round(|dg|/DwMin) pulses (at most MaxPulses), each stepping as its model's
// equation says at the current g, with write noise drawn from rng, and
// clipped to its bounds. Then conductances are quantised to the levels and
// stuck devices set to their stuck value. With Kind "ideal" and every
// nonideality off, Update computes exactly g = clip(g + dg, GMin, GMax).
// rng may be nil if DwMinStd is zero. Update panics if len(g) or len(dg)
// differs from a.Len().
func (a *Array) Update(g, dg []float64, rng *rand.Rand) {
	if len(g) != len(a.dev) || len(dg) != len(a.dev) {
		panic(fmt.Sprintf("device: Update with len(g) = %d, len(dg) = %d for %d devices", len(g), len(dg), len(a.dev)))
	}
	std := a.p.DwMinStd
	for i := range a.dev {
		d := &a.dev[i]
		if d.Stuck {
			g[i] = d.StuckAt
			continue
		}
		v, x := g[i], dg[i]
		if a.p.Kind == Ideal {
			if x > 0 && d.UpDown != 0 {
				x *= 1 + d.UpDown
			} else if x < 0 && d.UpDown != 0 {
				x *= 1 - d.UpDown
			}
			if std > 0 {
				x *= 1 + std*rng.NormFloat64()
			}
			v = clip(v+x, d.GMin, d.GMax)
		} else if math.IsNaN(x) {
			v = x
		} else if x != 0 {
			v = a.pulses(d, v, x > 0, math.Abs(x), rng)
		}
		if a.p.Levels > 1 {
			v = a.quantise(v)
		}
		g[i] = v
	}
}

// pulses returns g after the pulses that request a change of size mag (S)
// up or down.
func (a *Array) pulses(d *Device, g float64, up bool, mag float64, rng *rand.Rand) float64 {
	n := int(min(math.Round(mag/a.p.DwMin), float64(a.p.MaxPulses)))
	scale := d.DwMin * (1 - d.UpDown)
	if up {
		scale = d.DwMin * (1 + d.UpDown)
	}
	if n > 0 && a.p.Kind == Constant && a.p.DwMinStd == 0 && surelyCrosses(g, scale, n, up, d.GMin, d.GMax) {
		// The pulses would end at the bound, one at a time: a noisy
		// gradient can ask for thousands of them per device and batch.
		if up {
			return d.GMax
		}
		return d.GMin
	}
	return a.pulseLoop(d, g, up, n, scale, rng)
}

// surelyCrosses reports whether n steps of s from g, added one at a time
// in floating point, certainly pass the bound in the direction of travel:
// the exact sum passes it by more than the rounding of n additions can
// take back.
func surelyCrosses(g, s float64, n int, up bool, lo, hi float64) bool {
	reach := float64(n) * s
	slack := 4 * float64(n+1) * 0x1p-52 * (math.Abs(g) + reach + math.Max(math.Abs(lo), math.Abs(hi)))
	if up {
		return g+reach > hi+slack
	}
	return g-reach < lo-slack
}

// pulseLoop applies n pulses of nominal step scale (S) one at a time.
func (a *Array) pulseLoop(d *Device, g float64, up bool, n int, scale float64, rng *rand.Rand) float64 {
	span := d.GMax - d.GMin
	std := a.p.DwMinStd
	constant := a.p.Kind == Constant
	for range n {
		s := scale // Shape is 1 for constant steps
		if !constant {
			x := 0.0
			if span > 0 {
				x = min(1, max(0, (g-d.GMin)/span))
			}
			s = scale * a.Shape(x, up)
		}
		if std > 0 {
			s *= 1 + std*rng.NormFloat64()
		}
		if up {
			g += s
		} else {
			g -= s
		}
		g = clip(g, d.GMin, d.GMax)
		// Without noise every further pulse pushes into the bound.
		if std == 0 && ((up && g == d.GMax) || (!up && g == d.GMin)) {
			break
		}
	}
	return g
}

// Shape returns the dimensionless factor f_up(x) (up true) or f_down(x)
// of a's kind that scales one pulse's step at relative position
// x = (g - g_min)/(g_max - g_min) in [0, 1]; it is 1 for "ideal".
func (a *Array) Shape(x float64, up bool) float64 {
	r := x // fraction of the range left in the direction of travel
	if up {
		r = 1 - x
	}
	switch a.p.Kind {
	case Linear:
		return 1 - a.p.Gamma*(1-r)
	case SoftBounds:
		return r
	case Exp:
		return max(0, 1-a.p.A*math.Exp(a.p.B*(1-r)))
	case Pow:
		return math.Pow(r, a.p.Gamma)
	}
	return 1
}

// Program sets the conductances g (S) to the targets in g, in place, as the
// devices would hold them: clipped to each device's bounds, quantised to
// the levels, stuck devices at their stuck value. It panics if len(g)
// differs from a.Len().
func (a *Array) Program(g []float64) {
	if len(g) != len(a.dev) {
		panic(fmt.Sprintf("device: Program with len(g) = %d for %d devices", len(g), len(a.dev)))
	}
	for i := range a.dev {
		d := &a.dev[i]
		if d.Stuck {
			g[i] = d.StuckAt
			continue
		}
		v := clip(g[i], d.GMin, d.GMax)
		if a.p.Levels > 1 {
			v = a.quantise(v)
		}
		g[i] = v
	}
}

// Level returns the k-th conductance level, in siemens; it panics if a is
// not quantised.
func (a *Array) Level(k int) float64 {
	if a.p.Levels < 2 {
		panic("device: Level of a continuous array")
	}
	return a.p.GMin + float64(k)*(a.p.GMax-a.p.GMin)/float64(a.p.Levels-1)
}

// quantise returns the level nearest to g.
func (a *Array) quantise(g float64) float64 {
	if a.p.Levels < 2 || math.IsNaN(g) {
		return g
	}
	h := (a.p.GMax - a.p.GMin) / float64(a.p.Levels-1)
	k := math.Round((g - a.p.GMin) / h)
	k = min(float64(a.p.Levels-1), max(0, k))
	return a.Level(int(k))
}

// clip mirrors the trainer's clip so that ideal updates are bit-identical.
func clip(v, lo, hi float64) float64 {
	if v < lo {
		v = lo
	} else if v > hi {
		v = hi
	}
	return v
}
