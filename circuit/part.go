package circuit

// Part is one primitive device of an element: what a SPICE deck writes as
// one card. A resistor is one part; a crossbar is a conductance part per
// cell (and per wire segment); an amplifier channel is a VCVS, a sense
// source and a CCCS. Element.Parts lists them, so that a face can write
// any element without knowing its type.
type Part struct {
	// Type is the part's SPICE type letter: 'R' (a conductance), 'C',
	// 'D', 'V', 'I', 'E' (a voltage-controlled voltage source) or 'F' (a
	// current-controlled current source).
	Type byte
	// Name tells the part from the element's other parts: "" for an
	// element that is a single part, otherwise letters, digits and
	// underscores unique among the element's parts of the same Type
	// ("3_4", "r_0_2", "5_hi").
	Name string
	// Nodes are the part's terminals: (p, n) as for the element types of
	// this package (for 'D' anode and cathode).
	Nodes [2]string
	// Internal marks a terminal that is not a node of the circuit but
	// private to the element: Nodes holds a name unique within the
	// element, which a face must make unique in its own namespace. No
	// solver sees these nodes; they exist in a SPICE deck only.
	Internal [2]bool
	// Control holds the controlling nodes of an 'E' part.
	Control [2]string
	// Sense names, for an 'F' part, the part whose branch current
	// controls it: a 'V' part of the same element when SenseElement is
	// false, otherwise the element of that name (a voltage source or
	// VCVS), whose current is sensed as System's branch current of that
	// name.
	Sense        string
	SenseElement bool
	// Value is the part's value: the conductance in siemens of an 'R'
	// (zero: open), farads of a 'C', volts of a 'V', amperes of an 'I',
	// the gain of an 'E' or 'F'.
	Value float64
	// Swing, if not zero, makes an 'E' part a saturating one (a
	// behavioural source in SPICE): V(p) - V(n) = Swing*tanh((Value*(V(c0)
	// - V(c1)) + Offset)/Swing), in volts. Offset is zero unless Swing is
	// not.
	Swing, Offset float64
	// Model is the diode model of a 'D' part, with its parameters at the
	// nominal temperature. A model with an empty Name is the part's own
	// (a diode that varies from its element's model).
	Model DiodeModel
	// Branch is, for a part whose current is an unknown of the compiled
	// System, the name System gives that unknown (System.Unknown): the
	// element's name for a floating voltage source or VCVS, "A[i]" for
	// channel i of amplifier A. It is "" otherwise.
	Branch string
}
