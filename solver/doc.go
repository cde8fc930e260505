// Package solver finds the equilibria of compiled circuits.
//
// An equilibrium is a root of the KCL residual F(x) of a mna.System: the
// node voltages at which the currents into every free node sum to zero and
// every branch equation holds. Three solvers find it.
//
// Newton is the DC operating point analysis of SPICE, made tighter. It runs
// Newton's method on F with the dense Jacobian, limits junction voltages as
// SPICE's pnjlim does, and falls back to damped Newton, gmin stepping and
// source stepping when plain Newton fails. Its tolerances (Settings) are
// some six orders of magnitude tighter than SPICE's defaults.
//
// Transient integrates the circuit's ODE C dx/dt = -F(x), with the node
// capacitances and capacitors of the circuit, by TR-BDF2 (second order,
// L-stable) or backward Euler with local-truncation-error control, until
// the state meets the same acceptance test as Newton, or until a given
// stop time. Its steady state is the physical equilibrium the circuit
// settles to; it reports how long (in simulated seconds) that settling
// takes and the energy the sources delivered meanwhile, integrated with
// the quadrature the method implies.
//
// Layered (layered.Solver, in package solver/layered) is the fast path for
// layered networks (inputs as voltage sources, node groups joined by
// crossbars, rectifiers and amplifiers): a Newton solver that exploits
// their block structure, reuses what does not change between solves and
// starts from the previous equilibrium. Layered.Transient
// integrates the same ODE with the same methods, each stage a block
// elimination with the capacitances on the diagonal. Newton and Transient
// solve any circuit and are its reference. NewDC and AutoTransient are the
// one place that chooses between them.
//
// With thermal noise (the circuit's ThermalNoise, or
// TransientSettings.Noise) both transients integrate the Langevin equation
// C dx/dt = -F(x) + xi(t), xi the white noise of every conductance and
// junction (mna.System.NoiseSources), seeded and in fixed steps (see
// ode.Langevin). Package noise holds the linearised noise model and
// Langevin sampling.
//
// All of them take Settings and return a Result (package solve, whose types
// this package re-exports under the same names) in the manner of
// gonum/optimize: the solution, a Status, the iterations and the largest
// KCL residual in amperes with the node where it occurs. A solve that does not converge returns a finite
// solution, never NaN, and a *ConvergenceError naming that node.
package solver
