// Package ode integrates a circuit's ODE C dx/dt = -F(x) in time: the
// step control that the transient solvers of package solver share.
//
// A Model is the circuit in the representation a solver integrates (the
// unknowns of the dense system, or the folded node voltages of a layered
// network): it solves the implicit equation of a stage, multiplies by the
// capacitances, says when the state has settled and what power the
// sources deliver. The Integrator takes steps of TR-BDF2 (the default:
// second order, L-stable) or backward Euler, estimates their local
// truncation error (Hosea and Shampine's estimate, filtered through the
// stage's matrix so that stiff components do not count), adapts the step,
// stops at the equilibrium or at a stop time, and integrates the energy
// the sources deliver with the quadrature the method implies, so that
// charge balances exactly.
//
// Status is shared with package solver (solver.Status is ode.Status).
// Units are SI: seconds, volts, watts, joules.
package ode
