// Package mna compiles a circuit (package circuit) into the system that
// solvers and learning rules work on: modified nodal analysis.
//
// Compile indexes the nodes once, collects the devices every element
// stamps (circuit.Stamper), checks the topology (loops of voltage sources,
// nodes without a DC path to ground, unknown controlling sources) and
// returns a System. It knows no element type: a new element kind made of
// the Stamper's devices compiles, evaluates and is scaled for the
// solvers' tolerance tests (System.ScalesTo) without a change here.
//
// The System is modified nodal analysis with one simplification that
// matters for learning networks: every node whose voltage is fixed by a
// chain of independent voltage sources from ground (inputs, bias rails) is
// eliminated from the unknowns. The unknown vector x holds the voltages of
// the remaining free nodes, in volts, followed by the branch currents of
// the voltage sources that were not eliminated, of the voltage-controlled
// voltage sources and of the amplifier channels, in amperes.
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
// Every conductance the elements stamp carries Johnson-Nyquist noise and
// every junction shot noise: package noise lists them (System.NoiseSources)
// and gathers them as a transient draws them (System.NoiseTo), reading the
// devices through their view (System.Devices, package devices).
//
// System.Layering recognises layered networks (inputs feeding groups of
// free nodes joined by crossbars into chains, rectifiers and amplifiers),
// the structure the fast solver exploits.
//
// Units are SI throughout: volts, amperes, siemens, ohms, farads, kelvin.
package mna
