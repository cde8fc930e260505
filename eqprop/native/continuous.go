package native

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"

	"github.com/eqsim/eqsim/eqprop"
)

// This file is continuous-time learning on a Network (eqprop.Learner): during a
// transient nudged phase every trainable conductance moves at
// dG/dt = -rate * d(dV²)/dt.
//
// The numerics. The rate is a total derivative, so over any interval the
// conductance moves by exactly -rate times the change of dV² across it,
// whatever the trajectory. The conductances are therefore updated after
// every accepted step of the transient (solver.TransientSettings.Adapt) by
// -rate*(dV(t_n+1)² - dV(t_n)²), the exact integral of the learning
// equation along the computed trajectory, and the solver reads them anew
// before the next step: the change acts on the dynamics with a lag of one
// step, an error of order rate*h per step that vanishes as the steps, which
// the solver's error control keeps short while the voltages move, or the
// rate shrink; and the steps telescope, so the phase's total change is
// -rate*(dV_end² - dV_start²) to rounding. Making the conductances state
// of the ODE instead would couple every conductance to its two nodes in
// the Newton matrix (dF/dG = dV, dG/dV = -2*rate*dV), which breaks the
// layered solver's block structure, for an accuracy the quasi-static
// regime of learning does not need. A conductance is held at 1e-15 S at
// least, so that no node is cut off.

// minLearnedG is the least conductance a learning phase leaves, S.
const minLearnedG = 1e-15

// RelaxLearning relaxes a nudged phase with learning conductances (see
// eqprop.Learner). It needs the transient method (Config.Dynamics) and a
// free phase before it. The phase runs on a copy of the circuit whose
// trainable conductances are its own, loaded with the programmed ones at
// its start, so that replicas relaxing in parallel do not see each
// other's changes; it starts from the free phase's end state, Measure
// then reads its end, and the next phase starts there.
func (n *Network) RelaxLearning(p eqprop.Phase, rates []float64, start, end *eqprop.Measurement) error {
	switch {
	case !n.cfg.Dynamics.IsTransient():
		return fmt.Errorf("eqprop: continuous learning needs the transient method")
	case p.Kind != eqprop.Nudged:
		panic("eqprop: RelaxLearning of a " + p.Kind.String() + " phase")
	case !n.relaxed:
		panic("eqprop: a nudged phase before the free phase")
	case len(rates) != len(n.blocks) || len(p.Target) != len(n.cfg.Outputs):
		panic("eqprop: RelaxLearning: bad lengths")
	}
	t := &n.time
	if t.learn == nil {
		if err := n.buildLearner(); err != nil {
			return err
		}
	}
	ps := t.learn
	copy(ps.input.Values, n.input.Values)
	ps.sys.UpdatePins()
	for k, tr := range t.private {
		g := make([]float64, n.blocks[k].Rows*n.blocks[k].Cols)
		n.train[k].ConductancesTo(g)
		tr.SetConductances(g)
	}
	ps.dc.Refresh()
	ps.drive.Set(p, n.vout)
	t.rates = append(t.rates[:0], rates...)
	// The phase starts where the free system stands.
	copy(ps.x, n.free.x)
	t.observeSides(ps, ps.x)
	ps.sys.VoltagesTo(ps.v, ps.x)
	n.readExact(start, ps)
	out, err := ps.run.Run(ps.x, ps.x, n.cfg.Dynamics.NudgeTime, func(_ float64, x []float64) bool {
		return n.learnStep(ps, x)
	})
	if err != nil {
		return err
	}
	// The steps' sum telescopes to the change of dV² from the start to
	// the last accepted step; the solver may have moved the state onto
	// the equilibrium since.
	if n.learnStep(ps, ps.x) {
		ps.dc.Refresh()
	}
	ps.sys.VoltagesTo(ps.v, ps.x)
	n.readExact(end, ps)
	copy(n.free.x, ps.x)
	t.cost.Add(eqprop.Cost{Time: out.Time, Energy: out.Energy})
	n.last = ps
	return nil
}

// buildLearner compiles the learning system: the free system's circuit
// with private copies of the trainable elements.
func (n *Network) buildLearner() error {
	c := n.base.Replica()
	t := &n.time
	t.private = t.private[:0]
	k := 0
	for i, e := range c.Elements {
		if k < len(n.train) && e == circuit.Element(n.train[k]) {
			cp, err := privateCopy(e)
			if err != nil {
				return fmt.Errorf("eqprop: copying %s for continuous learning: %w", e.Label(), err)
			}
			c.Elements[i] = cp
			t.private = append(t.private, cp.(circuit.Trainable))
			k++
		}
	}
	if k != len(n.train) {
		panic("eqprop: trainable elements out of order")
	}
	ps, err := n.buildFrom(c, false)
	if err != nil {
		return err
	}
	if ps.sys.Size() != n.free.sys.Size() {
		panic("eqprop: the learning system differs from the free one")
	}
	t.learn = ps
	t.va, t.vb = make([][]float64, len(n.blocks)), make([][]float64, len(n.blocks))
	for k, b := range n.blocks {
		t.va[k], t.vb[k] = make([]float64, b.Rows), make([]float64, b.Cols)
	}
	t.vnode = make([]float64, len(ps.sys.Nodes())+1)
	return nil
}

// privateCopy returns a copy of e that shares nothing with it, built
// from its card.
func privateCopy(e circuit.Element) (circuit.Element, error) {
	fs, err := e.Fields()
	if err != nil {
		return nil, err
	}
	a := circuit.NewArgs()
	for _, f := range fs {
		a.Set(f.Key, f.Value)
	}
	return e.Kind().Build(e.Label(), a)
}

// observeSides records the side voltages of every block at x.
func (t *timing) observeSides(ps *phaseSystem, x []float64) {
	ps.sys.VoltagesTo(t.vnode, x)
	for k := range t.va {
		for i, j := range ps.aIdx[k] {
			t.va[k][i] = t.vnode[j]
		}
		for i, j := range ps.bIdx[k] {
			t.vb[k][i] = t.vnode[j]
		}
	}
}

// learnStep moves every private conductance by -rate*(dV(x)² - dV²) from
// the side voltages of the last step to those at x, which it records. It
// reports whether a conductance changed.
func (n *Network) learnStep(ps *phaseSystem, x []float64) bool {
	t := &n.time
	ps.sys.VoltagesTo(t.vnode, x)
	changed := false
	for k, tr := range t.private {
		rate := t.rates[k]
		va, vb := t.va[k], t.vb[k]
		cols := len(vb)
		for i, ja := range ps.aIdx[k] {
			a1, a0 := t.vnode[ja], va[i]
			for j, jb := range ps.bIdx[k] {
				b1, b0 := t.vnode[jb], vb[j]
				// (a1-b1)² - (a0-b0)² without cancelling squares.
				d := (a1 - a0 - (b1 - b0)) * (a1 + a0 - (b1 + b0))
				if d == 0 || rate == 0 {
					continue
				}
				g := tr.Conductance(i*cols + j)
				*g = math.Max(*g-rate*d, minLearnedG)
				changed = true
			}
		}
	}
	t.observeSides(ps, x)
	return changed
}

// learned copies the conductances of block k at the end of the last
// learning phase into dst (for tests).
func (n *Network) learned(dst []float64, k int) { n.time.private[k].ConductancesTo(dst) }

// readExact writes the node voltages ps.v into m, as Measure reads them
// without a window or noise.
func (n *Network) readExact(m *eqprop.Measurement, ps *phaseSystem) {
	for k, i := range ps.outIdx {
		m.Outputs[k] = ps.v[i]
	}
	for k := range n.blocks {
		for i, j := range ps.aIdx[k] {
			m.A[k][i] = ps.v[j]
		}
		for i, j := range ps.bIdx[k] {
			m.B[k][i] = ps.v[j]
		}
	}
}
