package layered

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
func (s *Solver) newWired(reg *reduce.Registry) error {
	for k := range s.lay.Wired {
		r, err := reduce.NewCrossbar(s.lay, &s.lay.Wired[k], reg)
		if err != nil {
			return err
		}
		s.wired = append(s.wired, r)
	}
	return nil
}

// couple adds m, the current in amperes leaving free node p per volt at
// free node q, to the folded Jacobian: in the folded unknowns it is
// m·gain(q)/gain(p) between the owners of p and q, in the block of p's
// owner (a lateral coupling) or between neighbouring blocks.
func (s *Solver) couple(p, q int, m float64) {
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
func (s *Solver) refreshCouplings() {
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
		if r.Update() != nil {
			continue
		}
		sm, free := r.Coupling(), r.Free()
		nf := len(free)
		for f, p := range free {
			for f2, q := range free {
				s.couple(p, q, sm[f*nf+f2])
			}
		}
	}
}

// wiredCurrents adds to cur0 the currents the wired crossbars' pinned
// sides drive into their free sides.
func (s *Solver) wiredCurrents() {
	for _, r := range s.wired {
		if r.Err() != nil {
			continue
		}
		for f, i := range r.PinnedCurrents() {
			s.cur0[r.Free()[f]] += i
		}
	}
}

// rawCouplings adds to s.raw the currents that leave driven free nodes
// through lateral and wired crossbars, at s.vraw.
func (s *Solver) rawCouplings() {
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
		if !r.Driven() || r.Err() != nil {
			continue
		}
		sm, free, c := r.Coupling(), r.Free(), r.PinnedCurrents()
		nf := len(free)
		for f, p := range free {
			i := c[f]
			for f2, q := range free {
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
func (s *Solver) InternalTo(dst []float64) {
	for _, r := range s.wired {
		if r.Err() == nil {
			r.InternalTo(dst)
		}
	}
}

// wiredErr returns the error of the first reduction that failed.
func (s *Solver) wiredErr() error {
	for _, r := range s.wired {
		if err := r.Err(); err != nil {
			return fmt.Errorf("solver: %w", err)
		}
	}
	return nil
}

// fullResidual returns the largest KCL residual of the whole system at x
// and the node where it occurs.
func (s *Solver) fullResidual(x []float64) (float64, string) {
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
func (s *Solver) lateralFlows(lc, x []float64) {
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

// Power returns the power in watts that the sources deliver at x, a
// solution SolveTo wrote (mna.Layering.Power), with the share of each
// wired crossbar's pinned side taken from its reduction: x need not hold
// the internal voltages (Settings.SkipInternal).
func (s *Solver) Power(x []float64) mna.Power {
	if len(s.wired) == 0 {
		return s.lay.Power(x)
	}
	if len(s.wpow) != len(s.wired) {
		s.wpow = make([]float64, len(s.wired))
	}
	for k, r := range s.wired {
		s.wpow[k] = math.NaN() // a failed reduction has no power
		if r.Err() == nil {
			s.wpow[k] = r.PinnedPower(x)
		}
	}
	return s.lay.ReducedPower(x, s.wpow)
}
