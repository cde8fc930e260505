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
	// TNom is the nominal temperature in kelvin, at which the diode
	// models' parameters were measured. Diodes scale their saturation
	// currents from TNom to Temp as SPICE does (see
	// DiodeModel.SaturationCurrent). Zero means Temp: the parameters
	// hold as given at any temperature, and only the thermal voltage
	// follows Temp.
	TNom float64
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

// NominalTemperature returns the nominal temperature in kelvin at which
// diode parameters hold as given: TNom, or the circuit temperature if
// TNom is zero.
func (c *Circuit) NominalTemperature() float64 {
	if c.TNom == 0 {
		return c.Temperature()
	}
	return c.TNom
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
// rounding of ngspice for leaky diodes at high-impedance nodes. IS holds at
// the circuit's nominal temperature and is scaled to its temperature as
// SPICE does (see SaturationCurrent and Circuit.TNom).
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
//
// With WireR > 0 the wires of the array have resistance, and the cells sit
// on internal nodes (IR drop). Row wire i runs from From[i] past the cells
// (i, 0), (i, 1), ..., (i, n-1) and ends open; column wire j runs from the
// cell (0, j) past the cells (1, j), ..., (m-1, j) to To[j], for m rows and
// n columns. Every wire segment between adjacent cells, between From[i]
// and the cell (i, 0), and between the cell (m-1, j) and To[j], is a
// resistor of WireR ohms: a row wire has n segments and a column wire m.
// The conductance G.At(i, j) joins the row wire's node RowNode(i, j) to the
// column wire's node ColNode(i, j). So the cell (m-1, 0) is nearest both
// ends and the cell (0, n-1) farthest: its current crosses n row and m
// column segments. The internal nodes are ordinary free nodes of the
// compiled system, named "NAME.r[i][j]" and "NAME.c[i][j]".
//
// From and To are the periphery: the drivers and sense amplifiers of the
// array. The drops that System.CrossbarDropsTo reports, and that a trainer
// measures, are V(From[i]) - V(To[j]) whatever WireR is, as hardware
// measures them at the periphery; System.CrossbarCellDropsTo gives the
// drops across the devices themselves.
type Crossbar struct {
	Name     string
	From, To []string
	// G has len(From) rows and len(To) columns, in siemens.
	G         *mat.Dense
	Trainable bool
	// WireR is the resistance in ohms of every wire segment, on the row
	// and the column wires. Zero means ideal wires: no internal nodes.
	// Compile decides from it whether the crossbar has internal nodes;
	// a crossbar compiled with WireR > 0 reads WireR again at every
	// evaluation, and it must stay positive.
	WireR float64
}

// RowNode returns the name of the internal node of the row wire at cell
// (i, j) of a crossbar with wire resistance: "NAME.r[i][j]".
func (e *Crossbar) RowNode(i, j int) string { return fmt.Sprintf("%s.r[%d][%d]", e.Name, i, j) }

// ColNode returns the name of the internal node of the column wire at cell
// (i, j) of a crossbar with wire resistance: "NAME.c[i][j]".
func (e *Crossbar) ColNode(i, j int) string { return fmt.Sprintf("%s.c[%d][%d]", e.Name, i, j) }

// Wired reports whether the crossbar has wire resistance, and so internal
// nodes.
func (e *Crossbar) Wired() bool { return e.WireR != 0 }

// InternalNodes returns the names of the internal nodes of a crossbar with
// wire resistance: the row nodes RowNode(i, j) in row-major order, then the
// column nodes ColNode(i, j) in row-major order. It returns nil for ideal
// wires.
func (e *Crossbar) InternalNodes() []string {
	if !e.Wired() {
		return nil
	}
	m, n := len(e.From), len(e.To)
	out := make([]string, 0, 2*m*n)
	for i := range m {
		for j := range n {
			out = append(out, e.RowNode(i, j))
		}
	}
	for i := range m {
		for j := range n {
			out = append(out, e.ColNode(i, j))
		}
	}
	return out
}

// Rectifier puts a diode pair on every node of a group: a diode from the
// node (anode) to the High rail (cathode), which conducts when the node
// rises above High, and a diode from the Low rail (anode) to the node
// (cathode), which conducts when it falls below Low.
//
// Every diode has Model's parameters unless IS or N say otherwise: diode
// k = 2i is node i's diode to High and k = 2i+1 its diode from Low, and
// IS[k] and N[k], when IS or N is not nil, are its saturation current and
// emission coefficient (device-to-device variation; see Vary). Compile
// reads the diodes' parameters once, as it reads Model.
type Rectifier struct {
	Name      string
	Nodes     []string
	Model     DiodeModel
	High, Low string
	// IS, if not nil, holds the saturation current in amperes of each of
	// the 2*len(Nodes) diodes, in place of Model.IS.
	IS []float64
	// N, if not nil, holds the emission coefficient of each diode, in
	// place of Model.N.
	N []float64
	// Variation is how IS and N were drawn, kept so that a netlist can
	// be written back as its recipe. The solvers read IS and N only.
	Variation DiodeVariation
}

// Diode returns the model of diode k of the rectifier, 0 <= k <
// 2*len(Nodes): Model with IS and N replaced by IS[k] and N[k] where those
// are not nil. Diode 2i goes from node i to High, diode 2i+1 from Low to
// node i.
func (e *Rectifier) Diode(k int) DiodeModel {
	m := e.Model
	if e.IS != nil {
		m.IS = e.IS[k]
	}
	if e.N != nil {
		m.N = e.N[k]
	}
	return m
}

// Vary sets e.Variation to v and draws the parameters of the rectifier's
// diodes from it with v.Draw: IS and N become nil where v's spread is zero.
func (e *Rectifier) Vary(v DiodeVariation) {
	e.Variation = v
	e.IS, e.N = v.Draw(e.Model, 2*len(e.Nodes))
}

// Amplifier is a bidirectional amplifier between two groups of equal size:
// for each i a forward VCVS drives To[i] to Gain*V(From[i]) against ground,
// and a backward CCCS draws the current that To[i] delivers, divided by
// Gain, out of From[i]. The layer behind sees the next one through a
// current mirror, as in Kendall et al. 2020.
//
// Gains and Offsets model the channels' gain errors and offsets: channel
// i drives V(To[i]) = Gains[i]*V(From[i]) + Offsets[i] and its mirror
// draws 1/Gains[i] of To[i]'s current out of From[i]. Gain stays the
// nominal gain, the calibration constant that learning rules use. Compile
// reads the gains and offsets once.
type Amplifier struct {
	Name     string
	From, To []string
	Gain     float64
	// Gains, if not nil, holds the actual gain of each channel,
	// dimensionless, in place of Gain.
	Gains []float64
	// Offsets, if not nil, holds each channel's output offset in volts;
	// nil means none.
	Offsets []float64
	// Variation is how Gains and Offsets were drawn, kept so that a
	// netlist can be written back as its recipe. The solvers read Gains
	// and Offsets only.
	Variation AmplifierVariation
}

// ChannelGain returns the gain of channel i: Gains[i], or Gain if Gains is
// nil.
func (e *Amplifier) ChannelGain(i int) float64 {
	if e.Gains != nil {
		return e.Gains[i]
	}
	return e.Gain
}

// Offset returns the output offset of channel i in volts: Offsets[i], or 0
// if Offsets is nil.
func (e *Amplifier) Offset(i int) float64 {
	if e.Offsets != nil {
		return e.Offsets[i]
	}
	return 0
}

// Vary sets e.Variation to v and draws the channels' gains and offsets
// from it with v.Draw: Gains and Offsets become nil where v's spread is
// zero.
func (e *Amplifier) Vary(v AmplifierVariation) {
	e.Variation = v
	e.Gains, e.Offsets = v.Draw(e.Gain, len(e.From))
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
