package solve

import (
	"github.com/eqsim/eqsim/solver/jacobian"
	"github.com/eqsim/eqsim/solver/reduce"
)

// Defaults of Settings.
const (
	// DefaultMaxIterations bounds the iterations of one Newton run, as
	// SPICE's itl1.
	DefaultMaxIterations = 100
	// DefaultVoltTol is the absolute voltage tolerance in volts (SPICE's
	// vntol is 1e-6 V).
	DefaultVoltTol = 1e-12
	// DefaultCurrentTol is the absolute current tolerance in amperes
	// (SPICE's abstol is 1e-12 A).
	DefaultCurrentTol = 1e-15
	// DefaultRelTol is the relative tolerance (SPICE's reltol is 1e-3).
	DefaultRelTol = 1e-9
	// DefaultMaxSize bounds the number of unknowns of a dense Jacobian
	// (solver.DenseJacobian): at 4096 unknowns it takes 134 MB and an LU
	// factorization some 3 s on one core of the development machine,
	// and both grow as n^2 and n^3. Larger systems take the sparse
	// Jacobian; layered networks of any size go to the layered solver.
	DefaultMaxSize = 4096
)

// Settings configures solver.Newton and the layered solver (package
// solver/layered). A nil *Settings means all defaults, and so does the
// zero value of each field.
//
// Newton accepts an iterate x when all of these hold:
//
//   - KCL: at every free node i, |F_i(x)| <= CurrentTol + RelTol*S_i, where
//     F_i is the net current leaving the node and S_i the sum of the
//     magnitudes of the currents of the elements at the node, in amperes.
//     S_i is the scale of the rounding error of F_i, so the test is
//     attainable in float64 whatever the current levels are.
//   - Branch equations: every voltage source or VCVS equation holds to
//     VoltTol + RelTol times the sum of the magnitudes of the voltages in it.
//   - Update: one more Newton step would move every node voltage by at most
//     VoltTol + RelTol*|x_i| and every branch current by at most
//     CurrentTol + RelTol*(max(|x_k|, S at its terminals)). This is what
//     makes the node voltages accurate at high-impedance nodes, where a
//     small residual alone would not. The step is computed with the
//     factorized Jacobian of the previous iterate, which is accepted only
//     when the last step moved no node by more than 5% of N*Vt (so no
//     junction conductance changed by more than about 10%); that last
//     step is then taken.
//   - No junction voltage was limited in reaching x.
//
// With the defaults (1e-12 V, 1e-15 A, 1e-9) the tests are six orders of
// magnitude tighter than SPICE's (vntol 1e-6 V, abstol 1e-12 A, reltol
// 1e-3) and some six orders above float64 rounding.
type Settings struct {
	// MaxIterations is the largest number of Newton iterations of one
	// Newton run: the plain run, the damped run, each gmin or source step.
	// Zero means DefaultMaxIterations.
	MaxIterations int
	// VoltTol is the absolute voltage tolerance in volts. Zero means
	// DefaultVoltTol.
	VoltTol float64
	// CurrentTol is the absolute current tolerance in amperes. Zero means
	// DefaultCurrentTol.
	CurrentTol float64
	// RelTol is the relative tolerance, dimensionless. Zero means
	// DefaultRelTol.
	RelTol float64

	// Jacobian is the form of the Jacobian of solver.Newton and
	// solver.Transient (solver.AutoJacobian, the zero value,
	// solver.DenseJacobian or solver.SparseJacobian).
	Jacobian jacobian.Kind

	// MaxSize bounds the number of unknowns (sys.Size()) of a dense
	// Jacobian: with DenseJacobian, solver.Newton and solver.Transient
	// return a *solver.SizeError for a larger system, and AutoJacobian
	// takes the sparse one for it. Zero means DefaultMaxSize, a negative value no bound.
	MaxSize int

	// SkipInternal makes the layered solver leave the voltages of the
	// internal nodes of crossbars with wire resistance as they are in
	// the solution it writes, rather than compute them (one sparse solve
	// per solve), for callers that measure only at the crossbars'
	// periphery, as a trainer does. The layered solver's InternalTo
	// computes them.
	// The general solvers always compute them.
	SkipInternal bool
	// Shared, if not nil, is shared by the solvers (solver.NewDC) of systems
	// that share the conductances of crossbars with wire resistance:
	// each crossbar is then reduced once per change of its conductances.
	Shared *reduce.Registry

	// NoDamping, NoGminStepping and NoSourceStepping turn off the
	// fallbacks Newton tries when plain Newton fails.
	NoDamping        bool
	NoGminStepping   bool
	NoSourceStepping bool
}

// WithDefaults returns a copy of s (nil: the zero value) with every zero
// field set to its default.
func (s *Settings) WithDefaults() Settings {
	var d Settings
	if s != nil {
		d = *s
	}
	if d.MaxIterations <= 0 {
		d.MaxIterations = DefaultMaxIterations
	}
	if d.VoltTol <= 0 {
		d.VoltTol = DefaultVoltTol
	}
	if d.CurrentTol <= 0 {
		d.CurrentTol = DefaultCurrentTol
	}
	if d.RelTol <= 0 {
		d.RelTol = DefaultRelTol
	}
	if d.MaxSize == 0 {
		d.MaxSize = DefaultMaxSize
	}
	return d
}
