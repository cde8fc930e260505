package devices

import "github.com/eqsim/eqsim/circuit"

// Kind is the kind of a device, one per method of circuit.Stamper.
type Kind int

const (
	ConductanceKind Kind = iota // circuit.Stamper.Conductance
	CrossbarKind                // circuit.Stamper.Crossbar
	JunctionKind                // circuit.Stamper.Junction
	CurrentKind                 // circuit.Stamper.CurrentSource
	VoltageKind                 // circuit.Stamper.VoltageSource
	CapacitanceKind             // circuit.Stamper.Capacitance
	VCVSKind                    // circuit.Stamper.VCVS
	CCCSKind                    // circuit.Stamper.CCCS
	AmplifierKind               // circuit.Stamper.Amplifier, one channel
)

// Device is one device an element stamped.
type Device struct {
	Kind Kind
	// Elem is the name of the element that stamped the device. Name is a
	// junction's name ("R[4].hi" for a rectifier's diode), a branch
	// current's ("A[3]" for an amplifier channel) or, for a CCCS, its
	// controlling branch current's; "" where the device has none.
	Elem, Name string
	// A and B are the node indices of the device's terminals (0 is
	// ground): a junction's anode and cathode, a source's positive and
	// negative node, an amplifier channel's input and output; 0 for a
	// crossbar.
	A, B int
	// Value points to the conductance (S), current (A), voltage (V) or
	// capacitance (F) the element holds, which may change between uses;
	// nil for junctions, crossbars, controlled sources and amplifiers.
	Value *float64
	// Junction is a junction's diode at the circuit temperature, nil for
	// the other kinds.
	Junction *circuit.Junction
	// Crossbar is a crossbar's nodes, nil for the other kinds.
	Crossbar *Crossbar
}

// Crossbar is a crossbar's nodes as indices.
type Crossbar struct {
	// Element is the crossbar, whose conductance matrix G its cells hold.
	Element *circuit.Crossbar
	// From and To are the node indices of its sides.
	From, To []int
	// Rows and Cols are, for a crossbar with wire resistance, the node
	// indices of the cells' row and column nodes, row-major (cell (i, j)
	// is between Rows[i*len(To)+j] and Cols[i*len(To)+j]); nil for ideal
	// wires, where cell (i, j) is between From[i] and To[j].
	Rows, Cols []int
}

// Conductances calls seg(a, b, g) for every two-terminal conductance of
// the crossbar: node indices a and b and the conductance g in siemens as
// the crossbar holds it now. With wire resistance they are its wire
// segments of 1/WireR siemens, then its cells between the row and column
// nodes; with ideal wires its cells between From[i] and To[j]. Cells come
// row-major.
func (c *Crossbar) Conductances(seg func(a, b int, g float64)) {
	raw := c.Element.G.RawMatrix()
	n := len(c.To)
	if c.Rows != nil {
		g := 1 / c.Element.WireR
		circuit.CrossbarWires(c.From, c.To, c.Rows, c.Cols, func(a, b int) { seg(a, b, g) })
		for k := range c.Rows {
			seg(c.Rows[k], c.Cols[k], raw.Data[(k/n)*raw.Stride+k%n])
		}
		return
	}
	for i, a := range c.From {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j, b := range c.To {
			seg(a, b, row[j])
		}
	}
}

// List is the view of a compiled system's devices. Its slices belong to
// the system and must not be modified.
type List struct {
	// Devices are the devices in the order the elements stamped them,
	// elements in circuit order.
	Devices []Device
	// Nodes are the node names by index; Nodes[0] is ground.
	Nodes []string
	// Unknown holds, per node index, the node's index in the system's
	// unknown vector x, or -1 for ground and nodes that sources pin.
	Unknown []int
	// NumFree is the number of free nodes, whose voltages are x[:NumFree].
	NumFree int
	// Temperature is the circuit temperature in kelvin.
	Temperature float64
	// Voltages returns the voltage in volts of every node (by index) at
	// the unknowns x: free nodes take x, pinned nodes the values their
	// sources had at the system's last update. The slice belongs to the
	// system and is overwritten by its next evaluation.
	Voltages func(x []float64) []float64
}

// Fixed reports whether the node with index node is ground or pinned.
func (l *List) Fixed(node int) bool { return l.Unknown[node] < 0 }
