package circuit

// Stamper receives the devices an element is made of, as a compiled system
// sees them (Element.Stamp). Nodes are named: the circuit's nodes and the
// element's internal nodes. A value given by pointer is read again at
// every evaluation, so that a change to the element (a trained
// conductance, a source driven by data) is seen without compiling again;
// a value given by value is read once.
//
// A new element kind that is made of these devices needs nothing else
// from the compiled system, its solvers and its tolerance tests.
type Stamper interface {
	// Conductance is a linear conductance of *g siemens between a and b.
	Conductance(a, b string, g *float64)
	// Crossbar is a conductance from every node of x.From to every node
	// of x.To, with x's wires (Crossbar.WireR): a block of conductances
	// that solvers treat as a matrix.
	Crossbar(x *Crossbar)
	// Junction is a diode junction of model m, whose parameters hold at
	// the circuit's nominal temperature, from anode a to cathode k. name
	// names it in messages.
	Junction(a, k string, m DiodeModel, name string)
	// CurrentSource is an independent current source: *i amperes flow
	// from p through it to n.
	CurrentSource(p, n string, i *float64)
	// VoltageSource is an independent voltage source: V(p) - V(n) =
	// scale * *v volts. A chain of such sources from ground pins the
	// nodes it reaches; a source that is not in such a chain has a
	// branch current named name.
	VoltageSource(p, n string, v *float64, scale float64, name string)
	// Capacitance is a linear capacitor of *c farads between a and b.
	Capacitance(a, b string, c *float64)
	// VCVS is a voltage-controlled voltage source: V(p) - V(n) =
	// gain*(V(cp) - V(cn)), with a branch current named name.
	VCVS(p, n, cp, cn string, gain float64, name string)
	// CCCS is a current-controlled current source: gain times the branch
	// current named control flows from p through it to n.
	CCCS(p, n string, gain float64, control string)
	// Amplifier is a channel of a bidirectional amplifier: V(to) =
	// gain*V(from) + offset volts against ground, with a branch current
	// named name, and a mirror that draws 1/gain of the current the
	// channel delivers into to out of from. nominal is the gain the
	// learning rules calibrate with.
	Amplifier(from, to string, gain, nominal, offset float64, name string)
}
