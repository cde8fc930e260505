package solver

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/reduce"
)

// This file holds the couplings of a layered network beyond the links
// between neighbouring blocks: lateral crossbars within a block, and
// crossbars with wire resistance, whose internal nodes are eliminated
// (package reduce) into a dense coupling of their free sides and a
// constant current from their pinned sides.

// wiredRed is a crossbar with wire resistance, reduced onto its periphery.
type wiredRed struct {
	w   *mna.Wired
	net *reduce.Network
	// per internal index, the x index; per periphery index, the node
	// index and the x index (-1 if pinned)
	ix       []int
	pnode, px []int
	free     []int // x indices of the free periphery nodes, in net's order
	pinned   []int // node indices of the pinned periphery nodes
	g        []float64
	vp, last []float64 // pinned voltages, and those c was computed from
	c        []float64 // per free periphery node: T·vp, A
	valid    bool
	driven   bool // a free periphery node is driven by an amplifier
	vfull    []float64
	xin      []float64
	err      error // of the last Update
}

// lateralBlocks reports, per block, whether lateral crossbars or wired
// crossbars couple its nodes to each other.
func lateralBlocks(lay *mna.Layering) []bool {
	has := make([]bool, len(lay.Blocks))
	for _, k := range lay.Laterals {
		has[lay.BlockOf[k.From[0]]] = true
	}
	for _, w := range lay.Wired {
		for _, side := range [][]int{w.From, w.To} {
			if side != nil {
				has[lay.BlockOf[side[0]]] = true
			}
		}
	}
	return has
}

// newWired sets up the reductions of the wired crossbars.
func (s *Layered) newWired() error {
	lay := s.lay
	for k := range lay.Wired {
		w := &lay.Wired[k]
		r := &wiredRed{w: w}
		peIdx := map[int]int{} // node index -> periphery index
		r.ix = append(append(r.ix, w.Rows...), w.Cols...)
		xin := make(map[int]int, len(r.ix)) // x index -> internal index
		for i, x := range r.ix {
			xin[x] = i
		}
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
		// The ends of the conductances are node indices: periphery nodes
		// by peIdx, internal nodes by their x index.
		var ea, eb []int
		var bad error
		idx := func(nd int) int {
			if p, ok := peIdx[nd]; ok {
				return len(r.ix) + p
			}
			i, ok := xin[lay.Unknown(nd)]
			if !ok && bad == nil {
				bad = fmt.Errorf("solver: wired crossbar %q: node %d is neither internal nor at its periphery", w.Name, nd)
			}
			return i
		}
		w.Conductances(func(a, b int, _ float64) {
			ea, eb = append(ea, idx(a)), append(eb, idx(b))
		})
		if bad != nil {
			return bad
		}
		r.net = reduce.New(len(r.ix), free, ea, eb)
		r.g = make([]float64, len(ea))
		r.vp, r.last = make([]float64, len(r.pinned)), make([]float64, len(r.pinned))
		r.c = make([]float64, len(r.free))
		s.wired = append(s.wired, r)
	}
	return nil
}

// couple adds m, the current in amperes leaving free node p per volt at
// free node q, to the folded Jacobian: in the folded unknowns it is
// m·gain(q)/gain(p) between the owners of p and q, in the block of p's
// owner (a lateral coupling) or between neighbouring blocks.
func (s *Layered) couple(p, q int, m float64) {
	lay := s.lay
	v := m * lay.Gain[q] / lay.Gain[p]
	bp, bq := s.blockPos[lay.BlockOf[p]], s.blockPos[lay.BlockOf[q]]
	b := &s.chain[bp[0]][bp[1]]
	pp, pq := lay.Pos[p], lay.Pos[q]
	switch bq[1] - bp[1] {
	case 0:
		b.w[pp*b.n+pq] += v
	case 1:
		b.upT[pq*b.n+pp] += v
	case -1:
		b.dn[pp*b.nprev+pq] += v
	default:
		panic("solver: coupling between blocks that are not neighbours")
	}
	if s.hasOff {
		s.koff[p] += m * s.off[q]
	}
}

// refreshCouplings adds the lateral crossbars and the reduced wired
// crossbars to the folded Jacobian. A lateral's conductance sums are in
// the layering's Conductance; its off-diagonal entries come here. A
// conductance between a node and itself carries no current.
func (s *Layered) refreshCouplings() {
	for _, k := range s.lay.Laterals {
		raw := k.G.RawMatrix()
		for i, p := range k.From {
			for j, q := range k.To {
				if p == q {
					continue
				}
				g := raw.Data[i*raw.Stride+j]
				s.couple(p, q, -g)
				s.couple(q, p, -g)
			}
		}
	}
	for _, r := range s.wired {
		n := 0
		r.w.Conductances(func(_, _ int, g float64) {
			r.g[n] = g
			n++
		})
		r.valid = false
		if r.err = r.net.Update(r.g); r.err != nil {
			continue
		}
		sm, _ := r.net.Coupling()
		nf := len(r.free)
		for f, p := range r.free {
			for f2, q := range r.free {
				s.couple(p, q, sm[f*nf+f2])
			}
		}
	}
}

// wiredCurrents adds to cur0 the currents the wired crossbars' pinned
// sides drive into their free sides, T·vp, taking the product again only
// when the pinned voltages or the conductances changed.
func (s *Layered) wiredCurrents() {
	for _, r := range s.wired {
		if r.err != nil || len(r.pinned) == 0 {
			continue
		}
		for k, nd := range r.pinned {
			r.vp[k] = s.lay.PinnedVoltage(nd)
		}
		if !r.valid || !sameBits(r.vp, r.last) {
			_, t := r.net.Coupling()
			np := len(r.pinned)
			for f := range r.free {
				row := t[f*np : (f+1)*np]
				c := 0.0
				for k, v := range r.vp {
					c += row[k] * v
				}
				r.c[f] = c
			}
			copy(r.last, r.vp)
			r.valid = true
		}
		for f, u := range r.free {
			s.cur0[u] += r.c[f]
		}
	}
}

func sameBits(a, b []float64) bool {
	for k, x := range a {
		if math.Float64bits(x) != math.Float64bits(b[k]) {
			return false
		}
	}
	return true
}

// rawCouplings adds to s.raw the currents that leave driven free nodes
// through lateral and wired crossbars, at s.vraw.
func (s *Layered) rawCouplings() {
	for k := range s.laterals {
		rl := &s.laterals[k]
		raw := rl.l.G.RawMatrix()
		for i, p := range rl.l.From {
			for j, q := range rl.l.To {
				if p == q {
					continue
				}
				g := raw.Data[i*raw.Stride+j]
				s.raw[p] -= g * s.vraw[q]
				s.raw[q] -= g * s.vraw[p]
			}
		}
	}
	for _, r := range s.wired {
		if !r.driven || r.err != nil {
			continue
		}
		sm, _ := r.net.Coupling()
		nf := len(r.free)
		for f, p := range r.free {
			i := r.c[f]
			for f2, q := range r.free {
				i += sm[f*nf+f2] * s.vraw[q]
			}
			s.raw[p] += i
		}
	}
}

// InternalTo writes into dst, a solution in the system's ordering whose
// free node voltages at the periphery of the wired crossbars are set (as
// SolveTo writes them), the voltages of the crossbars' internal nodes:
// one sparse solve per wired crossbar.
func (s *Layered) InternalTo(dst []float64) {
	for _, r := range s.wired {
		if r.err != nil {
			continue
		}
		if r.vfull == nil {
			r.vfull = make([]float64, len(r.pnode))
			r.xin = make([]float64, len(r.ix))
		}
		for p, nd := range r.pnode {
			if x := r.px[p]; x >= 0 {
				r.vfull[p] = dst[x]
			} else {
				r.vfull[p] = s.lay.PinnedVoltage(nd)
			}
		}
		r.net.InternalTo(r.xin, r.vfull)
		for i, x := range r.ix {
			dst[x] = r.xin[i]
		}
	}
}

// wiredErr returns the error of the first reduction that failed.
func (s *Layered) wiredErr() error {
	for _, r := range s.wired {
		if r.err != nil {
			return fmt.Errorf("solver: crossbar %q: %w", r.w.Name, r.err)
		}
	}
	return nil
}

// fullResidual returns the largest KCL residual of the whole system at x
// and the node where it occurs.
func (s *Layered) fullResidual(x []float64) (float64, string) {
	if len(s.ffull) != len(x) {
		s.ffull = make([]float64, len(x))
	}
	s.sys.Eval(s.ffull, nil, x, nil)
	return s.sys.ResidualNorm(s.ffull)
}

// lateralFlows adds to lc, for the nodes of lateral crossbars with a
// driven node, the sum of G times the far end's voltage over the
// crossbar's conductances at the node, with the free node voltages
// folded in x.
func (s *Layered) lateralFlows(lc, x []float64) {
	for k := range s.laterals {
		rl := &s.laterals[k]
		raw := rl.l.G.RawMatrix()
		volt := func(u int) float64 { return s.gain[u]*x[s.fidx[u]] + s.off[u] }
		for i, p := range rl.l.From {
			for j, q := range rl.l.To {
				if p == q {
					continue
				}
				g := raw.Data[i*raw.Stride+j]
				lc[p] += g * volt(q)
				lc[q] += g * volt(p)
			}
		}
	}
}
