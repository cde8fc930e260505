// Package importer reads SPICE decks written for ngspice into eqsim
// circuits: the way back from the format every lab already has.
//
// Import reads a deck and returns the circuit it describes, flattened, with
// its node names, the diode models it uses and notes on what it skipped.
// The first line of a deck is its title, whatever it holds. SPICE is
// case-insensitive and so is Import; the cards it reads are:
//
//	R1 a b 10k              resistor: value or r=, with m=, tc1=, tc2=
//	C1 a b 1p               capacitor: value or c=, with m=, tc1=, tc2=, ic=
//	D1 a k dmod [area]      diode, with .model dmod D(IS=... N=...)
//	V1 a b [DC] 5           voltage source: its DC value (also dc=5)
//	I1 a b 1m               current source, flowing from a through it to b
//	E1 p n cp cn 2          linear VCVS
//	F1 p n Vsense 2         linear CCCS, controlled by a voltage source
//	X1 a b sub r=2k         subcircuit instance
//	.subckt sub a b params: r=1k ... .ends
//	.param r = 1k           parameters, used in {} or '' expressions
//	.model dmod D(IS=1e-14 N=1.5)
//	.options temp=50 tnom=27     (degrees Celsius, like .temp 50)
//	.global vdd
//
// Numbers are read as ngspice reads them: scale factors f p n u m k meg g t
// and mil, in any case, then unit letters that are ignored ("10kohm",
// "1uF"; so "1MHz" is a millihertz, as in SPICE). "1a" and "4k7", which
// ngspice versions read differently, are errors. Expressions in braces or
// single quotes evaluate + - * /, unary minus and parentheses over numbers
// and parameters; a .param may use parameters defined before or after it,
// and the last definition of a name wins, as in ngspice. Inside an
// expression an exponent is written with e, and mil is an error, since
// ngspice reads it as milli there.
//
// Comments are lines starting with *, and the rest of a line after ; or //,
// or after a $ that follows a blank or comma. A line starting with +
// continues the card before it, also across comment lines. Lines after
// .end are ignored.
//
// A source with transient functions (PULSE, SIN, EXP, PWL, SFFM) but no DC
// value gets the function's value at t = 0, which is the value ngspice's
// operating point uses; AC specifications are ignored. Diode model
// parameters that matter only to charge storage or noise (CJO, TT, KF, ...)
// are ignored with a note; IS, N, RS, BV and IBV are read (RS and BV not
// with an area factor other than 1); the other parameters that change the
// DC characteristic are errors ("IKF is not supported yet") unless they
// have their default values, as are EG and XTI other than 1.11 and 3 away
// from the nominal temperature. Temperatures are in degrees Celsius in the
// deck and in kelvin in the circuit (plus 273.15); without tnom the
// nominal temperature is SPICE's 27 °C.
//
// Analysis, output and initial-condition cards (.op, .tran, .dc, .ac,
// .print, .plot, .save, .probe, .meas, .ic, .nodeset, ...), .control ...
// .endc blocks and solver options (reltol, abstol, gmin, itl1, ...) are
// skipped with a note. Every other card is an error that names the card and
// its line, and Import then returns no circuit: elements eqsim cannot
// represent (B, G, H, L, K, Q, M, J and the other semiconductors and
// lines), nonlinear and behavioural E and F sources but the one below,
// .include and .lib (Import reads one file), .func and .if.
//
// # Names
//
// Node and element names are compared case-insensitively, as in SPICE, and
// keep the spelling of their first appearance ("OUT" and "out" are one
// node, named "OUT" if that came first). Node 0 and gnd, in any case, are
// ground. Subcircuits are flattened with hierarchical names: in instance
// X1, element R1 of the subcircuit becomes "X1.R1" and its internal node
// mid "X1.mid"; in an instance X2 inside X1 they become "X1.X2.R1" and
// "X1.X2.mid", as ngspice names nodes (ngspice prints x1.x2.mid). Ports
// are the nodes the instance connects, ground stays ground and .global
// nodes keep their names. A diode model defined inside a subcircuit is
// named after the instance ("X1.dmod"); a model used with an area factor
// other than 1 becomes a model of its own, named like "dmod_2". A
// flattened name that equals another name is an error.
//
// Decks written by eqsim's exporter import to the circuit exported, bit
// for bit (circuit.Diff), when it has a netlist form. Their comments
// `* node "h[3]" = h_3_` and `* element "load" = rload` restore the eqsim
// names of the top level's nodes and elements, and an end-of-line comment
// `; eqsim g=G` on a resistor card gives its conductance G exactly, when
// 1/G rounds to the card's resistance (1/(1/G) differs from G in the last
// bit for about one conductance in seven). Their records, comments
// `* eqsim circuit {...}` and `* eqsim element {...}`, describe the
// circuit's title, temperatures and node groups and every element's kind,
// name and netlist fields: an element whose record fits its cards (the
// same parts, nodes and values; a crossbar's conductances are read from
// its cards) is rebuilt from it, so that crossbars, rectifiers,
// amplifiers and inputs come back as blocks with their groups, diode
// models with their names, and trainable resistors trainable. A record
// that does not fit its cards, after an edit say, is not used, with a
// note, and its cards come in as element cards, as do the cards of decks
// not written by eqsim: large crossbars written out resistor by resistor
// come in as resistors. The one behavioural card Import reads is the
// output of an amplifier channel with a swing as eqsim writes it,
// `Ename p n value={S*tanh((G*v(a[,b])+(O))/S)}` with decimal numbers S > 0,
// G and O: it comes in only as part of the amplifier its record rebuilds
// (eqsim has no saturating VCVS, and the card alone is no amplifier
// channel), and without a record that fits it is an error at its line.
package importer
