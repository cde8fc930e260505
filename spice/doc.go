// Package spice is eqsim's SPICE face: it writes a circuit as an ngspice
// deck, runs ngspice on it and compares ngspice's operating point with
// eqsim's. Its subpackage importer reads SPICE decks written for ngspice
// into circuits.
//
// # Export
//
// WriteSpice writes the deck. It knows no element type: every element of
// package circuit lists its primitive devices (circuit.Element.Parts), and
// the deck writes each part as one card by its SPICE type letter. An
// element that is a single part keeps its name; the parts of a block
// (a crossbar, a rectifier, an amplifier, an input) are named after the
// block's stem and the part's name. A new element kind needs nothing in
// this package as long as its parts are resistors, capacitors, diodes,
// independent sources, VCVS and CCCS.
//
// The deck also carries, as comments ngspice ignores, a record of the
// circuit and of every element (its kind, name and netlist fields and the
// names of its cards) and the exact conductance of resistor cards whose
// resistance does not give it back: with them package importer rebuilds
// the circuit exported bit for bit.
//
// RunNgspice exports a circuit, runs ngspice -b on the deck and returns
// every node voltage; Compare finds where those voltages and eqsim's
// differ most, as eqsim verify reports it. The package solves nothing
// itself: the voltages to compare come from the caller's solver.
//
// # Backend
//
// Ngspice is an eqprop.Physical that solves every phase of training in
// ngspice, the second backend of eqsim train (--backend ngspice) beside
// eqsim's own solver: persistent `ngspice -p` processes, one per circuit
// of the phases and per worker, that load the deck once and then receive
// only what changes between phases and samples as alter commands.
//
// Values are in SI units: volts, amperes, siemens (conductances of parts),
// ohms (resistor cards), farads and kelvin.
package spice
