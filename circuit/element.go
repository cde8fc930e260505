package circuit

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Ground is the name of the reference node. GroundAlias names it too.
const (
	Ground      = "0"
	GroundAlias = "gnd"
)

// IsGround reports whether name refers to the reference node.
func IsGround(name string) bool { return name == Ground || name == GroundAlias }

// Default values used where a netlist leaves them out.
const (
	// DefaultTemp is the default circuit temperature in kelvin (27 °C, as SPICE).
	DefaultTemp = 300.15
	// DefaultNodeCapacitance is the default capacitance of a free node
	// without its own capacitor, in farads. It only matters to transient
	// integration; DC equilibria do not depend on it.
	DefaultNodeCapacitance = 1e-12
	// Gmin is the conductance, in siemens, placed in parallel with every
	// diode junction, as ngspice does by default.
	Gmin = 1e-12
)

// Circuit is an uncompiled network: a list of elements and the named node
// groups they use. The zero value is an empty circuit at DefaultTemp.
type Circuit struct {
	// Title is free text.
	Title string
	// Temp is the temperature in kelvin. Zero means DefaultTemp.
	Temp float64
	// NodeCapacitance is the capacitance in farads of every free node
	// without a capacitor of its own. Zero means DefaultNodeCapacitance.
	NodeCapacitance float64
	// Groups are named vectors of nodes; group "h" of size 3 has nodes
	// "h[0]", "h[1]", "h[2]".
	Groups []Group
	// Elements are the elements in netlist order.
	Elements []Element
}

// Temperature returns the circuit temperature in kelvin, applying the default.
func (c *Circuit) Temperature() float64 {
	if c.Temp == 0 {
		return DefaultTemp
	}
	return c.Temp
}

// Capacitance returns the default node capacitance in farads.
func (c *Circuit) Capacitance() float64 {
	if c.NodeCapacitance == 0 {
		return DefaultNodeCapacitance
	}
	return c.NodeCapacitance
}

// Add appends elements to the circuit.
func (c *Circuit) Add(e ...Element) { c.Elements = append(c.Elements, e...) }

// Element returns the element with the given name, or nil.
func (c *Circuit) Element(name string) Element {
	for _, e := range c.Elements {
		if e.Label() == name {
			return e
		}
	}
	return nil
}

// Group returns the group with the given name and whether it exists.
func (c *Circuit) Group(name string) (Group, bool) {
	for _, g := range c.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// Group is a named vector of nodes.
type Group struct {
	Name string
	Size int
}

// Node returns the name of node i of the group, "name[i]".
func (g Group) Node(i int) string { return fmt.Sprintf("%s[%d]", g.Name, i) }

// Nodes returns the names of all nodes of the group in order.
func (g Group) Nodes() []string {
	n := make([]string, g.Size)
	for i := range n {
		n[i] = g.Node(i)
	}
	return n
}

// Element is a circuit element. The concrete types of this package are the
// only implementations; solvers and exporters switch on them.
type Element interface {
	// Label returns the element's name, unique in its circuit.
	Label() string
	// Terminals returns the names of the nodes the element connects to,
	// controlling nodes included.
	Terminals() []string
}

// DiodeModel is the Shockley junction
//
//	i = IS*(exp(v/(N*Vt)) - 1) + Gmin*v,
//
// with Vt = k*T/q the thermal voltage at the circuit temperature. Below
// v = -3*N*Vt the current follows SPICE3's (and ngspice's) reverse-bias form
// i = -IS*(1 + (3*N*Vt/(e*v))^3) + Gmin*v, which meets Shockley's with its
// slope and differs from it by at most 0.4% of IS; it keeps eqsim within
// rounding of ngspice for leaky diodes at high-impedance nodes.
type DiodeModel struct {
	// Name is the model's name in the netlist.
	Name string
	// IS is the saturation current in amperes (SPICE default 1e-14).
	IS float64
	// N is the emission coefficient, dimensionless (default 1).
	N float64
}

// Resistor is a linear conductance between two nodes.
type Resistor struct {
	Name  string
	Nodes [2]string
	// G is the conductance in siemens.
	G float64
	// Trainable marks a weight that learning may change.
	Trainable bool
}

// Diode is a junction with its anode at Nodes[0] and cathode at Nodes[1].
type Diode struct {
	Name  string
	Nodes [2]string
	Model DiodeModel
}

// VSource is an independent voltage source: V(Nodes[0]) - V(Nodes[1]) = V.
// Its branch current flows from Nodes[0] through the source to Nodes[1].
type VSource struct {
	Name  string
	Nodes [2]string
	// V is the voltage in volts.
	V float64
}

// ISource is an independent current source: I amperes flow from Nodes[0]
// through the source to Nodes[1], as in SPICE.
type ISource struct {
	Name  string
	Nodes [2]string
	I     float64
}

// VCVS is a voltage-controlled voltage source:
// V(Nodes[0]) - V(Nodes[1]) = Gain*(V(Control[0]) - V(Control[1])).
type VCVS struct {
	Name    string
	Nodes   [2]string
	Control [2]string
	Gain    float64
}

// CCCS is a current-controlled current source: Gain times the branch current
// of the voltage source named Control flows from Nodes[0] through the source
// to Nodes[1].
type CCCS struct {
	Name    string
	Nodes   [2]string
	Control string
	Gain    float64
}

// Capacitor is a linear capacitor. It is open at DC.
type Capacitor struct {
	Name  string
	Nodes [2]string
	// C is the capacitance in farads.
	C float64
}

// Crossbar is a conductance from every node of From to every node of To:
// G.At(i, j) siemens between From[i] and To[j].
type Crossbar struct {
	Name     string
	From, To []string
	// G has len(From) rows and len(To) columns, in siemens.
	G         *mat.Dense
	Trainable bool
}

// Rectifier puts a diode pair on every node of a group: a diode from the
// node (anode) to the High rail (cathode), which conducts when the node
// rises above High, and a diode from the Low rail (anode) to the node
// (cathode), which conducts when it falls below Low.
type Rectifier struct {
	Name      string
	Nodes     []string
	Model     DiodeModel
	High, Low string
}

// Amplifier is a bidirectional amplifier between two groups of equal size:
// for each i a forward VCVS drives To[i] to Gain*V(From[i]) against ground,
// and a backward CCCS draws the current that To[i] delivers, divided by
// Gain, out of From[i]. The layer behind sees the next one through a
// current mirror, as in Kendall et al. 2020.
type Amplifier struct {
	Name     string
	From, To []string
	Gain     float64
}

// Input is a bank of grounded voltage sources driven by data. With
// Differential false, node i is held at Amplitude*Values[i]; with it true,
// Nodes holds 2*len(Values) nodes and node i is held at +Amplitude*Values[i],
// node len(Values)+i at -Amplitude*Values[i].
type Input struct {
	Name         string
	Nodes        []string
	Differential bool
	// Amplitude is in volts per unit of feature value.
	Amplitude float64
	// Values are the feature values, dimensionless.
	Values []float64
}

// Voltage returns the voltage in volts that the input holds on node k.
func (in *Input) Voltage(k int) float64 {
	n := len(in.Values)
	if k < n {
		return in.Amplitude * in.Values[k]
	}
	return -in.Amplitude * in.Values[k-n]
}

func (e *Resistor) Label() string  { return e.Name }
func (e *Diode) Label() string     { return e.Name }
func (e *VSource) Label() string   { return e.Name }
func (e *ISource) Label() string   { return e.Name }
func (e *VCVS) Label() string      { return e.Name }
func (e *CCCS) Label() string      { return e.Name }
func (e *Capacitor) Label() string { return e.Name }
func (e *Crossbar) Label() string  { return e.Name }
func (e *Rectifier) Label() string { return e.Name }
func (e *Amplifier) Label() string { return e.Name }
func (e *Input) Label() string     { return e.Name }

func (e *Resistor) Terminals() []string { return e.Nodes[:] }
func (e *Diode) Terminals() []string    { return e.Nodes[:] }
func (e *VSource) Terminals() []string  { return e.Nodes[:] }
func (e *ISource) Terminals() []string  { return e.Nodes[:] }
func (e *VCVS) Terminals() []string {
	return []string{e.Nodes[0], e.Nodes[1], e.Control[0], e.Control[1]}
}
func (e *CCCS) Terminals() []string      { return e.Nodes[:] }
func (e *Capacitor) Terminals() []string { return e.Nodes[:] }
func (e *Crossbar) Terminals() []string  { return append(append([]string(nil), e.From...), e.To...) }
func (e *Rectifier) Terminals() []string {
	return append(append([]string(nil), e.Nodes...), e.High, e.Low)
}
func (e *Amplifier) Terminals() []string { return append(append([]string(nil), e.From...), e.To...) }
func (e *Input) Terminals() []string     { return e.Nodes }
