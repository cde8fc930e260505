package reduce

import (
	"errors"
	"fmt"

	"github.com/eqsim/eqsim/solver/sparse"
)

// Network is a linear resistive subnetwork with a fixed structure and
// conductances that Update sets. It is not safe for concurrent use.
type Network struct {
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
	s, t             []float64 // nf×nf, nf×np
	g                []float64 // the conductances of the last Update
	rhs              []float64
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
		n.sym = sparse.Analyze(n.k, nil)
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
func (n *Network) Update(g []float64) error {
	if len(g) != len(n.a) {
		panic("reduce: conductances of the wrong length")
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
	for lo := 0; lo < n.nf; lo += BlockRHS {
		n.block(g, lo, min(n.nf, lo+BlockRHS))
	}
	return nil
}

// factor factors K_II, reusing the pivots of the last factorization.
func (n *Network) factor() error {
	if n.nI == 0 {
		return nil
	}
	var err error
	if n.done {
		err = n.lu.Refactor(n.k)
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

// Coupling returns S (free × free) and T (free × pinned), row-major, as of
// the last Update, in the order of the free and of the pinned periphery
// nodes. The slices belong to the network.
func (n *Network) Coupling() (s, t []float64) { return n.s, n.t }

// InternalTo writes into dst (len nI) the internal node voltages at
// equilibrium for the periphery voltages vp (len nP, by periphery index),
// with the conductances of the last Update.
func (n *Network) InternalTo(dst, vp []float64) {
	if len(dst) != n.nI || len(vp) != n.nP {
		panic("reduce: InternalTo: bad lengths")
	}
	if n.nI == 0 {
		return
	}
	clear(dst)
	g := n.g
	for k := range n.a {
		ea, eb := n.a[k], n.b[k]
		switch {
		case ea < n.nI && eb >= n.nI:
			dst[ea] += g[k] * vp[eb-n.nI]
		case eb < n.nI && ea >= n.nI:
			dst[eb] += g[k] * vp[ea-n.nI]
		}
	}
	n.lu.SolveTo(dst, dst)
}
