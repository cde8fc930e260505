package ode

import "fmt"

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

// Energy is the energy in joules that the sources of a circuit delivered
// over a transient, split as mna.Power splits power.
type Energy struct {
	// Sources is the energy of the independent sources, Controlled that of
	// amplifiers and controlled sources, in joules.
	Sources, Controlled float64
}

// Total returns Sources + Controlled, in joules.
func (e Energy) Total() float64 { return e.Sources + e.Controlled }
