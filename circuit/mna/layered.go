package mna

import (
	"fmt"
	"math"
	"slices"

	"github.com/eqsim/eqsim/circuit"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Layering describes a compiled system as a layered network, the structure
// fast solvers exploit. In a layered network:
//
//   - every independent voltage source and input pins its node (no
//     floating sources), and there are no circuit.VCVS or circuit.CCCS cards;
//   - free nodes are joined to each other only by crossbars, and the free
//     nodes split into blocks (groups) such that the crossbars between
//     blocks join the blocks of each connected part into a chain; a
//     crossbar may join a block to itself (lateral connections, Laterals);
//   - amplifiers drive their To nodes from free nodes: V(To[i]) =
//     Gains[i]*V(From[i]) + Offsets[i], or its saturated form (see
//     Swing), without output resistance. A driven node belongs to the
//     block of the node that drives it (its owner) and may carry
//     anything an undriven node may;
//   - a crossbar with wire resistance (Wired) has internal nodes on a grid
//     of wire segments: they belong to no block, and a solver eliminates
//     them, which couples the free nodes of its sides to each other like
//     a lateral crossbar and, between two free sides, like a link;
//   - every other element on a free node joins it to a pinned node or
//     ground: crossbars from inputs, resistors, diodes (rectifiers
//     included) and current sources. Capacitors are open at DC and ignored.
//
// Node references are indices into the system's unknown vector x (a free
// node's voltage index); pinned nodes have none.
//
// A Layering keeps pointers to the circuit's conductances and sources.
// Source and input values and resistor conductances are read anew by
// PinnedTo; crossbar conductances are summed once by Refresh, which must be
// called again after any crossbar entry changes.
type Layering struct {
	sys *System

	// Blocks lists, for each block, the x indices of its undriven free
	// nodes. Every undriven free node is in exactly one block.
	Blocks [][]int
	// Chains lists, for each connected part of the network, its blocks in
	// chain order: block Chains[c][k] is coupled by links only to
	// Chains[c][k-1] and Chains[c][k+1].
	Chains [][]int
	// Owner[u] is, for every free node u (an x index below NumFree), the
	// undriven node whose voltage determines it, Gain[u] the factor and
	// Offset[u] the offset in volts: V(u) = Gain[u]*V(Owner[u]) +
	// Offset[u]. An undriven node owns itself with gain 1 and offset 0.
	Owner  []int
	Gain   []float64
	Offset []float64
	// Swing is nil when no amplifier saturates; otherwise Swing[u] is
	// the output swing in volts of the channel that drives u (0 for a
	// linear one), which makes V(u) = Swing[u]*tanh((Gain[u]*V(Owner[u])
	// + Offset[u])/Swing[u]) (see circuit.AmplifierChannel).
	Swing []float64
	// Branch[u] is the x index of the amplifier branch current that drives
	// node u, or -1 for an undriven node.
	Branch []int
	// BlockOf[u] and Pos[u] are the block of u's owner and the owner's
	// position in it.
	BlockOf []int
	Pos     []int
	// Links are the crossbars that join free nodes (driven or not) of one
	// block to free nodes of another.
	Links []Link
	// Laterals are the crossbars that join free nodes of one block to
	// each other: a group to itself, or two groups that links put in one
	// block. A conductance between a node and itself (the diagonal of a
	// crossbar from a group to itself) carries no current and is left
	// out of Conductance.
	Laterals []Link
	// Wired are the crossbars with wire resistance.
	Wired []Wired
	// Internal[u] reports whether free node u is an internal node of a
	// wired crossbar. Internal nodes are in no block.
	Internal []bool
	// Junctions are the diodes between a free node and a pinned node or
	// ground, rectifier diodes included.
	Junctions []Junction

	feeds    []feed
	feedOf   []int // per crossbar of the system: its feed, -1 if none; nil until Power
	products int   // matrix-vector products of feeds taken, for tests
	loads    []load
	srcs     []cISrc
	pinOf    []int     // node index -> index in sys.pins, or -1
	xcond    []float64 // per free node, crossbar conductance (S), as of Refresh
	cond     []float64 // per free node, total linear conductance (S)
	known    []Sums    // of the last RefreshSums
	// stripedIdx lists the feeds whose rows are pinned (striped).
	stripedIdx []int
	// work space of sums
	rowSum, colSum, stripeSum []float64
}

// Link is a crossbar between free nodes: G.At(i, j) siemens between the
// free nodes with x indices From[i] and To[j].
type Link struct {
	Name     string
	G        *mat.Dense
	From, To []int
}

// Junction is a diode between the free node Node (an x index) and a pinned
// node or ground. Anode reports whether the free node is the anode.
type Junction struct {
	Name  string
	Node  int
	Anode bool
	pin   int // node index of the pinned terminal
	// Junction is the diode, which System.Eval evaluates the same way.
	circuit.Junction
}

// feed is a crossbar with one side pinned and the other free.
type feed struct {
	g      *mat.Dense
	rows   bool  // the pinned side is From (the rows of g)
	pinned []int // node indices of the pinned side
	free   []int // x indices of the free side
	first  int   // if >= 0, the pinned side is nodes first, first+1, ...
	v, c   []float64
	// last holds the pinned voltages c was computed from; valid says
	// that c is still the product of last with the present conductances.
	// The phases of one sample share their inputs, so the product is
	// taken once per sample rather than once per solve.
	last  []float64
	valid bool
	part  []float64 // work space of product
	// cross is the crossbar's index in System.cross; sums holds the sums
	// of its conductances over the free side, per pinned node, valid if
	// sumsOK (see Layering.Power).
	cross  int
	sums   []float64
	sumsOK bool
}

// unchanged reports whether v is bit for bit f.last.
func (f *feed) unchanged(v []float64) bool {
	if !f.valid {
		return false
	}
	for k, x := range v {
		if math.Float64bits(x) != math.Float64bits(f.last[k]) {
			return false
		}
	}
	return true
}

// product sets f.c to the currents the pinned voltages v drive into the
// free side through G at 0 V. Inputs are mostly zero (the dark pixels of
// an image): where the pinned side is G's rows, only the rows of nonzero
// voltages are added up, a stripe of rows at a time (see Stripe), so that
// workers that share the stripes among them (StripeProducts, SetProduct)
// get the same sums.
func (f *feed) product(v []float64) {
	raw := f.g.RawMatrix()
	if !f.rows {
		blas64.Gemv(blas.NoTrans, 1, raw, blas64.Vector{N: len(v), Inc: 1, Data: v}, 0, blas64.Vector{N: len(f.c), Inc: 1, Data: f.c})
		return
	}
	if len(f.part) != len(f.c) {
		f.part = make([]float64, len(f.c))
	}
	clear(f.c)
	for b := range stripes(len(v)) {
		dst := f.c
		if b > 0 {
			dst = f.part
			clear(dst)
		}
		if f.stripeProduct(dst, v, b) && b > 0 {
			addTo(f.c, f.part)
		}
	}
}

// load is a resistor between a free node and a pinned node or ground.
type load struct {
	u, pin int
	g      *float64
}

// notLayered returns the error Layering gives for a network it cannot
// describe.
func notLayered(elem string, nodes []string, format string, args ...any) error {
	return &circuit.Error{Element: elem, Nodes: nodes, Msg: "not a layered network: " + fmt.Sprintf(format, args...)}
}

// Layering recognises s as a layered network and returns its structure. It
// returns an *Error saying why when s is not layered; general solvers still
// handle such circuits.
func (s *System) Layering() (*Layering, error) {
	nf := len(s.free)
	l := &Layering{
		sys:      s,
		Owner:    make([]int, nf),
		Gain:     make([]float64, nf),
		Offset:   make([]float64, nf),
		Branch:   make([]int, nf),
		BlockOf:  make([]int, nf),
		Pos:      make([]int, nf),
		pinOf:    make([]int, len(s.names)),
		cond:     make([]float64, nf),
		xcond:    make([]float64, nf),
		Internal: make([]bool, nf),
	}
	for i := range l.pinOf {
		l.pinOf[i] = -1
	}
	for k, p := range s.pins {
		l.pinOf[p.node] = k
	}
	for u := range nf {
		l.Owner[u], l.Gain[u], l.Branch[u] = u, 1, -1
	}
	// Controlled sources first (a voltage source that controls a CCCS
	// has a branch current too, and the CCCS is the reason), then the
	// amplifiers, which decide which free nodes are driven, then the
	// rest: feeds, links, loads, junctions and current sources.
	for i := range s.recs {
		if err := l.reject(&s.recs[i]); err != nil {
			return nil, err
		}
	}
	driver := map[int]bool{}
	for i := range s.recs {
		if err := l.drive(&s.recs[i], driver); err != nil {
			return nil, err
		}
	}
	for u := range nf {
		if l.Owner[u] != u && driver[s.free[u]] {
			return nil, notLayered("", s.nodeNames(s.free[u]), "amplifier input driven by another amplifier")
		}
	}
	for i := range s.recs {
		if err := l.sort(&s.recs[i]); err != nil {
			return nil, err
		}
	}
	if err := l.chain(); err != nil {
		return nil, err
	}
	l.Refresh()
	return l, nil
}

// Passes of circuit.Element.layer.
const (
	layerReject = iota // elements that are never layered say so
	layerDrive         // amplifiers decide which free nodes they drive
	layerSort          // the rest are sorted into feeds, links, loads, junctions, sources
)

// free reports whether node (an index) is a free node.
func (l *Layering) free(node int) bool { return l.sys.kind[node] == kindFree }

// side returns the x indices of a crossbar side, or pinned true if every
// node of it is pinned (or ground).
func (l *Layering) side(elem, which string, nodes []string) (unk []int, pinned bool, err error) {
	s := l.sys
	nfree := 0
	for _, nm := range nodes {
		if s.kind[s.index[nm]] == kindFree {
			nfree++
		}
	}
	if nfree == 0 {
		return nil, true, nil
	}
	if nfree < len(nodes) {
		return nil, false, notLayered(elem, nil, "crossbar side %s mixes pinned and free nodes", which)
	}
	unk = make([]int, len(nodes))
	for i, nm := range nodes {
		unk[i] = s.unk[s.index[nm]]
	}
	return unk, false, nil
}

func (l *Layering) newFeed(x *circuit.Crossbar, pinned []string, free []int, rows bool) feed {
	s := l.sys
	f := feed{g: x.G, rows: rows, free: free, pinned: make([]int, len(pinned)),
		v: make([]float64, len(pinned)), c: make([]float64, len(free)), last: make([]float64, len(pinned))}
	for i, nm := range pinned {
		f.pinned[i] = s.index[nm]
	}
	for k := range s.cross {
		if s.cross[k].x == x {
			f.cross = k
		}
	}
	// Inputs usually hold consecutive node indices: PinnedTo then reads
	// their voltages in place.
	f.first = f.pinned[0]
	for i, n := range f.pinned {
		if n != f.first+i || n == 0 {
			f.first = -1
			break
		}
	}
	return f
}

// chain forms the blocks from the sides of the links and checks that the
// blocks of every connected part form a chain.
func (l *Layering) chain() error {
	s := l.sys
	nf := len(s.free)
	parent := make([]int, nf)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	linked := make([]bool, nf)
	sides := l.freeSides()
	for _, side := range sides {
		r := find(l.Owner[side[0]])
		for _, u := range side {
			o := l.Owner[u]
			linked[o] = true
			parent[find(o)] = r
		}
	}
	// Blocks in order of first appearance along the link sides, so that a
	// side that is a whole block keeps its order; unlinked nodes form one
	// block of their own.
	blockOfRoot := map[int]int{}
	for u := range l.BlockOf {
		l.BlockOf[u] = -1
	}
	add := func(o, b int) {
		if l.BlockOf[o] >= 0 {
			return
		}
		l.BlockOf[o] = b
		l.Pos[o] = len(l.Blocks[b])
		l.Blocks[b] = append(l.Blocks[b], o)
	}
	for _, side := range sides {
		for _, u := range side {
			o := l.Owner[u]
			r := find(o)
			b, ok := blockOfRoot[r]
			if !ok {
				b = len(l.Blocks)
				blockOfRoot[r] = b
				l.Blocks = append(l.Blocks, nil)
			}
			add(o, b)
		}
	}
	loose := -1
	for u := range nf {
		if l.Owner[u] != u || linked[u] || l.Internal[u] {
			continue
		}
		if loose < 0 {
			loose = len(l.Blocks)
			l.Blocks = append(l.Blocks, nil)
		}
		add(u, loose)
	}
	for u := range nf {
		l.BlockOf[u], l.Pos[u] = l.BlockOf[l.Owner[u]], l.Pos[l.Owner[u]]
	}

	// The block graph must be a set of paths.
	nb := len(l.Blocks)
	adj := l.blockGraph()
	for b, nbrs := range adj {
		if len(nbrs) > 2 {
			return notLayered("", l.blockNames(b), "a group of free nodes is coupled by crossbars to %d other groups, not a chain", len(nbrs))
		}
	}
	seen := make([]bool, nb)
	walk := func(start int) []int {
		var c []int
		prev, cur := -1, start
		for cur >= 0 && !seen[cur] {
			seen[cur] = true
			c = append(c, cur)
			next := -1
			for _, n := range adj[cur] {
				if n != prev {
					next = n
				}
			}
			prev, cur = cur, next
		}
		return c
	}
	for b := range nb {
		if !seen[b] && len(adj[b]) <= 1 {
			l.Chains = append(l.Chains, walk(b))
		}
	}
	for b := range nb {
		if !seen[b] {
			return notLayered("", l.blockNames(b), "crossbars join groups of free nodes in a loop, not a chain")
		}
	}
	return nil
}

// blockGraph moves the links within a block to Laterals and returns the
// neighbours of every block: the blocks that links and wired crossbars
// between free groups join it to.
func (l *Layering) blockGraph() [][]int {
	adj := make([][]int, len(l.Blocks))
	edge := func(a, b int) {
		if a != b && !slices.Contains(adj[a], b) {
			adj[a] = append(adj[a], b)
			adj[b] = append(adj[b], a)
		}
	}
	links := l.Links[:0]
	for _, k := range l.Links {
		a, b := l.BlockOf[k.From[0]], l.BlockOf[k.To[0]]
		if a == b {
			l.Laterals = append(l.Laterals, k)
			continue
		}
		links = append(links, k)
		edge(a, b)
	}
	l.Links = links
	for _, w := range l.Wired {
		if w.From != nil && w.To != nil {
			edge(l.BlockOf[w.From[0]], l.BlockOf[w.To[0]])
		}
	}
	return adj
}

// blockNames returns the names of the nodes of block b.
func (l *Layering) blockNames(b int) []string {
	out := make([]string, len(l.Blocks[b]))
	for i, u := range l.Blocks[b] {
		out[i] = l.sys.names[l.sys.free[u]]
	}
	return out
}

// System returns the system l describes.
func (l *Layering) System() *System { return l.sys }

// Refresh sums the conductances of the crossbars again. Call it after
// changing any crossbar entry.
func (l *Layering) Refresh() { l.RefreshSums(nil) }

// Sums are the sums of a crossbar's conductances along its rows and
// columns, in siemens: Rows[i] = sum_j G(i, j), Cols[j] = sum_i G(i, j).
// Data is the crossbar's storage (circuit.Crossbar.ConductanceData), which
// tells which crossbar they belong to. Whoever writes a large crossbar
// can add them up as it writes, while every entry is in its core's
// cache, rather than have every solver of the circuit read the whole
// crossbar again.
type Sums struct {
	Data       []float64
	Rows, Cols []float64
}

// RefreshSums is Refresh with the sums of the crossbars in known taken
// from there rather than computed. They must be the sums of the present
// conductances; Layering keeps the slices until the next Refresh.
func (l *Layering) RefreshSums(known []Sums) {
	l.known = known
	clear(l.xcond)
	for i := range l.feeds {
		f := &l.feeds[i]
		f.valid, f.sumsOK = false, false
		rows, cols := l.sums(f.g)
		if f.rows {
			// The pinned side is the rows: each free column's sum.
			rows = cols
		}
		l.addSums(rows, f.free)
	}
	for _, k := range l.Links {
		rows, cols := l.sums(k.G)
		l.addSums(rows, k.From)
		l.addSums(cols, k.To)
	}
	for _, k := range l.Laterals {
		raw := k.G.RawMatrix()
		for i, p := range k.From {
			for j, q := range k.To {
				if p != q {
					g := raw.Data[i*raw.Stride+j]
					l.xcond[p] += g
					l.xcond[q] += g
				}
			}
		}
	}
	l.loadConductance()
}

// loadConductance sets cond to the crossbar sums plus the present
// conductances of the resistors.
func (l *Layering) loadConductance() {
	copy(l.cond, l.xcond)
	for _, d := range l.loads {
		l.cond[d.u] += *d.g
	}
}

// addSums adds to l.xcond[nodes[k]] the sums s[k].
func (l *Layering) addSums(s []float64, nodes []int) {
	for k, u := range nodes {
		l.xcond[u] += s[k]
	}
}

// sums returns the row and column sums of g: the known ones of the last
// RefreshSums if g is among them, else computed into l's work space
// (valid until the next call).
func (l *Layering) sums(g *mat.Dense) (rows, cols []float64) {
	r, c := g.Dims()
	raw := g.RawMatrix()
	for _, k := range l.known {
		if len(k.Data) > 0 && len(raw.Data) > 0 && &k.Data[0] == &raw.Data[0] {
			return k.Rows, k.Cols
		}
	}
	if raw.Stride != c {
		panic("circuit: crossbar with a stride")
	}
	l.rowSum, l.colSum = grow(l.rowSum, r), grow(l.colSum, c)
	l.stripeSum = grow(l.stripeSum, stripes(r)*c)
	CrossbarSums(raw.Data[:r*c], l.rowSum, l.colSum, l.stripeSum)
	return l.rowSum, l.colSum
}

// grow returns s resliced, or made, to length n.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Conductance returns, for every free node (by x index), the sum in
// siemens of the conductances of the crossbars (as of the last Refresh)
// and resistors (as of the last PinnedTo or Refresh) at it. The slice
// belongs to l.
func (l *Layering) Conductance() []float64 { return l.cond }

// PinnedVoltage returns the voltage in volts that the sources hold on node
// (a node index; 0 is ground), read from their current values. It panics
// if the node is free.
func (l *Layering) PinnedVoltage(node int) float64 {
	v := 0.0
	for node != 0 {
		k := l.pinOf[node]
		if k < 0 {
			panic(fmt.Sprintf("circuit: node %q is not pinned", l.sys.names[node]))
		}
		p := &l.sys.pins[k]
		v += p.drive(1)
		node = p.from
	}
	return v
}

// PinnedTo reads the present values of the sources, inputs and resistors,
// updating the system's pinned voltages as System.UpdatePins does and
// the resistors' share of Conductance. It writes into cur, for every free
// node (by x index), the current in amperes that leaves the node through
// crossbars and resistors to pinned nodes and through current sources when
// every free node is at 0 V, and into vj, for every junction, the voltage
// of its pinned terminal. The current leaving free node u through linear
// elements and sources is then
//
//	Conductance()[u]*V(u) + cur[u] - (sum over links of G times the far end's voltage).
//
// cur must have NumFree elements and vj len(Junctions). This is the one
// place where the crossbars from the inputs are multiplied out: one
// matrix-vector product per crossbar, skipped when neither the pinned
// voltages it multiplies (compared bit for bit) nor the conductances
// (since the last Refresh) changed. Conductances changed without a call
// to Refresh are therefore not seen.
func (l *Layering) PinnedTo(cur, vj []float64) {
	if len(cur) != len(l.cond) || len(vj) != len(l.Junctions) {
		panic("circuit: bad length for PinnedTo")
	}
	clear(cur)
	s := l.sys
	s.UpdatePins()
	l.loadConductance()
	for i := range l.feeds {
		f := &l.feeds[i]
		v := f.v
		if f.first >= 0 {
			v = s.v[f.first : f.first+len(f.pinned)]
		} else {
			for k, node := range f.pinned {
				v[k] = s.v[node]
			}
		}
		if !f.unchanged(v) {
			f.product(v)
			copy(f.last, v)
			f.valid = true
			l.products++
		}
		for k, u := range f.free {
			cur[u] -= f.c[k]
		}
	}
	for _, d := range l.loads {
		cur[d.u] -= *d.g * s.v[d.pin]
	}
	for _, src := range l.srcs {
		i := *src.i
		if u := s.unk[src.p]; u >= 0 {
			cur[u] += i
		}
		if u := s.unk[src.n]; u >= 0 {
			cur[u] -= i
		}
	}
	for k := range l.Junctions {
		vj[k] = s.v[l.Junctions[k].pin]
	}
}

// NodeName returns the name of the free node with x index u.
func (l *Layering) NodeName(u int) string { return l.sys.names[l.sys.free[u]] }
