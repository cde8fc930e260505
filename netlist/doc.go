// Package netlist reads and writes circuits as TOML netlists. Package
// spice writes them as SPICE decks.
//
// # The format
//
// A netlist is a TOML file: element cards, each a table in an array of
// tables ([[resistor]], [[crossbar]], ...) with a name and its keys, node
// groups ([[group]]), and the sections [options] (temp, tnom,
// node_capacitance), [models.NAME] (diode models), [output] and
// [training] with its subtables [training.learning_rates],
// [training.device] and [training.sense]. The "Netlist format" section of
// the repository's README is its reference; a test checks that it
// documents every key of every element kind.
//
// The element cards are not written out here: every kind's keys, types,
// units and defaults come from its circuit.Kind, and Parse and WriteFile
// read and write any card through the kind's descriptor (Kind.Build and
// Element.Fields). A number may be written with a SPICE suffix ("10k",
// "2.2u", "1meg"; see ParseValue). Block elements refer to groups:
// group "h" of size 3 has the nodes "h[0]", "h[1]", "h[2]", and an input
// defines the group of its name. Crossbar matrices and input values may
// live in .npy sidecars beside the netlist.
//
// The [output] and [training] sections become eqprop's configuration
// (Netlist.TrainingConfig): their defaults are those of eqprop.Config,
// device models are checked as eqprop/device checks them, and the
// read-out model is eqprop.Sensing. [training] needs [output]. WriteFile
// writes both sections back, with relative data file paths made relative
// to the folder of the written netlist.
//
// # Overrides
//
// Override sets a key of a netlist by a dotted path, such as
// "training.device.levels" or "crossbar[W1].wire_r"; ParseOverridden parses
// a netlist with overrides applied, keeping the order of its elements.
// Sweeps (package sweep) vary netlists this way.
//
// # Order and validation
//
// Circuit.Elements lists the elements in the order of their tables in the
// file, and Circuit.Groups the groups and inputs in theirs. Parse rejects
// TOML syntax errors, unknown keys, missing or duplicate names, unknown
// models, model types and groups, bad or out-of-range values, wrong node
// counts, bad node names, a cccs whose control is not a vsource, missing
// or malformed sidecars and empty netlists; it then compiles the circuit
// with mna.Compile, which rejects loops of voltage sources and nodes
// without a DC path to ground. Every error is an *Error that names the file,
// the line when there is one, and the element, model or group at fault.
//
// # Writing back
//
// WriteFile writes a netlist with its current values, crossbar matrices
// and input values in .npy sidecars, such that ParseFile reads back the
// same circuit bit for bit.
package netlist
