// Command eqsim simulates analog networks that learn by Equilibrium
// Propagation.
//
// Usage:
//
//	eqsim simulate NETLIST [--json] [--method newton|transient] [--stop T] [--trace F.csv] [--seed S]
//	eqsim noise NETLIST [--window TAU] [--samples K] [--seed S] [--json]
//	eqsim export spice NETLIST [-o FILE] [--tran STOP]
//	eqsim verify NETLIST [--json]
//	eqsim train NETLIST [--epochs N] [--out DIR] [--resume DIR] [--json]
//	eqsim eval NETLIST [--json]
//	eqsim gradcheck NETLIST [--beta B] [--samples K] [--json]
//
// Machine output goes to stdout; logs and errors go to stderr. The exit
// status is 0 when the command did its job, 1 when the run failed (no
// convergence, ngspice missing or disagreeing, a file that could not be
// written) and 2 for bad input or usage, in which case nothing is written.
package main
