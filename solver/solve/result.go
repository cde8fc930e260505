package solve

import (
	"fmt"

	"github.com/eqsim/eqsim/solver/ode"

	"github.com/eqsim/eqsim/circuit/mna"
)

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

// Result is the outcome of a solve, in the manner of gonum/optimize.
type Result struct {
	// X is the solution: free node voltages (V) then branch currents (A), in
	// the order of mna.System's unknowns.
	X []float64
	// Status says how the solve ended.
	Status Status
	// Method names the method that produced X ("newton", "gmin-stepping",
	// "source-stepping", "transient", "layered", "layered-transient").
	Method string
	// Iterations counts Newton iterations (for a transient: over all
	// stages of all steps).
	Iterations int
	// Steps counts accepted time steps of a transient solve.
	Steps int
	// Residual is the largest absolute KCL residual at X, in amperes.
	Residual float64
	// WorstNode is the node where Residual occurs.
	WorstNode string
	// SettlingTime is, for a transient solve, the simulated time in seconds
	// after which every node stayed within the settling tolerance of its
	// final voltage. Zero for DC methods.
	SettlingTime float64
	// Time is the simulated time in seconds a transient solve ran to.
	Time float64
	// Energy is, for a transient, the energy in joules that the sources
	// delivered to the circuit from time 0 until it settled (until
	// SettlingTime), or until StopTime when one was given. Zero for DC
	// methods.
	Energy Energy
	// Power is, for a transient, the power in watts that the sources
	// deliver at X, capacitive currents included (at an equilibrium, the
	// DC power that System.Power gives). Zero for DC methods.
	Power mna.Power
}

// ConvergenceError is returned when a solve fails. It names the node with
// the largest KCL residual.
type ConvergenceError struct {
	Status    Status
	Method    string
	Residual  float64 // amperes
	WorstNode string
}

func (e *ConvergenceError) Error() string {
	return fmt.Sprintf("%s: no convergence (%s): largest KCL residual %.3g A at node %q", e.Method, e.Status, e.Residual, e.WorstNode)
}
