package reduce

import (
	"errors"
	"fmt"
	"sync"

	"github.com/eqsim/eqsim/solver/sparse"
)

// Network is a linear resistive subnetwork with a fixed structure and
// conductances that Update sets.
type Network struct {
	mu     sync.Mutex
	nI, nP int
	a, b   []int // edge ends: internal 0..nI-1, periphery nI..nI+nP-1
	free   []int // periphery index -> its place among the free nodes, or -1
	pinned []int // periphery index -> its place among the pinned nodes, or -1
	nf, np int

	k     *sparse.Matrix
	vals  []float64
	slots [][4]int // per edge: slots of (a,a), (b,b), (a,b), (b,a); -1 where none
	sym   *sparse.Symbolic
	lu    sparse.LU
	done  bool // a Factor succeeded

	// the edges from internal nodes to each free and pinned periphery
	// node: (internal end, edge)
	atFree, atPinned [][][2]int
	outer            []int     // the edges between two periphery nodes
	s, t             []float64 // nf×nf, and nf×np when explicit
	g                []float64 // the conductances of the last Update
	rhs              []float64
	// With the pivots on the diagonal, K_II = P'·L·D·Lᵀ·P and the
	// reduction needs only forward substitutions: col[f] holds
	// L⁻¹·P·K_IF[:, f] at the steps where it is not zero, and T·vp is
	// taken per call (PinnedCurrentsTo) with one more. Otherwise T is
	// explicit (from solves with K_II).
	explicit bool
	noHalves bool // tests: take the explicit path
	col      []sparseVec
	dinv     []float64 // 1/D by step
	dense    []float64 // scatter space, by step
}

// sparseVec is a vector by its nonzeros: values at steps.
type sparseVec struct {
	at  []int
	val []float64
}

// BlockRHS is the number of right-hand sides Update solves at once.
const BlockRHS = 32

// New returns the network of nI internal nodes and len(free) periphery
// nodes (free[p] says whether periphery node p is free) with a conductance
// between nodes a[k] and b[k] for every k: internal nodes are numbered 0
// to nI-1, periphery node p is nI+p. It panics if an index is out of range
// or an edge joins a node to itself.
func New(nI int, free []bool, a, b []int) *Network {
	nP := len(free)
	if len(a) != len(b) {
		panic("reduce: edge ends of different lengths")
	}
	n := &Network{nI: nI, nP: nP, a: a, b: b, free: make([]int, nP), pinned: make([]int, nP)}
	for p, f := range free {
		n.free[p], n.pinned[p] = -1, -1
		if f {
			n.free[p] = n.nf
			n.nf++
		} else {
			n.pinned[p] = n.np
			n.np++
		}
	}
	n.atFree, n.atPinned = make([][][2]int, n.nf), make([][][2]int, n.np)
	bld := sparse.NewBuilder(nI)
	n.slots = make([][4]int, len(a))
	handles := make([][4]int, len(a))
	for k := range a {
		ea, eb := a[k], b[k]
		if ea < 0 || eb < 0 || ea >= nI+nP || eb >= nI+nP || ea == eb {
			panic(fmt.Sprintf("reduce: edge %d joins %d and %d of %d nodes", k, ea, eb, nI+nP))
		}
		h := [4]int{-1, -1, -1, -1}
		if ea < nI {
			h[0] = bld.Add(ea, ea)
		}
		if eb < nI {
			h[1] = bld.Add(eb, eb)
		}
		if ea < nI && eb < nI {
			h[2], h[3] = bld.Add(ea, eb), bld.Add(eb, ea)
		}
		handles[k] = h
		if ea >= nI && eb >= nI {
			n.outer = append(n.outer, k)
		}
		// What the internal nodes feed into a periphery node: edges from
		// an internal node to it.
		for _, e := range [][2]int{{ea, eb}, {eb, ea}} {
			if e[1] < nI || e[0] >= nI {
				continue
			}
			p := e[1] - nI
			if f := n.free[p]; f >= 0 {
				n.atFree[f] = append(n.atFree[f], [2]int{e[0], k})
			} else {
				n.atPinned[n.pinned[p]] = append(n.atPinned[n.pinned[p]], [2]int{e[0], k})
			}
		}
	}
	var slots []int
	n.k, slots = bld.Compile()
	n.vals = n.k.Values()
	for k, h := range handles {
		for t, x := range h {
			n.slots[k][t] = -1
			if x >= 0 {
				n.slots[k][t] = slots[x]
			}
		}
	}
	if nI > 0 {
		// The networks here are wired crossbars, strips of cells, which
		// nested dissection orders best (see package sparse); Auto would
		// also run minimum degree to find that out.
		o := &sparse.Options{Ordering: sparse.Auto}
		if nI >= sparse.AutoND {
			o.Ordering = sparse.NestedDissection
		}
		n.sym = sparse.Analyze(n.k, o)
	}
	n.s, n.t = make([]float64, n.nf*n.nf), make([]float64, n.nf*n.np)
	return n
}

// Sizes returns the numbers of internal, free and pinned periphery nodes.
func (n *Network) Sizes() (internal, free, pinned int) { return n.nI, n.nf, n.np }

// Update computes the reduction for the conductances g, one per edge, in
// siemens. It returns an error if the internal conductance matrix is
// singular (an internal node with no path to the periphery) or not
// finite; the reduction is then unusable.
//
// Update does nothing if g is, bit for bit, what the last successful
// Update had: solvers of systems that share a Network (see Registry) each
// update it after a change, and only the first pays. It is safe to call
// from several goroutines, but not while PinnedCurrentsTo or InternalTo
// run.
func (n *Network) Update(g []float64) error {
	if len(g) != len(n.a) {
		panic("reduce: conductances of the wrong length")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.done && sameBits(g, n.g) {
		return nil
	}
	clear(n.vals)
	for k, sl := range n.slots {
		v := g[k]
		for t, s := range sl {
			if s < 0 {
				continue
			}
			if t < 2 {
				n.vals[s] += v
			} else {
				n.vals[s] -= v
			}
		}
	}
	n.g = append(n.g[:0], g...)
	if err := n.factor(); err != nil {
		return err
	}
	n.direct(g)
	n.explicit = n.nI > 0 && (n.noHalves || !n.lu.DiagonalPivots())
	if n.explicit {
		for lo := 0; lo < n.nf; lo += BlockRHS {
			n.block(g, lo, min(n.nf, lo+BlockRHS))
		}
		return nil
	}
	n.forward(g)
	return nil
}

// forward computes S with forward substitutions only: for a symmetric
// K_II factored with diagonal pivots, K_FI·K_II⁻¹·K_IF = Bᵀ·D⁻¹·B with
// B = L⁻¹·P·K_IF, whose columns have few nonzeros (the steps that the
// single internal neighbour of a periphery node reaches).
func (n *Network) forward(g []float64) {
	if n.nI == 0 {
		return
	}
	if len(n.dense) != n.nI {
		n.dense, n.rhs, n.dinv = make([]float64, n.nI), make([]float64, n.nI), make([]float64, n.nI)
		n.col = make([]sparseVec, n.nf)
	}
	for k := range n.dinv {
		n.dinv[k] = 1 / n.lu.Pivot(k)
	}
	b, y := n.rhs, n.dense
	for f := range n.nf {
		clear(b)
		for _, e := range n.atFree[f] {
			b[e[0]] -= g[e[1]]
		}
		n.lu.LowerTo(y, b)
		c := &n.col[f]
		c.at, c.val = c.at[:0], c.val[:0]
		for k, v := range y {
			if v != 0 {
				c.at, c.val = append(c.at, k), append(c.val, v)
			}
		}
	}
	clear(y)
	for f := range n.nf {
		c := &n.col[f]
		for t, k := range c.at {
			y[k] = c.val[t] * n.dinv[k]
		}
		row := n.s[f*n.nf : (f+1)*n.nf]
		for f2 := range n.nf {
			c2 := &n.col[f2]
			var dot float64
			for t, k := range c2.at {
				dot += y[k] * c2.val[t]
			}
			row[f2] -= dot
		}
		for _, k := range c.at {
			y[k] = 0
		}
	}
}

// factor factors K_II, reusing the pivots of the last factorization. K_II
// is a conductance matrix, symmetric, so a refactorization computes L and
// the pivots alone (sparse.LU.RefactorSymmetric: 0.64 s against 0.92 s of
// CPU for the wired 784x100 crossbar, BenchmarkRefactorSymmetric).
func (n *Network) factor() error {
	if n.nI == 0 {
		return nil
	}
	var err error
	if n.done {
		err = n.lu.RefactorSymmetric(n.k)
		if _, ok := errors.AsType[*sparse.PivotError](err); ok {
			err = n.lu.Factor(n.k, n.sym)
		}
	} else {
		err = n.lu.Factor(n.k, n.sym)
	}
	n.done = err == nil
	if err != nil {
		return fmt.Errorf("reduce: internal conductance matrix: %w", err)
	}
	return nil
}

// direct sets S and T to the conductances at the periphery nodes: K_FF
// and K_FP.
func (n *Network) direct(g []float64) {
	clear(n.s)
	clear(n.t)
	for k := range n.a {
		ea, eb := n.a[k]-n.nI, n.b[k]-n.nI
		for _, e := range [][2]int{{ea, eb}, {eb, ea}} {
			if e[0] < 0 || n.free[e[0]] < 0 {
				continue
			}
			f := n.free[e[0]]
			n.s[f*n.nf+f] += g[k]
			if e[1] < 0 {
				continue
			}
			if q := n.free[e[1]]; q >= 0 {
				n.s[f*n.nf+q] -= g[k]
			} else {
				n.t[f*n.np+n.pinned[e[1]]] -= g[k]
			}
		}
	}
}

// block adds to S and T what free periphery nodes lo..hi-1 see through
// the internal nodes: with X = K_II⁻¹ K_IF for those columns, S[f][f'] +=
// sum over edges (i, f) of g·X[i][f'] and T[f'][p] += sum over edges
// (i, p) of g·X[i][f'].
func (n *Network) block(g []float64, lo, hi int) {
	if n.nI == 0 {
		return
	}
	r := hi - lo
	size := n.nI * r
	if len(n.rhs) < size {
		n.rhs = make([]float64, size)
	}
	x := n.rhs[:size]
	clear(x)
	for c := range r {
		for _, e := range n.atFree[lo+c] {
			// Column f of K_IF is -g at the edge's internal end.
			x[e[0]*r+c] -= g[e[1]]
		}
	}
	n.lu.SolveManyTo(x, x, r)
	for f := range n.nf {
		row := n.s[f*n.nf+lo : f*n.nf+hi]
		for _, e := range n.atFree[f] {
			gi := g[e[1]]
			for c := range r {
				row[c] += gi * x[e[0]*r+c]
			}
		}
	}
	for p := range n.np {
		for _, e := range n.atPinned[p] {
			gi := g[e[1]]
			for c := range r {
				n.t[(lo+c)*n.np+p] += gi * x[e[0]*r+c]
			}
		}
	}
}

// Coupling returns S (free × free), row-major, as of the last Update, in
// the order of the free periphery nodes. The slice belongs to the
// network.
func (n *Network) Coupling() []float64 { return n.s }

// Work returns work space for PinnedCurrentsTo and InternalTo: two
// slices of nI elements.
func (n *Network) Work() [2][]float64 {
	return [2][]float64{make([]float64, n.nI), make([]float64, n.nI)}
}

// PinnedCurrentsTo writes into dst, per free periphery node, the current
// in amperes that leaves it into the network when the pinned periphery
// nodes are at vp (by pinned index) and the free ones at 0 V: T·vp. It
// returns the power in watts that the pinned nodes then deliver into the
// network, vpᵀ·U·vp with U = K_PP - K_PI K_II⁻¹ K_IP (the pinned block
// of the Schur complement onto the periphery). With the free periphery
// at vf, the pinned nodes deliver vf·(T·vp) + vpᵀ·U·vp: what the
// network's conductances dissipate less what the free nodes deliver,
// which is how a solver that never computes the internal voltages
// accounts for the network's power. It takes one forward substitution
// (or, when the factorization pivoted off the diagonal, a product with
// the explicit T and one solve), in work (from Work), and may run in
// several goroutines at once between Updates.
func (n *Network) PinnedCurrentsTo(dst, vp []float64, work [2][]float64) (power float64) {
	if len(dst) != n.nf || len(vp) != n.np {
		panic("reduce: PinnedCurrentsTo: bad lengths")
	}
	power = n.pinnedDirect(vp)
	// z = K_IP·vp: column p of K_IP is -g at the internal ends of the
	// edges at p.
	z, y := work[0], work[1]
	clear(z)
	for p := range n.np {
		for _, e := range n.atPinned[p] {
			z[e[0]] -= n.g[e[1]] * vp[p]
		}
	}
	if n.explicit || n.nI == 0 {
		for f := range n.nf {
			row := n.t[f*n.np : (f+1)*n.np]
			c := 0.0
			for p, v := range vp {
				c += row[p] * v
			}
			dst[f] = c
		}
		if n.nI > 0 {
			// zᵀ·K_II⁻¹·z, with z formed again from the edges since
			// the solve overwrites it.
			n.lu.LowerTo(y, z)
			n.lu.UpperTo(z, y)
			for p := range n.np {
				for _, e := range n.atPinned[p] {
					power += n.g[e[1]] * vp[p] * z[e[0]]
				}
			}
		}
		return power
	}
	// T·vp = K_FP·vp - Bᵀ·D⁻¹·L⁻¹·P·(K_IP·vp); the direct part first.
	clear(dst)
	for _, k := range n.outer {
		ea, eb := n.a[k]-n.nI, n.b[k]-n.nI
		for _, e := range [][2]int{{ea, eb}, {eb, ea}} {
			if f, p := n.free[e[0]], n.pinned[e[1]]; f >= 0 && p >= 0 {
				dst[f] -= n.g[k] * vp[p]
			}
		}
	}
	n.lu.LowerTo(y, z)
	for f := range n.nf {
		c := &n.col[f]
		var dot float64
		for t, k := range c.at {
			dot += c.val[t] * y[k] * n.dinv[k]
		}
		dst[f] -= dot
	}
	// zᵀ·K_II⁻¹·z = yᵀ·D⁻¹·y for K_II = P'·L·D·Lᵀ·P.
	for k, v := range y {
		power -= v * v * n.dinv[k]
	}
	return power
}

// pinnedDirect returns vpᵀ·K_PP·vp: the power the edges at pinned nodes
// would dissipate with every other node at 0 V.
func (n *Network) pinnedDirect(vp []float64) float64 {
	var w float64
	for p, v := range vp {
		for _, e := range n.atPinned[p] {
			w += n.g[e[1]] * v * v
		}
	}
	at := func(i int) float64 {
		if p := n.pinned[i-n.nI]; p >= 0 {
			return vp[p]
		}
		return 0
	}
	for _, k := range n.outer {
		d := at(n.a[k]) - at(n.b[k])
		w += n.g[k] * d * d
	}
	return w
}

// InternalTo writes into dst (len nI) the internal node voltages at
// equilibrium for the periphery voltages vp (len nP, by periphery index),
// with the conductances of the last Update, using work (from Work). Like
// PinnedCurrentsTo it may run in several goroutines at once.
func (n *Network) InternalTo(dst, vp []float64, work [2][]float64) {
	if len(dst) != n.nI || len(vp) != n.nP {
		panic("reduce: InternalTo: bad lengths")
	}
	if n.nI == 0 {
		return
	}
	z, y := work[0], work[1]
	clear(z)
	g := n.g
	for k := range n.a {
		ea, eb := n.a[k], n.b[k]
		switch {
		case ea < n.nI && eb >= n.nI:
			z[ea] += g[k] * vp[eb-n.nI]
		case eb < n.nI && ea >= n.nI:
			z[eb] += g[k] * vp[ea-n.nI]
		}
	}
	n.lu.LowerTo(y, z)
	n.lu.UpperTo(dst, y)
}
