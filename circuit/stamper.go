package circuit

import "math"

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
	// Amplifier is a channel of a bidirectional amplifier (see
	// AmplifierChannel) from node from to node to, with a branch current
	// named name.
	Amplifier(from, to string, ch AmplifierChannel, name string)
}

// AmplifierChannel is one channel of a bidirectional amplifier: an output
// stage that drives
//
//	V(to) = F(V(from)) - Rout*I,  F(v) = Gain*v + Offset              (Swing = 0)
//	                              F(v) = Swing*tanh((Gain*v + Offset)/Swing)  (Swing > 0)
//
// volts against ground, I being the current it delivers into to, and a
// mirror that draws I/Gain out of from. The mirror's ratio does not
// follow the output's saturation: it is a separate current mirror.
type AmplifierChannel struct {
	// Gain is the channel's voltage gain, nonzero; Nominal is the gain
	// the learning rules calibrate with.
	Gain, Nominal float64
	// Offset is the output offset in volts.
	Offset float64
	// Swing is the output swing in volts: the output saturates smoothly
	// at +-Swing. 0 means none (an ideal output).
	Swing float64
	// Rout is the output resistance in ohms, 0 for none.
	Rout float64
}

// Out returns the output stage's voltage F(v) in volts and its slope
// dF/dv at v volts on the input.
func (ch AmplifierChannel) Out(v float64) (f, slope float64) {
	if ch.Swing == 0 {
		return ch.Gain*v + ch.Offset, ch.Gain
	}
	u := (ch.Gain*v + ch.Offset) / ch.Swing
	// 1/cosh^2 rather than 1 - tanh^2, which loses the slope of a
	// saturated output to cancellation.
	c := math.Cosh(u)
	return ch.Swing * math.Tanh(u), ch.Gain / (c * c)
}
