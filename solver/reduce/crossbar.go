package reduce

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Crossbar is a crossbar with wire resistance of a layered network
// (mna.Wired) reduced onto its periphery: a Network whose internal nodes
// are the cells' row and column nodes and whose periphery is the
// crossbar's sides, with the conductances the crossbar holds.
type Crossbar struct {
	w   *mna.Wired
	lay *mna.Layering
	net *Network
	ix  []int // per internal index, the x index
	// per periphery index, the node index and the x index (-1 if pinned)
	pnode, px []int
	free      []int // x indices of the free periphery nodes, in net's order
	pinned    []int // node indices of the pinned periphery nodes
	driven    bool
	g         []float64
	vp, last  []float64 // pinned voltages, and those c was computed from
	c         []float64 // per free periphery node: T·vp, A
	q         float64   // vpᵀ·U·vp, W (see Network.PinnedCurrentsTo)
	valid     bool
	vfull     []float64
	xin       []float64
	work      [2][]float64
	err       error // of the last Update
}

// NewCrossbar returns the reduction of the wired crossbar w of lay. Call
// Update before using it. With reg not nil, crossbars of other systems
// with the same conductance matrix and the same free and pinned periphery
// share one Network: its factorization and S are computed once per change
// of the conductances.
func NewCrossbar(lay *mna.Layering, w *mna.Wired, reg *Registry) (*Crossbar, error) {
	r := &Crossbar{w: w, lay: lay}
	r.ix = append(append(r.ix, w.Rows...), w.Cols...)
	xin := make(map[int]int, len(r.ix)) // x index -> internal index
	for i, x := range r.ix {
		xin[x] = i
	}
	peIdx := map[int]int{} // node index -> periphery index
	var free []bool
	for _, side := range [][]int{w.FromNodes, w.ToNodes} {
		for _, nd := range side {
			if _, ok := peIdx[nd]; ok {
				continue
			}
			peIdx[nd] = len(r.pnode)
			r.pnode = append(r.pnode, nd)
			x := lay.Unknown(nd)
			r.px = append(r.px, x)
			free = append(free, x >= 0)
			if x >= 0 {
				r.free = append(r.free, x)
				r.driven = r.driven || lay.Owner[x] != x
			} else {
				r.pinned = append(r.pinned, nd)
			}
		}
	}
	// The ends of the conductances are node indices: periphery nodes by
	// peIdx, internal nodes by their x index.
	var ea, eb []int
	var bad error
	idx := func(nd int) int {
		if p, ok := peIdx[nd]; ok {
			return len(r.ix) + p
		}
		i, ok := xin[lay.Unknown(nd)]
		if !ok && bad == nil {
			bad = fmt.Errorf("reduce: wired crossbar %q: node %d is neither internal nor at its periphery", w.Name, nd)
		}
		return i
	}
	w.Conductances(func(a, b int, _ float64) {
		ea, eb = append(ea, idx(a)), append(eb, idx(b))
	})
	if bad != nil {
		return nil, bad
	}
	r.net = reg.network(w.G, free, func() *Network { return New(len(r.ix), free, ea, eb) })
	r.work = r.net.Work()
	r.g = make([]float64, len(ea))
	r.vp, r.last = make([]float64, len(r.pinned)), make([]float64, len(r.pinned))
	r.c = make([]float64, len(r.free))
	return r, nil
}

// Name returns the crossbar's name.
func (r *Crossbar) Name() string { return r.w.Name }

// Free returns the x indices of the free periphery nodes, in the order of
// Coupling's rows and columns.
func (r *Crossbar) Free() []int { return r.free }

// Driven reports whether an amplifier drives a free periphery node.
func (r *Crossbar) Driven() bool { return r.driven }

// Update reads the crossbar's conductances and computes the reduction.
// The error, if any, is kept: Err returns it until the next Update.
func (r *Crossbar) Update() error {
	n := 0
	r.w.Conductances(func(_, _ int, g float64) {
		r.g[n] = g
		n++
	})
	r.valid = false
	r.err = r.net.Update(r.g)
	return r.err
}

// Err returns the error of the last Update, naming the crossbar.
func (r *Crossbar) Err() error {
	if r.err == nil {
		return nil
	}
	return fmt.Errorf("crossbar %q: %w", r.w.Name, r.err)
}

// Coupling returns S, len(Free())², row-major: the current in amperes
// leaving free periphery node Free()[f] is the sum over f' of
// S[f][f']·V(Free()[f']) plus PinnedCurrents()[f].
func (r *Crossbar) Coupling() []float64 { return r.net.Coupling() }

// PinnedCurrents returns, per free periphery node, the current in amperes
// that the pinned periphery nodes at their present voltages drive out of
// it when every free periphery node is at 0 V: T·vp, taken again only when
// the pinned voltages (compared bit for bit) or the conductances changed.
// The slice belongs to r.
func (r *Crossbar) PinnedCurrents() []float64 {
	if len(r.pinned) == 0 {
		return r.c
	}
	for k, nd := range r.pinned {
		r.vp[k] = r.lay.PinnedVoltage(nd)
	}
	if r.valid && sameBits(r.vp, r.last) {
		return r.c
	}
	r.q = r.net.PinnedCurrentsTo(r.c, r.vp, r.work)
	copy(r.last, r.vp)
	r.valid = true
	return r.c
}

// PinnedPower returns the power in watts that the pinned periphery nodes
// at their present voltages deliver into the crossbar (its wires and
// cells) when the free periphery nodes are at their voltages in x, a
// solution in the system's ordering: x·(T·vp) + vpᵀ·U·vp (see
// Network.PinnedCurrentsTo). x need not hold the internal voltages: the
// reduction accounts for them as at equilibrium with the periphery. It
// is what mna.System.Power counts for the crossbar's pinned side with the
// internal voltages computed (InternalTo), without that solve.
func (r *Crossbar) PinnedPower(x []float64) float64 {
	c := r.PinnedCurrents()
	if len(r.pinned) == 0 {
		return 0
	}
	w := r.q
	for f, u := range r.free {
		w += x[u] * c[f]
	}
	return w
}

func sameBits(a, b []float64) bool {
	for k, x := range a {
		if math.Float64bits(x) != math.Float64bits(b[k]) {
			return false
		}
	}
	return true
}

// InternalTo writes into x, a solution in the system's ordering whose
// free periphery voltages are set, the voltages of the crossbar's
// internal nodes: one sparse solve.
func (r *Crossbar) InternalTo(x []float64) {
	if r.vfull == nil {
		r.vfull = make([]float64, len(r.pnode))
		r.xin = make([]float64, len(r.ix))
	}
	for p, nd := range r.pnode {
		if u := r.px[p]; u >= 0 {
			r.vfull[p] = x[u]
		} else {
			r.vfull[p] = r.lay.PinnedVoltage(nd)
		}
	}
	r.net.InternalTo(r.xin, r.vfull, r.work)
	for i, u := range r.ix {
		x[u] = r.xin[i]
	}
}

// Registry lets the solvers of systems that share the conductances of
// their wired crossbars (replicas of one circuit, as a trainer's workers
// and phases are) share the crossbars' Networks. The zero value is ready
// to use; it is safe for concurrent use.
type Registry struct {
	mu   sync.Mutex
	nets map[regKey]*Network
}

type regKey struct {
	g    *mat.Dense
	free string
}

// network returns the Network registered for g and free, made by build
// if there is none; with r nil it returns build().
func (r *Registry) network(g *mat.Dense, free []bool, build func() *Network) *Network {
	if r == nil {
		return build()
	}
	b := make([]byte, len(free))
	for i, f := range free {
		if f {
			b[i] = 1
		}
	}
	k := regKey{g, string(b)}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.nets[k]; ok {
		return n
	}
	if r.nets == nil {
		r.nets = map[regKey]*Network{}
	}
	n := build()
	r.nets[k] = n
	return n
}

// Network returns the network the crossbar is reduced by, which other
// systems' crossbars share through a Registry.
func (r *Crossbar) Network() *Network { return r.net }
