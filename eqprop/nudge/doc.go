// Package nudge is where the phases of Equilibrium Propagation meet a
// circuit: Add appends to a circuit.Circuit the elements that drive its
// outputs (a current source into each, a conductance to a node held at
// the target, or a source clamping it), and Elements.Set gives them the
// values of an eqprop.Phase.
//
// Every backend that builds the trainer's phases from a circuit (package
// native, eqsim's own solver, and package spice, ngspice) adds the same
// elements under the same names, so that their circuits, decks and
// audits agree element for element.
package nudge
