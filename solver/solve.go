package solver

import (
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/layered"
	"github.com/eqsim/eqsim/solver/ode"
	"github.com/eqsim/eqsim/solver/reduce"
	"github.com/eqsim/eqsim/solver/solve"
)

// This file re-exports what the solvers share (package solve) and the
// layered fast path (package solver/layered) under the names package
// solver has always given them, so that callers need only package solver.

// Settings configures Newton and Layered (solve.Settings).
type Settings = solve.Settings

// TransientSettings configures Transient and Layered.Transient
// (solve.TransientSettings).
type TransientSettings = solve.TransientSettings

// Result is the outcome of a solve, in the manner of gonum/optimize
// (solve.Result).
type Result = solve.Result

// ConvergenceError is returned when a solve fails (solve.ConvergenceError).
// It names the node with the largest KCL residual.
type ConvergenceError = solve.ConvergenceError

// Status says how a solve ended (ode.Status, which integrations share).
type Status = ode.Status

// The values of Status.
const (
	NotTerminated  = ode.NotTerminated
	Converged      = ode.Converged
	IterationLimit = ode.IterationLimit
	Singular       = ode.Singular
	Diverged       = ode.Diverged
	TimeLimit      = ode.TimeLimit
)

// Energy is energy in joules by who delivered it (ode.Energy).
type Energy = ode.Energy

// Defaults of Settings (see package solve).
const (
	DefaultMaxIterations = solve.DefaultMaxIterations
	DefaultVoltTol       = solve.DefaultVoltTol
	DefaultCurrentTol    = solve.DefaultCurrentTol
	DefaultRelTol        = solve.DefaultRelTol
	DefaultMaxSize       = solve.DefaultMaxSize
)

// DefaultStepIterations bounds the Newton iterations of one stage of a
// time step (solve.DefaultStepIterations).
const DefaultStepIterations = solve.DefaultStepIterations

// Integration methods of TransientSettings.Method (see package ode).
const (
	MethodTRBDF2 = ode.MethodTRBDF2
	MethodBE     = ode.MethodBE
)

// NoiseMode says whether a transient integrates thermal noise
// (solve.NoiseMode).
type NoiseMode = solve.NoiseMode

// The values of NoiseMode.
const (
	NoiseCircuit = solve.NoiseCircuit
	NoiseOn      = solve.NoiseOn
	NoiseOff     = solve.NoiseOff
)

// Shared lets the solvers of systems that share conductances, as the
// replicas of a trainer's workers and phases do, reduce each crossbar with
// wire resistance once per change of its conductances rather than once per
// system (Settings.Shared). The zero value is ready to use; it is safe
// for concurrent use.
type Shared = reduce.Registry

// Layered is the fast path for layered networks (layered.Solver): a
// Newton solver that exploits their block structure. NewDC chooses it
// where it applies.
type Layered = layered.Solver

// NewLayered returns a layered solver for sys, or the error of
// sys.Layering if sys is not a layered network (layered.New, sharing no
// reductions).
func NewLayered(sys *mna.System) (*Layered, error) { return layered.New(sys, nil) }
