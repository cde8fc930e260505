// Package deckrec is the record that eqsim's SPICE exporter writes, as
// comments, into a deck so that eqsim's importer can rebuild the circuit
// exactly: the circuit's title, temperatures and node groups, and for
// every element its kind, name and netlist fields, with the names of the
// cards it became. ngspice ignores the record; a deck without it imports
// card by card.
//
// A record is a comment line: "* eqsim circuit " or "* eqsim element "
// followed by one JSON object. An element's fields are those of
// circuit.Element.Fields, each in the JSON form of its parameter's type:
// numbers as JSON numbers (the shortest that read back as the same
// float64), node lists as {"groups": [...]} when they are whole node
// groups in order and {"nodes": [...]} otherwise, diode models as objects
// of every field of circuit.DiodeModel, and a matrix as {"rows": R,
// "cols": C}: its entries are not in the record but on the deck's cards,
// entry (i, j) the conductance of the element's resistor card of part
// "i_j" (circuit.Crossbar's part names).
//
// An amplifier channel with a swing saturates: its output stage is an E
// card with a behavioural value, which Saturating writes and reads in the
// one form eqsim's importer accepts.
//
// Rebuild is the importer's side: given the circuit of a deck's cards and
// its records, it rebuilds every element whose record fits its cards and
// leaves the other cards as they are.
package deckrec
