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
// RunNgspice exports a circuit, runs ngspice -b on the deck and returns
// every node voltage; Compare finds where those voltages and eqsim's
// differ most, as eqsim verify reports it. The package solves nothing
// itself: the voltages to compare come from the caller's solver.
//
// Values are in SI units: volts, amperes, siemens (conductances of parts),
// ohms (resistor cards), farads and kelvin.
package spice
