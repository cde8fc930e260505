// Package circuit holds the elements of an analog network: what a netlist
// describes, before anything is solved.
//
// A Circuit is a list of elements that name the nodes they connect. Node
// "0" (alias "gnd") is ground. Every element kind lives in a file of its
// own with everything about it:
//
//   - its descriptor, a Kind: the name of its netlist card, its
//     parameters (Param: key, type, unit, default) and how to build an
//     element from them (Kind.Build), which the TOML face reads;
//   - its netlist card's values (Element.Fields), which the TOML face
//     writes;
//   - its primitive devices as a SPICE deck writes them (Element.Parts),
//     which the SPICE face writes;
//   - the devices it is made of as a compiled system sees them
//     (Element.Stamp into a Stamper: conductances, junctions, sources,
//     controlled sources, amplifier channels, crossbar blocks), which
//     package circuit/mna compiles into modified nodal analysis, whose
//     solvers and tolerance tests therefore need nothing per kind;
//   - what learning may program (Trainable) and drive (Source).
//
// Faces and solvers ask elements through these methods; they do not
// switch on element types. docs/adding-an-element.md walks through adding
// a kind.
//
// Circuit nonidealities are element data: a crossbar's wire resistance
// (Crossbar.WireR, which gives it internal nodes), per-diode parameters of
// a rectifier and per-channel gains and offsets of an amplifier (drawn by
// DiodeVariation and AmplifierVariation), and a nominal temperature
// (Circuit.TNom) from which diode saturation currents are scaled
// (DiodeModel.SaturationCurrent). The diode junction itself, as solvers
// evaluate it, is a Junction.
//
// Units are SI throughout: volts, amperes, siemens, ohms, farads, kelvin.
package circuit
