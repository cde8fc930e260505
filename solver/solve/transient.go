package solve

import (
	"github.com/eqsim/eqsim/solver/ode"
)

// Integration methods of TransientSettings.Method (see package ode).
const (
	MethodTRBDF2 = ode.MethodTRBDF2
	MethodBE     = ode.MethodBE
)

// DefaultStepIterations bounds the Newton iterations of one stage of a
// time step.
const DefaultStepIterations = 20

// TransientSettings configures solver.Transient and the layered
// transient (package solver/layered). A nil *TransientSettings means all
// defaults, and so does the zero value of each field.
type TransientSettings struct {
	// Settings holds the Newton tolerances of every time step and of the
	// steady state, as for Newton. Its MaxIterations bounds the iterations
	// of one Newton run of a stage of a time step (zero means
	// DefaultStepIterations); solver.Transient follows a run that fails by two
	// fallbacks with five times that budget, and if they fail too the
	// step is retried an eighth as long. Its fallback switches are unused.
	Settings

	// Method is the integration method, MethodTRBDF2 or MethodBE. Empty
	// means MethodTRBDF2. Any other value panics.
	Method string
	// StopTime, if positive, is the simulated time in seconds at which the
	// integration stops, as a phase of fixed duration does: the last step
	// is shortened to end there. If the circuit settles before StopTime,
	// the state stays at the equilibrium until then (Status Converged,
	// Time StopTime); if not, the state at StopTime is returned with
	// Status TimeLimit and no error. Zero means integrate until settled.
	StopTime float64
	// MaxSteps bounds the number of accepted steps. Zero means
	// DefaultMaxSteps.
	MaxSteps int
	// MaxTime is the simulated time in seconds after which a transient
	// gives up with Status IterationLimit and an error. Zero means no
	// limit.
	MaxTime float64
	// InitialStep is the first time step in seconds. Zero means a
	// thousandth of the shortest node time constant C_ii/G_ii, where G_ii
	// is the conductance of the linear elements at node i. No step is
	// shorter than a thousandth of the initial step: the error estimate
	// is ignored there, and a step whose Newton iteration fails there is a
	// failure of the transient.
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
	// SettleTol is the settling tolerance in volts for
	// Result.SettlingTime. Zero means DefaultSettleTol.
	SettleTol float64
	// Observe, if not nil, is called with the initial state at time 0 and
	// with the state after every accepted step (and at StopTime if the
	// circuit settled before it), in the system's ordering of unknowns. It
	// must not modify or retain x.
	Observe func(t float64, x []float64)
	// Adapt, if not nil, is called as Observe is, after it, for a circuit
	// that changes while it runs: it may change the conductances of
	// resistors and crossbars and reports whether it did; the solver then
	// reads them anew before the next step. It must not modify or retain x.
	Adapt func(t float64, x []float64) bool

	// Noise says whether the transient integrates the circuit's thermal
	// noise (see solver.Transient). The zero value follows the circuit's
	// ThermalNoise.
	Noise NoiseMode
	// Seed seeds the thermal noise: the same seed gives the same
	// trajectory.
	Seed uint64
	// NoiseStep is the fixed time step in seconds of a transient with
	// thermal noise. Zero means half the shortest node time constant
	// (see InitialStep).
	NoiseStep float64
}

// WithDefaults returns a copy of s (nil: the zero value) with every zero
// field set to its default, by method where the default depends on it.
func (s *TransientSettings) WithDefaults() TransientSettings {
	var d TransientSettings
	if s != nil {
		d = *s
	}
	if d.MaxIterations <= 0 {
		d.MaxIterations = DefaultStepIterations
	}
	d.Settings = d.Settings.WithDefaults()
	o := d.Steps().WithDefaults()
	d.Method, d.StopTime, d.MaxSteps, d.MaxTime, d.InitialStep = o.Method, o.StopTime, o.MaxSteps, o.MaxTime, o.InitialStep
	d.TrAbsTol, d.TrRelTol, d.MaxGrowth, d.SettleTol = o.TrAbsTol, o.TrRelTol, o.MaxGrowth, o.SettleTol
	return d
}

// Steps returns the step control of s, for package ode.
func (s *TransientSettings) Steps() ode.Settings {
	return ode.Settings{Method: s.Method, StopTime: s.StopTime, MaxSteps: s.MaxSteps, MaxTime: s.MaxTime,
		InitialStep: s.InitialStep, TrAbsTol: s.TrAbsTol, TrRelTol: s.TrRelTol, MaxGrowth: s.MaxGrowth, SettleTol: s.SettleTol}
}
