package solver

import (
	"fmt"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Status says how a solve ended.
type Status int

const (
	// NotTerminated is the zero Status: no solve has run.
	NotTerminated Status = iota
	// Converged means the KCL residual and the last update met the tolerances.
	Converged
	// IterationLimit means the iteration or step budget ran out first.
	IterationLimit
	// Singular means a linear system could not be solved.
	Singular
	// Diverged means the iterate left the finite numbers.
	Diverged
	// TimeLimit means a transient stopped, as asked, at its stop time
	// (TransientSettings.StopTime) before it settled: the state is where
	// the circuit stands at that time, not an equilibrium.
	TimeLimit
)

func (s Status) String() string {
	switch s {
	case NotTerminated:
		return "not terminated"
	case Converged:
		return "converged"
	case IterationLimit:
		return "iteration limit"
	case Singular:
		return "singular"
	case Diverged:
		return "diverged"
	case TimeLimit:
		return "time limit"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

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

// Energy is the energy in joules that the sources of a circuit delivered
// over a transient, split as mna.Power splits power.
type Energy struct {
	// Sources is the energy of the independent sources, Controlled that of
	// amplifiers and controlled sources, in joules.
	Sources, Controlled float64
}

// Total returns Sources + Controlled, in joules.
func (e Energy) Total() float64 { return e.Sources + e.Controlled }

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
