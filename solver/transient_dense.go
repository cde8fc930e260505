package solver

import (
	"github.com/eqsim/eqsim/circuit/mna"
)

// denseODE is the ODE of a whole system for Transient: its state is the
// system's unknowns, and each stage is a Newton run of the engine on the
// dense Jacobian.
type denseODE struct {
	e       *engine
	maxIter int
	// pinnedCaps are the capacitors from a free node to a pinned node:
	// the pinned node's sources deliver their current.
	pinnedCaps []pinnedCap
	rhs, sol   []float64
	obs        func(t float64, x []float64)
	adapt      func(t float64, x []float64) bool
	noise      *mna.Noise // nil until the first draw
	z          []float64  // the draws of one step
}

// pinnedCap is a capacitance of c farads between free node i and a pinned
// node held at v volts.
type pinnedCap struct {
	i    int
	c, v float64
}

func newDenseODE(e *engine, ts *TransientSettings) *denseODE {
	e.caps = capacitors(e.sys)
	m := &denseODE{e: e, maxIter: ts.MaxIterations, rhs: make([]float64, e.n), sol: make([]float64, e.n), obs: ts.Observe, adapt: ts.Adapt}
	v := e.sys.VoltagesTo(nil, make([]float64, e.n))
	for _, c := range e.sys.Capacitances() {
		if c.J < 0 && c.Fixed != 0 {
			m.pinnedCaps = append(m.pinnedCaps, pinnedCap{i: c.I, c: c.C, v: v[c.Fixed]})
		}
	}
	return m
}

func (m *denseODE) Size() int                   { return m.e.n }
func (m *denseODE) NDiff() int                  { return m.e.nf }
func (m *denseODE) NodeMap() ([]int, []float64) { return nil, nil }

func (m *denseODE) ShortestTau(x []float64) float64 { return m.e.shortestTau(x) }

// stage runs Newton on the stage's equation. The first stage of a
// transient starts the junctions at their critical voltage: a start that
// forward biases one by volts would take an iteration per N*Vt to come
// down. Later stages start from consistent junction voltages. A stage that
// fails tries the other way, then backtracking without limiting, with a
// larger budget.
func (m *denseODE) Stage(x, xn, delta, hist []float64, alpha float64, first bool) Status {
	e := m.e
	var st Status
	for _, o := range []runOpts{
		{limit: true, init: first},
		{limit: true, init: !first, iters: fallbackFactor * m.maxIter},
		{search: true, iters: fallbackFactor * m.maxIter},
	} {
		o.invh, o.xold, o.hist = alpha, xn, hist
		copy(e.delta, delta)
		copy(x[e.nf:], xn[e.nf:])
		if st = e.run(x, o); st == Converged {
			copy(delta, e.delta[:e.nf])
			return st
		}
	}
	return st
}

func (m *denseODE) CapMul(dst, v []float64) {
	clear(dst)
	for _, c := range m.e.caps {
		if c.j < 0 {
			dst[c.i] += c.c * v[c.i]
			continue
		}
		q := c.c * (v[c.i] - v[c.j])
		dst[c.i] += q
		dst[c.j] -= q
	}
}

func (m *denseODE) Filter(v []float64, alpha float64) bool {
	e := m.e
	clear(m.rhs)
	m.CapMul(m.rhs[:e.nf], v)
	for i := range e.nf {
		m.rhs[i] *= alpha
	}
	if !e.jac.Solve(m.sol, m.rhs) {
		return false
	}
	copy(v, m.sol[:e.nf])
	return true
}

func (m *denseODE) Steady(x, _ []float64) bool { return m.e.steady(x) }

func (m *denseODE) Power(x, xdot []float64) mna.Power {
	p := m.e.sys.Power(x)
	for _, c := range m.pinnedCaps {
		// The pinned node delivers the current C*d(V(pin) - V(i))/dt.
		p.Sources -= c.v * c.c * xdot[c.i]
	}
	return p
}

// Observe passes x to the caller's Observe and Adapt. The engine reads
// the conductances through the circuit's pointers at every evaluation, so
// what Adapt changes acts from the next stage on.
func (m *denseODE) Observe(t float64, x, _ []float64) {
	if m.obs != nil {
		m.obs(t, x)
	}
	if m.adapt != nil {
		m.adapt(t, x)
	}
}
