package circuit

import (
	"fmt"
	"iter"
	"math"
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
	// ThermalNoise switches on thermal noise in the circuit's transients:
	// Johnson-Nyquist current noise of one-sided power spectral density
	// 4kTG on every conductance G and shot noise of 2q|I| on every
	// junction carrying I, at Temp. The node voltages then follow a
	// Langevin equation (see package solver). DC equilibria do not
	// depend on it. The default, false, is a noiseless circuit.
	ThermalNoise bool
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

// Element is a circuit element. The types of this package are the only
// implementations: each element kind lives in a file of its own with
// everything about it (its parameters, the devices it is made of, its SPICE
// parts). Faces and solvers ask the element through these methods instead
// of switching on its type; see docs/adding-an-element.md.
type Element interface {
	// Label returns the element's name, unique in its circuit.
	Label() string
	// Terminals returns the names of the nodes the element connects to,
	// controlling nodes included.
	Terminals() []string
	// Kind returns the element's kind.
	Kind() *Kind
	// Fields returns the keys and values of the element's netlist card,
	// in the order of Kind().Params, leaving out keys at their defaults;
	// Kind().Build of them gives the element back, bit for bit. It
	// returns an error if the element holds what its card cannot say.
	Fields() ([]Field, error)
	// Parts returns the element's primitive devices, as a SPICE deck
	// writes them.
	Parts() iter.Seq[Part]
	// Check returns an *Error for element data that do not fit together
	// (sizes, values out of range), before the element is compiled.
	Check() error
	// Stamp tells st the devices the element is made of, in a fixed
	// order. Compilers call it after Check.
	Stamp(st Stamper)

	// element keeps the implementations in this package.
	element()
}

// InternalNodes is an element with nodes of its own besides its terminals
// (a crossbar with wire resistance): they are named by the element and
// distinct from every terminal of the circuit.
type InternalNodes interface {
	Element
	// InternalNodes returns the names of the element's internal nodes in
	// the order a compiled system numbers them, or nil.
	InternalNodes() []string
}

// TwoTerminal is an element with one voltage drop, V(Nodes[0]) -
// V(Nodes[1]).
type TwoTerminal interface {
	Element
	// Pair returns the element's two terminals.
	Pair() [2]string
}

// Trainable is an element of conductances that learning may program: a
// Rows×Cols matrix whose entry (i, j) joins side A node i to side B node j
// (a single resistor is 1×1).
type Trainable interface {
	Element
	// IsTrainable reports whether learning may change the conductances.
	IsTrainable() bool
	// Sides returns the nodes of the two sides.
	Sides() (a, b []string)
	// ConductancesTo copies the conductances in siemens into dst,
	// row-major, len Rows*Cols.
	ConductancesTo(dst []float64)
	// SetConductances sets the conductances in siemens from g, row-major.
	SetConductances(g []float64)
	// Conductance returns a pointer to conductance k, row-major, which
	// the element reads at every evaluation (finite differences change
	// it in place).
	Conductance(k int) *float64
	// CellNodes returns the nodes across the device of cell (i, j): side
	// A node i and side B node j, unless the cells sit on internal nodes
	// (a crossbar with wire resistance).
	CellNodes(i, j int) (a, b string)
}

// Source is an element whose values a phase of learning drives: an
// independent source or an input. Replicas of a circuit (Circuit.Replica)
// copy their sources and share everything else.
type Source interface {
	Element
	// replicate returns a copy with its own values.
	replicate() Element
}

// Replica returns a copy of c that shares every element but its sources
// (Source): those are copies, so that a replica can drive its sources
// without changing c's. Conductances stay shared.
func (c *Circuit) Replica() *Circuit {
	r := *c
	r.Elements = make([]Element, len(c.Elements))
	for i, e := range c.Elements {
		if s, ok := e.(Source); ok {
			e = s.replicate()
		}
		r.Elements[i] = e
	}
	r.Groups = append([]Group(nil), c.Groups...)
	return &r
}

// single returns the Parts of an element that is one part.
func single(p Part) iter.Seq[Part] {
	return func(yield func(Part) bool) { yield(p) }
}

// finite reports whether v is neither infinite nor NaN.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
