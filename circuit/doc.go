// Package circuit holds the elements of an analog network and the compiled
// system that solvers and learning rules work on.
//
// A Circuit is a list of elements that name the nodes they connect. Node "0"
// (alias "gnd") is ground. Compile indexes the nodes once, checks the
// topology (loops of voltage sources, nodes without a DC path to ground,
// unknown controlling sources) and returns a System.
//
// The System is modified nodal analysis with one simplification that matters
// for learning networks: every node whose voltage is fixed by a chain of
// independent voltage sources from ground (inputs, bias rails) is eliminated
// from the unknowns. The unknown vector x holds the voltages of the
// remaining free nodes, in volts, followed by the branch currents of the
// voltage sources that were not eliminated and of the voltage-controlled
// voltage sources, in amperes.
//
// The residual F(x) has one row per free node, the sum of the currents
// leaving the node through its elements (amperes), and one row per branch,
// the violation of the branch's voltage equation (volts). An equilibrium is
// a root of F. With node capacitances C the same circuit is the ODE
// C dV/dt = -F(V).
//
// For circuits of resistors, diodes and independent sources the residual is
// the gradient of the co-content E(V), a convex function of the free node
// voltages, so the equilibrium is unique and minimises E.
//
// Circuit nonidealities are element data: a crossbar's wire resistance
// (Crossbar.WireR, which gives it internal nodes), per-diode parameters of
// a rectifier and per-channel gains and offsets of an amplifier (drawn by
// DiodeVariation and AmplifierVariation), and a nominal temperature
// (Circuit.TNom) from which diode saturation currents are scaled.
//
// Units are SI throughout: volts, amperes, siemens, ohms, farads, kelvin.
package circuit
