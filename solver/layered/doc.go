// Package layered is the fast path of package solver for layered networks
// (see mna.Layering): inputs as voltage sources, node groups joined by
// crossbars, rectifiers and amplifiers.
//
// Its Solver finds the DC equilibrium by Newton's method on the voltages of
// the undriven free nodes alone (a node an amplifier drives is folded into
// its driver), each iteration a block elimination along the chains of
// groups rather than a factorization of the whole Jacobian. It reuses what
// does not change between solves (the inputs' currents, the linear part's
// factorization for its cold start, the last factorization for a nudged
// solve), starts from the previous equilibrium when given one, and solves
// networks with several wide hidden layers by nonlinear block Gauss-Seidel
// sweeps instead, where the elimination would factor dense Schur
// complements as wide as a layer. Saturating amplifiers are folded through
// their tanh; lateral crossbars and crossbars with wire resistance (reduced
// by package solver/reduce) become couplings within and between blocks.
// Solver.Transient integrates the circuit's ODE with the same methods as
// solver.Transient, each stage a block elimination with the capacitances
// on the diagonal.
//
// Settings and results are those of package solve. Package solver's DC,
// Auto and AutoTransient are the one place that chooses this solver or
// the general one; they fall back to the general solver where this one
// fails. Most callers use it through them, or as solver.Layered.
package layered
