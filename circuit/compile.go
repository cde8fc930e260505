package circuit

import (
	"fmt"
	"sort"
	"strings"
)

// Error is a topology or value error found while compiling a circuit. It
// names the element or the nodes at fault.
type Error struct {
	// Element is the element at fault, if one is.
	Element string
	// Nodes are the nodes at fault, if any.
	Nodes []string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Element != "" {
		fmt.Fprintf(&b, "element %q: ", e.Element)
	}
	b.WriteString(e.Msg)
	if len(e.Nodes) > 0 {
		const most = 10
		n := e.Nodes
		more := ""
		if len(n) > most {
			more = fmt.Sprintf(" and %d more", len(n)-most)
			n = n[:most]
		}
		fmt.Fprintf(&b, ": %s%s", strings.Join(n, ", "), more)
	}
	return b.String()
}

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
	sign       float64
	scale      float64 // Amplitude for inputs, 1 for sources
}

// Compiled element records. Node indices: 0 is ground, 1..n the nodes.
type (
	cRes struct {
		a, b int
		g    *float64
	}
	cDiode struct {
		a, k int
		j    junction
	}
	cISrc struct {
		p, n int
		i    *float64
	}
	cBranch struct { // floating VSource, VCVS or an amplifier channel
		p, n   int
		cp, cn int      // control nodes for a VCVS
		v      *float64 // source voltage, nil for a VCVS
		gain   float64
		off    float64 // V(p) - V(n) = gain*(V(cp) - V(cn)) + off for a VCVS
		unk    int     // index of the branch current in x
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
		x        *Crossbar
		// r and c are, for a crossbar with wire resistance, the node
		// indices of the cells' row and column nodes, row-major; nil
		// for ideal wires.
		r, c []int
	}
)

// System is a compiled circuit. It is not safe for concurrent use: give
// each goroutine its own Clone.
type System struct {
	circuit *Circuit
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

	elemIndex map[string]Element

	// workspace
	v     []float64
	cur   []float64
	gross []float64 // ScalesTo's current scales per node
	floor []float64 // ScalesTo's rounding floors per node
}

// Compile indexes the nodes of c, checks its topology and returns the
// compiled system. The System keeps pointers into c: conductances and
// source values changed in c's elements after compiling are seen by the
// System at its next evaluation (call UpdatePins after changing a voltage
// source or input). Elements must not be added or removed after compiling.
//
// Compile returns an *Error for an empty circuit, loops of voltage sources,
// a CCCS whose control is not a voltage source, mismatched sizes and nodes
// without a DC path to ground.
func Compile(c *Circuit) (*System, error) {
	if len(c.Elements) == 0 {
		return nil, &Error{Msg: "the circuit has no elements"}
	}
	s := &System{
		circuit:   c,
		temp:      c.Temperature(),
		tnom:      c.NominalTemperature(),
		names:     []string{Ground},
		index:     map[string]int{Ground: 0, GroundAlias: 0},
		branchOf:  map[string]int{},
		elemIndex: map[string]Element{},
		srcScale:  1,
	}
	node := func(name string) int {
		if i, ok := s.index[name]; ok {
			return i
		}
		i := len(s.names)
		s.names = append(s.names, name)
		s.index[name] = i
		return i
	}
	for _, e := range c.Elements {
		if _, dup := s.elemIndex[e.Label()]; dup {
			return nil, &Error{Element: e.Label(), Msg: "duplicate element name"}
		}
		s.elemIndex[e.Label()] = e
		if err := e.check(); err != nil {
			return nil, err
		}
		for _, t := range e.Terminals() {
			if t == "" {
				return nil, &Error{Element: e.Label(), Msg: "empty node name"}
			}
			node(t)
		}
	}
	// The internal nodes of elements (a crossbar's with wire resistance)
	// come after every terminal, so that no terminal can take one's
	// name.
	for _, e := range c.Elements {
		x, ok := e.(interface{ InternalNodes() []string })
		if !ok {
			continue
		}
		for _, nm := range x.InternalNodes() {
			if _, dup := s.index[nm]; dup {
				return nil, &Error{Element: e.Label(), Nodes: []string{nm}, Msg: "an internal node of the wired " + e.Kind().Name + " has the name of another node"}
			}
			node(nm)
		}
	}
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

	// Branch unknowns come after the node voltages, in element order.
	for _, e := range c.Elements {
		e.compile(s)
	}
	for _, e := range c.Elements {
		if l, ok := e.(lateCompiler); ok {
			if err := l.compileLate(s); err != nil {
				return nil, err
			}
		}
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

// isPinningSource reports whether a voltage source was used to pin a node.
func (s *System) isPinningSource(e *VSource) bool {
	for _, p := range s.pins {
		if p.src == &e.V {
			return true
		}
	}
	return false
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
	var edges []edge
	controls := map[string]bool{}
	for _, e := range s.circuit.Elements {
		if f, ok := e.(*CCCS); ok {
			controls[f.Control] = true
		}
	}
	for _, e := range s.circuit.Elements {
		if d, ok := e.(voltageDefiner); ok {
			edges = append(edges, d.edges(s, controls)...)
		}
	}
	// Union-find over voltage-defining branches: a branch whose ends are
	// already joined closes a loop.
	uf := newUnionFind(len(s.names))
	adj := make([][]int, len(s.names)) // edge indices
	for k, e := range edges {
		if e.a == e.b {
			return &Error{Element: e.name, Msg: "voltage source shorted: both ends on one node"}
		}
		ra, rb := uf.find(e.a), uf.find(e.b)
		if ra == rb {
			return &Error{Element: e.name, Msg: "closes a loop of voltage sources"}
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
			s.pins = append(s.pins, pin{node: w, from: u, src: e.src, sign: sign, scale: e.scale})
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
		return &Error{Nodes: bad, Msg: "no DC path to ground from nodes"}
	}
	return nil
}

// junction returns the junction of a diode of model m, whose parameters
// hold at the nominal temperature, at the circuit temperature.
func (s *System) junction(m DiodeModel) junction {
	return newJunction(m.AtTemperature(s.temp, s.tnom), s.temp)
}

// UpdatePins recomputes the voltages of pinned nodes from the current
// values of the sources and inputs that pin them. Call it after changing a
// VSource's V or an Input's Values.
func (s *System) UpdatePins() {
	for _, p := range s.pins {
		s.v[p.node] = s.v[p.from] + p.sign*p.scale*(*p.src*s.srcScale)
	}
}

// Clone returns a System that shares the circuit and its read-only
// structure with s but has its own workspace, for use in another goroutine.
func (s *System) Clone() *System {
	t := *s
	t.v = append([]float64(nil), s.v...)
	t.cur = make([]float64, len(s.cur))
	t.gross = make([]float64, len(s.gross))
	t.floor = make([]float64, len(s.floor))
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
