package mna

import (
	"fmt"
	"sort"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna/devices"
)

// Kinds of unknowns.
const (
	kindGround = iota
	kindFree
	kindPinned
)

// pin says how a pinned node's voltage follows from another node's: V(node)
// = V(from) + sign*source voltage.
type pin struct {
	node, from int
	src        *float64 // the source's voltage, read at every update
	// k is the sign times the source's scale (Amplitude for inputs, 1
	// for sources), multiplied once here: drive multiplies them first.
	k float64
}

// Compiled element records. Node indices: 0 is ground, 1..n the nodes.
type (
	cRes struct {
		a, b int
		g    *float64
	}
	cDiode struct {
		a, k int
		j    circuit.Junction
	}
	cISrc struct {
		p, n int
		i    *float64
	}
	cBranch struct { // floating VSource, VCVS or an amplifier channel
		p, n   int
		cp, cn int      // control nodes for a VCVS
		v      *float64 // source voltage, nil for a VCVS
		vscale float64  // V(p) - V(n) = vscale * *v for a source
		gain   float64
		off    float64 // V(p) - V(n) = gain*(V(cp) - V(cn)) + off for a VCVS
		unk    int     // index of the branch current in x
		// swing and rout make an amplifier channel a real part (see
		// circuit.AmplifierChannel): V(p) - V(n) = swing*tanh((gain*(V(cp)
		// - V(cn)) + off)/swing) + rout*x[unk]; 0 for none.
		swing, rout float64
	}
	cCCCS struct {
		p, n   int
		gain   float64
		branch int // index of the controlling branch current in x
	}
	cAmp struct { // an amplifier channel, for GainWeights
		from, to int
		gain     float64 // the nominal gain
	}
	cCross struct {
		from, to []int
		x        *circuit.Crossbar
		// r and c are, for a crossbar with wire resistance, the node
		// indices of the cells' row and column nodes, row-major; nil
		// for ideal wires.
		r, c []int
	}
)

// System is a compiled circuit. It is not safe for concurrent use: give
// each goroutine its own Clone.
type System struct {
	circuit *circuit.Circuit
	temp    float64
	tnom    float64

	names []string       // node names; names[0] is "0"
	index map[string]int // node name -> index
	kind  []int          // per node
	unk   []int          // per node: index in x for free nodes, -1 otherwise
	free  []int          // x index -> node, for node unknowns
	pins  []pin          // in dependency order

	nBranch  int
	branchOf map[string]int // element name -> branch unknown (VSource, VCVS)
	branchEl []string       // branch unknown offset -> element name

	res     []cRes
	diodes  []cDiode
	dnames  []string // per diode: its name (rectifier diodes "R[i].hi"/"R[i].lo")
	isrc    []cISrc
	branch  []cBranch
	cccs    []cCCCS
	cross   []cCross
	amps    []cAmp
	caps    []cRes // capacitors: a, b, c
	control bool   // the circuit has controlled sources
	// srcScale multiplies every independent source and amplifier
	// offset (see SetSourceScale).
	srcScale float64

	elemIndex map[string]circuit.Element
	recs      []record      // the devices the elements stamp, in element order
	devs      *devices.List // their view, built by Devices

	// workspace
	v     []float64
	cur   []float64
	gross []float64 // ScalesTo's current scales per node
	floor []float64 // ScalesTo's rounding floors per node
	pbuf  []float64 // work space of Power
}

// Compile indexes the nodes of c, checks its topology and returns the
// compiled system. The System keeps pointers into c: conductances and
// source values changed in c's elements after compiling are seen by the
// System at its next evaluation (call UpdatePins after changing a voltage
// source or input). Elements must not be added or removed after compiling.
//
// Every element is compiled from the devices it stamps (circuit.Stamper),
// so Compile knows no element type. Nodes are numbered in the order of
// the elements' terminals, then the elements' internal nodes; branch
// currents in the order of the devices that have them.
//
// Compile returns a *circuit.Error for an empty circuit, loops of voltage
// sources, a CCCS whose control is not a voltage source, element data that
// do not fit together (Element.Check) and nodes without a DC path to
// ground.
func Compile(c *circuit.Circuit) (*System, error) {
	if len(c.Elements) == 0 {
		return nil, &circuit.Error{Msg: "the circuit has no elements"}
	}
	s := &System{
		circuit:   c,
		temp:      c.Temperature(),
		tnom:      c.NominalTemperature(),
		names:     []string{circuit.Ground},
		index:     map[string]int{circuit.Ground: 0, circuit.GroundAlias: 0},
		branchOf:  map[string]int{},
		elemIndex: map[string]circuit.Element{},
		srcScale:  1,
	}
	if err := s.indexNodes(); err != nil {
		return nil, err
	}
	st := &stamps{s: s}
	for _, e := range c.Elements {
		st.elem = e.Label()
		e.Stamp(st)
	}
	s.recs = st.recs
	n := len(s.names)
	s.kind = make([]int, n)
	s.unk = make([]int, n)

	// Pin nodes held by chains of independent sources from ground; the rest
	// of the independent sources are floating branches.
	if err := s.pinNodes(); err != nil {
		return nil, err
	}
	for i := 1; i < n; i++ {
		if s.kind[i] == kindPinned {
			s.unk[i] = -1
			continue
		}
		s.kind[i] = kindFree
		s.unk[i] = len(s.free)
		s.free = append(s.free, i)
	}
	s.unk[0] = -1
	if err := s.compileRecords(); err != nil {
		return nil, err
	}
	if err := s.checkFinite(); err != nil {
		return nil, err
	}
	if err := s.checkDCPaths(); err != nil {
		return nil, err
	}
	s.v = make([]float64, n)
	s.cur = make([]float64, n)
	s.gross = make([]float64, n)
	s.floor = make([]float64, n)
	s.UpdatePins()
	return s, nil
}

// indexNodes checks the elements and numbers the nodes: the terminals in
// element order, then the elements' internal nodes, so that no terminal
// can take an internal node's name.
func (s *System) indexNodes() error {
	for _, e := range s.circuit.Elements {
		if _, dup := s.elemIndex[e.Label()]; dup {
			return &circuit.Error{Element: e.Label(), Msg: "duplicate element name"}
		}
		s.elemIndex[e.Label()] = e
		if err := e.Check(); err != nil {
			return err
		}
		for _, t := range e.Terminals() {
			if t == "" {
				return &circuit.Error{Element: e.Label(), Msg: "empty node name"}
			}
			s.node(t)
		}
	}
	for _, e := range s.circuit.Elements {
		x, ok := e.(circuit.InternalNodes)
		if !ok {
			continue
		}
		for _, nm := range x.InternalNodes() {
			if _, dup := s.index[nm]; dup {
				return &circuit.Error{Element: e.Label(), Nodes: []string{nm}, Msg: "an internal node of the wired " + e.Kind().Name + " has the name of another node"}
			}
			s.node(nm)
		}
	}
	return nil
}

// node returns the index of the named node, numbering it if it is new.
func (s *System) node(name string) int {
	if i, ok := s.index[name]; ok {
		return i
	}
	i := len(s.names)
	s.names = append(s.names, name)
	s.index[name] = i
	return i
}

// compileRecords turns the stamped devices into the records Eval reads.
// Branch unknowns come after the node voltages, in device order; a CCCS
// is compiled last, since its control may come after it.
func (s *System) compileRecords() error {
	for i := range s.recs {
		r := &s.recs[i]
		switch r.kind {
		case recConductance:
			s.res = append(s.res, cRes{r.n[0], r.n[1], r.val})
		case recCapacitance:
			s.caps = append(s.caps, cRes{r.n[0], r.n[1], r.val})
		case recJunction:
			s.diodes = append(s.diodes, cDiode{r.n[0], r.n[1], s.junction(r.model)})
			s.dnames = append(s.dnames, r.name)
		case recCurrent:
			s.isrc = append(s.isrc, cISrc{r.n[0], r.n[1], r.val})
		case recVoltage:
			if !r.pinning {
				s.branch = append(s.branch, cBranch{p: r.n[0], n: r.n[1], v: r.val, vscale: r.scale, unk: s.addBranch(r.name)})
			}
		case recVCVS:
			s.control = true
			s.branch = append(s.branch, cBranch{p: r.n[0], n: r.n[1], cp: r.n[2], cn: r.n[3], gain: r.gain, unk: s.addBranch(r.name)})
		case recAmplifier:
			s.control = true
			from, to := r.n[0], r.n[1]
			k := s.addBranch(r.name)
			s.branch = append(s.branch, cBranch{p: to, n: 0, cp: from, cn: 0, gain: r.gain, off: r.offset, unk: k,
				swing: r.ch.Swing, rout: r.ch.Rout})
			// The backward mirror: the current delivered into to is
			// minus the branch current; 1/gain of it leaves from.
			s.cccs = append(s.cccs, cCCCS{p: from, n: 0, gain: -1 / r.gain, branch: k})
			s.amps = append(s.amps, cAmp{from: from, to: to, gain: r.nominal})
		case recCrossbar:
			s.cross = append(s.cross, s.compileCrossbar(r.x))
		}
	}
	for i := range s.recs {
		r := &s.recs[i]
		if r.kind != recCCCS {
			continue
		}
		s.control = true
		k, ok := s.branchOf[r.name]
		if !ok {
			return &circuit.Error{Element: r.elem, Msg: fmt.Sprintf("control %q is not a voltage source", r.name)}
		}
		s.cccs = append(s.cccs, cCCCS{p: r.n[0], n: r.n[1], gain: r.gain, branch: k})
	}
	return nil
}

// crossbar compiles a crossbar block.
func (s *System) compileCrossbar(x *circuit.Crossbar) cCross {
	cx := cCross{x: x, from: make([]int, len(x.From)), to: make([]int, len(x.To))}
	for i, nm := range x.From {
		cx.from[i] = s.index[nm]
	}
	for j, nm := range x.To {
		cx.to[j] = s.index[nm]
	}
	if x.Wired() {
		m, n := len(x.From), len(x.To)
		cx.r, cx.c = make([]int, m*n), make([]int, m*n)
		for i := range m {
			for j := range n {
				cx.r[i*n+j] = s.index[x.RowNode(i, j)]
				cx.c[i*n+j] = s.index[x.ColNode(i, j)]
			}
		}
	}
	return cx
}

// addBranch adds a branch current unknown for the named element (or
// amplifier channel) and returns its index in x.
func (s *System) addBranch(name string) int {
	k := len(s.free) + s.nBranch
	s.nBranch++
	s.branchOf[name] = k
	s.branchEl = append(s.branchEl, name)
	return k
}

// nodeNames returns the names of the nodes with the given indices.
func (s *System) nodeNames(nodes ...int) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = s.names[n]
	}
	return out
}

// edge is a voltage-defining branch between two nodes, for the loop check.
type edge struct {
	a, b  int
	name  string
	src   *float64
	scale float64
	pinOK bool // an independent source that may pin a node
}

// pinNodes finds voltage-source loops and pins every node connected to
// ground through independent voltage sources.
func (s *System) pinNodes() error {
	// A source whose current controls a CCCS keeps its branch current as
	// an unknown, so it never pins a node.
	controls := map[string]bool{}
	for _, r := range s.recs {
		if r.kind == recCCCS {
			controls[r.name] = true
		}
	}
	var edges []edge
	var recOf []int // per edge: its record, for a voltage source
	for i, r := range s.recs {
		switch r.kind {
		case recVoltage:
			edges = append(edges, edge{r.n[0], r.n[1], r.elem, r.val, r.scale, !controls[r.name]})
			recOf = append(recOf, i)
		case recVCVS:
			edges = append(edges, edge{a: r.n[0], b: r.n[1], name: r.elem})
			recOf = append(recOf, -1)
		case recAmplifier:
			edges = append(edges, edge{a: r.n[1], b: 0, name: r.elem})
			recOf = append(recOf, -1)
		}
	}
	// Union-find over voltage-defining branches: a branch whose ends are
	// already joined closes a loop.
	uf := newUnionFind(len(s.names))
	adj := make([][]int, len(s.names)) // edge indices
	for k, e := range edges {
		if e.a == e.b {
			return &circuit.Error{Element: e.name, Msg: "voltage source shorted: both ends on one node"}
		}
		ra, rb := uf.find(e.a), uf.find(e.b)
		if ra == rb {
			return &circuit.Error{Element: e.name, Msg: "closes a loop of voltage sources"}
		}
		uf[ra] = rb
		if e.pinOK {
			adj[e.a] = append(adj[e.a], k)
			adj[e.b] = append(adj[e.b], k)
		}
	}
	// Breadth-first from ground over pinning sources.
	seen := make([]bool, len(s.names))
	seen[0] = true
	queue := []int{0}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, k := range adj[u] {
			e := edges[k]
			w, sign := e.a, 1.0 // V(a) = V(b) + v
			if e.a == u {
				w, sign = e.b, -1
			}
			if seen[w] {
				continue
			}
			seen[w] = true
			s.kind[w] = kindPinned
			s.pins = append(s.pins, pin{node: w, from: u, src: e.src, k: sign * e.scale})
			s.recs[recOf[k]].pinning = true
			queue = append(queue, w)
		}
	}
	return nil
}

// checkDCPaths returns an error naming the nodes that have no DC path to
// ground through resistors, diodes and voltage-defining branches.
func (s *System) checkDCPaths() error {
	uf := newUnionFind(len(s.names))
	join, find := uf.join, uf.find
	for _, p := range s.pins {
		join(p.node, p.from)
	}
	for _, r := range s.res {
		join(r.a, r.b)
	}
	for _, d := range s.diodes {
		join(d.a, d.k)
	}
	for _, b := range s.branch {
		join(b.p, b.n)
	}
	for _, c := range s.cross {
		if c.r != nil {
			// Every internal node is on a wire to the periphery, and
			// the cells join the wires as an ideal crossbar joins its
			// sides.
			n := len(c.to)
			for k := range c.r {
				i, j := k/n, k%n
				join(c.r[k], c.from[i])
				join(c.c[k], c.to[j])
				join(c.r[k], c.c[k])
			}
			continue
		}
		for _, f := range c.from {
			for _, t := range c.to {
				join(f, t)
			}
		}
	}
	g := find(0)
	var bad []string
	for i := 1; i < len(s.names); i++ {
		if find(i) != g {
			bad = append(bad, s.names[i])
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return &circuit.Error{Nodes: bad, Msg: "no DC path to ground from nodes"}
	}
	return nil
}

// junction returns the junction of a diode of model m, whose parameters
// hold at the nominal temperature, at the circuit temperature.
func (s *System) junction(m circuit.DiodeModel) circuit.Junction {
	return m.Junction(s.temp, s.tnom)
}

// UpdatePins recomputes the voltages of pinned nodes from the current
// values of the sources and inputs that pin them. Call it after changing a
// VSource's V or an Input's Values.
func (s *System) UpdatePins() {
	// Locals, not s.v and s.srcScale: the compiler cannot tell that
	// the stores into v leave s alone and would load them again for
	// every pin, which measured several times slower.
	v, scale := s.v, s.srcScale
	for i := range s.pins {
		p := &s.pins[i]
		v[p.node] = v[p.from] + p.drive(scale)
	}
}

// drive returns the voltage in volts the pin's source holds across it,
// its value scaled by scale (the system's source stepping).
func (p *pin) drive(scale float64) float64 { return p.k * (*p.src * scale) }

// Clone returns a System that shares the circuit and its read-only
// structure with s but has its own workspace, for use in another goroutine.
func (s *System) Clone() *System {
	t := *s
	t.v = append([]float64(nil), s.v...)
	t.cur = make([]float64, len(s.cur))
	t.gross = make([]float64, len(s.gross))
	t.floor = make([]float64, len(s.floor))
	t.devs = nil // its Voltages loads s
	return &t
}

// unionFind is a disjoint-set forest over node indices.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) join(a, b int) { u[u.find(a)] = u.find(b) }
