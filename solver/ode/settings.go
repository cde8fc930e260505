package ode

import (
	"fmt"
	"math"
)

// Integration methods of Settings.Method.
const (
	// MethodTRBDF2 is TR-BDF2, the default: a trapezoidal stage then a
	// BDF2 stage per step, second order and L-stable.
	MethodTRBDF2 = "trbdf2"
	// MethodBE is backward Euler: first order and L-stable.
	MethodBE = "be"
)

// Defaults of Settings.
const (
	// DefaultMaxSteps bounds the accepted time steps.
	DefaultMaxSteps = 20000
	// DefaultSettleTol is the settling tolerance in volts.
	DefaultSettleTol = 1e-6
	// DefaultTrAbsTol is, for backward Euler, the absolute local
	// truncation error allowed per step, in volts.
	DefaultTrAbsTol = 1e-7
	// DefaultTrAbsTolTRBDF2 is DefaultTrAbsTol for TR-BDF2, some thirtieth
	// of DefaultSettleTol: where a node enters its settling band the steps
	// are then short enough to time its entry within some 0.3% of the
	// settling time.
	DefaultTrAbsTolTRBDF2 = 3e-8
	// DefaultTrRelTol is, for backward Euler, the local truncation error
	// allowed per step relative to the step's change of the node voltage.
	DefaultTrRelTol = 0.05
	// DefaultTrRelTolTRBDF2 is DefaultTrRelTol for TR-BDF2, relative to
	// the largest change of any node in the step. It keeps steps near a
	// third of the time constant of the slowest decaying mode, where the
	// method's decay per step is within 0.4% of the exponential's.
	DefaultTrRelTolTRBDF2 = 0.004
	// DefaultMaxGrowth bounds, for backward Euler, the ratio of successive
	// steps.
	DefaultMaxGrowth = 2
	// DefaultMaxGrowthTRBDF2 is DefaultMaxGrowth for TR-BDF2, whose error
	// estimate, third order in the step, judges a longer step better.
	DefaultMaxGrowthTRBDF2 = 5
)

// Settings configures the step control of an integration. The zero value
// of each field means its default.
type Settings struct {
	// Method is the integration method, MethodTRBDF2 or MethodBE. Empty
	// means MethodTRBDF2. Any other value panics.
	Method string
	// StopTime, if positive, is the simulated time in seconds at which the
	// integration stops, as a phase of fixed duration does: the last step
	// is shortened to end there. If the circuit settles before StopTime,
	// the state stays at the equilibrium until then (Status Converged,
	// Time StopTime); if not, the state at StopTime is returned with
	// Status TimeLimit. Zero means integrate until settled.
	StopTime float64
	// MaxSteps bounds the number of accepted steps. Zero means
	// DefaultMaxSteps.
	MaxSteps int
	// MaxTime is the simulated time in seconds after which an integration
	// gives up with Status IterationLimit. Zero means no limit.
	MaxTime float64
	// InitialStep is the first time step in seconds. Zero means a
	// thousandth of the model's shortest node time constant. No step is
	// shorter than a thousandth of the initial step: the error estimate
	// is ignored there, and a step whose stage fails there is a failure
	// of the integration.
	InitialStep float64
	// TrAbsTol (volts) and TrRelTol bound the estimated local truncation
	// error of the node voltages in each step. With TR-BDF2 the error of
	// every node relative to TrAbsTol + TrRelTol*dv, where dv is the
	// largest change of any node's voltage in the step, must not exceed 1
	// in root mean square over the free nodes (the norm of SUNDIALS, with
	// a relative tolerance of the state's change rather than of each
	// node's, so that nodes nearly at rest while others move do not set
	// the step). With backward Euler the error of each node must not
	// exceed TrAbsTol + TrRelTol*|dv| with dv its own change. The
	// relative part keeps every decaying transient resolved, the absolute
	// part lets the step grow once all transients have decayed below it.
	// With the defaults the settling time of an RC stage or ladder is
	// within 1% of the closed form with TR-BDF2 (0.5-0.8% short, at some
	// three steps per time constant of the slowest mode: the method
	// decays a little faster than the exponential), and some 6% long with
	// backward Euler (ten steps per time constant; it decays a little
	// slower). Zero means, by method, DefaultTrAbsTolTRBDF2 and
	// DefaultTrRelTolTRBDF2, or DefaultTrAbsTol and DefaultTrRelTol.
	TrAbsTol, TrRelTol float64
	// MaxGrowth bounds the ratio of a step to the one before. Zero means,
	// by method, DefaultMaxGrowthTRBDF2 or DefaultMaxGrowth.
	MaxGrowth float64
	// SettleTol is the settling tolerance in volts of the settling time.
	// Zero means DefaultSettleTol.
	SettleTol float64
}

// WithDefaults returns s with every zero field set to its default. It
// panics on an unknown Method or a StopTime that is negative or not
// finite.
func (s Settings) WithDefaults() Settings {
	d := s
	switch d.Method {
	case "":
		d.Method = MethodTRBDF2
	case MethodTRBDF2, MethodBE:
	default:
		panic(fmt.Sprintf("ode: unknown method %q (want %q or %q)", d.Method, MethodTRBDF2, MethodBE))
	}
	if d.MaxSteps <= 0 {
		d.MaxSteps = DefaultMaxSteps
	}
	if d.TrAbsTol <= 0 {
		d.TrAbsTol = DefaultTrAbsTol
		if d.Method == MethodTRBDF2 {
			d.TrAbsTol = DefaultTrAbsTolTRBDF2
		}
	}
	if d.TrRelTol <= 0 {
		d.TrRelTol = DefaultTrRelTol
		if d.Method == MethodTRBDF2 {
			d.TrRelTol = DefaultTrRelTolTRBDF2
		}
	}
	if d.MaxGrowth <= 1 {
		d.MaxGrowth = DefaultMaxGrowth
		if d.Method == MethodTRBDF2 {
			d.MaxGrowth = DefaultMaxGrowthTRBDF2
		}
	}
	if d.SettleTol <= 0 {
		d.SettleTol = DefaultSettleTol
	}
	if !(d.StopTime >= 0) || math.IsInf(d.StopTime, 0) {
		panic(fmt.Sprintf("ode: StopTime %v s, want a finite number >= 0", d.StopTime))
	}
	return d
}

// Limits of the step control.
const (
	maxStepFailures = 30   // consecutive failed Newton solves of a step
	minStepShrink   = 0.2  // smallest ratio of a retried step to the rejected one
	safety          = 0.9  // of the step the error estimate allows
	initialStepFrac = 1e-3 // of the shortest node time constant
	minStepFrac     = 1e-3 // of the initial step
	divergence      = 1e30 // V or A: a state beyond it has run away
)

// maxAbs returns the largest |x[i]|, or NaN if some x[i] is NaN.
func maxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		if a := math.Abs(v); a > m {
			m = a
		} else if a != a {
			return a
		}
	}
	return m
}
