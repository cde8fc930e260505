// Package solve holds what every solver of package solver is asked and
// what it answers: the Settings of a DC solve (Newton's tolerances), the
// TransientSettings of a transient, and the Result of either, with its
// Status and, for a solve that fails, a *ConvergenceError naming the node
// with the largest KCL residual. It also holds the one integration of a
// transient's ODE (Integrate, with or without thermal noise) that the
// general and the layered transients share.
//
// Package solver chooses a solver and re-exports these types under the
// same names (solver.Settings is solve.Settings); the general solvers
// live in package solver, the layered fast path in package
// solver/layered. Both import this package, which imports neither.
package solve
