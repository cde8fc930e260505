package mna

// This file holds what transient solvers need of a compiled system beyond
// its residual: the capacitances of its ODE in sparse form, and the power
// its sources deliver at a state.

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Capacitance is one capacitance of a compiled system's ODE
// C dx/dt = -F(x): C farads between the free nodes with x indices I and J,
// or, when J is -1, between free node I and the fixed node with node index
// Fixed (0 for ground, or a pinned node), whose voltage the sources hold
// constant. Name is the capacitor's element name, empty for a node
// capacitance.
type Capacitance struct {
	Name  string
	I, J  int
	Fixed int
	C     float64
}

// Capacitances returns the capacitances of the system's ODE, the sparse
// form of CapacitanceMatrixTo: every capacitor with a free terminal, in
// element order, then, from every free node without a capacitor of its
// own, the circuit's node capacitance to ground. Capacitors between fixed
// nodes, whose voltage never changes, and capacitors with both ends on one
// node carry no current and are left out. Values are read anew at every
// call.
func (s *System) Capacitances() []Capacitance { return s.CapacitancesTo(nil) }

// CapacitancesTo is Capacitances appending to dst[:0], which it returns.
func (s *System) CapacitancesTo(dst []Capacitance) []Capacitance {
	out := dst[:0]
	has := make([]bool, len(s.names))
	k := 0 // Compile keeps the capacitors in record order.
	for i := range s.recs {
		r := &s.recs[i]
		if r.kind != recCapacitance {
			continue
		}
		c := s.caps[k]
		k++
		el := struct{ Name string }{r.elem}
		has[c.a], has[c.b] = true, true
		ia, ib := s.unk[c.a], s.unk[c.b]
		switch {
		case c.a == c.b:
		case ia >= 0 && ib >= 0:
			out = append(out, Capacitance{Name: el.Name, I: ia, J: ib, C: *c.g})
		case ia >= 0:
			out = append(out, Capacitance{Name: el.Name, I: ia, J: -1, Fixed: c.b, C: *c.g})
		case ib >= 0:
			out = append(out, Capacitance{Name: el.Name, I: ib, J: -1, Fixed: c.a, C: *c.g})
		}
	}
	cn := s.circuit.Capacitance()
	for k, i := range s.free {
		if !has[i] {
			out = append(out, Capacitance{I: k, J: -1, C: cn})
		}
	}
	return out
}

// Power is the power in watts that the sources of a circuit deliver to it.
type Power struct {
	// Sources is the power of the independent sources: voltage sources,
	// inputs and current sources.
	Sources float64
	// Controlled is the power of the controlled sources: amplifiers (each
	// channel's output and its backward mirror), VCVS and CCCS. Ideal
	// controlled sources need no supply; an amplifier on a chip draws
	// this power from its rails.
	Controlled float64
}

// Total returns Sources + Controlled, in watts. At an equilibrium it is the
// power the resistive elements (resistors, crossbars, diodes) dissipate.
func (p Power) Total() float64 { return p.Sources + p.Controlled }

// Power returns the power in watts that the sources deliver at x. A
// pinned node delivers its voltage times the current its elements draw
// from it, whichever chain of sources pins it: a voltage source between
// pinned nodes is counted in the sum over the nodes it pins. A floating
// voltage source, VCVS or amplifier channel delivers its voltage times its
// branch current (x's), a current source or CCCS its current times the
// voltage across it. Capacitive currents are not included: at an
// equilibrium there are none; a transient solver adds those of the
// capacitors with a pinned terminal.
func (s *System) Power(x []float64) Power { return s.power(x, nil) }

// power is Power with, if feed is not nil, the power of crossbar k taken
// from feed(k) where it reports ok.
func (s *System) power(x []float64, feed func(k int) (w float64, ok bool)) Power {
	s.load(x)
	v := s.v
	pinned := func(n int) bool { return s.kind[n] == kindPinned }
	var p Power
	// flow counts current i from node a through an element to node b.
	flow := func(a, b int, i float64) {
		if pinned(a) {
			p.Sources += v[a] * i
		}
		if pinned(b) {
			p.Sources -= v[b] * i
		}
	}
	for _, r := range s.res {
		flow(r.a, r.b, *r.g*(v[r.a]-v[r.b]))
	}
	for _, d := range s.diodes {
		i, _ := d.j.Eval(v[d.a] - v[d.k])
		flow(d.a, d.k, i)
	}
	for _, src := range s.isrc {
		i := *src.i
		flow(src.p, src.n, i)
		p.Sources += i * (v[src.n] - v[src.p])
	}
	for _, b := range s.branch {
		ib := x[b.unk]
		flow(b.p, b.n, ib)
		if b.v != nil {
			p.Sources -= (v[b.p] - v[b.n]) * ib
		} else {
			// An output resistance dissipates what its output stage
			// delivers beyond what reaches the terminals.
			p.Controlled -= (v[b.p] - v[b.n] - b.rout*ib) * ib
		}
	}
	for _, c := range s.cccs {
		i := c.gain * x[c.branch]
		flow(c.p, c.n, i)
		p.Controlled += i * (v[c.n] - v[c.p])
	}
	for k := range s.cross {
		if feed != nil {
			if w, ok := feed(k); ok {
				p.Sources += w
				continue
			}
		}
		c := &s.cross[k]
		data := c.x.G.RawMatrix()
		if c.r != nil {
			// Only the periphery can be pinned: cells and wires inside
			// are free nodes.
			c.wires(func(a, b int, g float64) { flow(a, b, g*(v[a]-v[b])) })
			continue
		}
		fromPinned, toPinned := false, false
		for _, a := range c.from {
			fromPinned = fromPinned || pinned(a)
		}
		for _, b := range c.to {
			toPinned = toPinned || pinned(b)
		}
		if !fromPinned && !toPinned {
			continue
		}
		if fromPinned != toPinned {
			p.Sources += s.feedPower(c, fromPinned)
			continue
		}
		for i, a := range c.from {
			row := data.Data[i*data.Stride : i*data.Stride+len(c.to)]
			va := v[a]
			for j, b := range c.to {
				flow(a, b, row[j]*(va-v[b]))
			}
		}
	}
	return p
}

// feedPower returns the power that the pinned nodes of one side of c
// (its From side if rows, else its To side; the other side has none)
// deliver into it: sum over pinned p of v(p) * sum over q of G(p,q)*(v(p) - v(q)),
// that is v(p)² times p's row sum less v(p) times the row's product with
// the other side's voltages: two matrix-vector products, where a loop over
// the cells would take several times as long on the crossbars from the
// inputs, which hold most of a large network's conductances.
func (s *System) feedPower(c *cCross, rows bool) float64 {
	pin, other := c.from, c.to
	tr := blas.NoTrans
	if !rows {
		pin, other, tr = c.to, c.from, blas.Trans
	}
	n, m := len(other), len(pin)
	if cap(s.pbuf) < 2*(n+m) {
		s.pbuf = make([]float64, 2*(n+m))
	}
	ones, vo := s.pbuf[:n], s.pbuf[n:2*n]
	sum, prod := s.pbuf[2*n:2*n+m], s.pbuf[2*n+m:2*(n+m)]
	for k, q := range other {
		ones[k], vo[k] = 1, s.v[q]
	}
	g := c.x.G.RawMatrix()
	blas64.Gemv(tr, 1, g, blas64.Vector{N: n, Inc: 1, Data: ones}, 0, blas64.Vector{N: m, Inc: 1, Data: sum})
	blas64.Gemv(tr, 1, g, blas64.Vector{N: n, Inc: 1, Data: vo}, 0, blas64.Vector{N: m, Inc: 1, Data: prod})
	var p float64
	for k, a := range pin {
		if s.kind[a] == kindPinned {
			va := s.v[a]
			p += va * (va*sum[k] - prod[k])
		}
	}
	return p
}

// SourcePowerTo writes into w (len NumFree, by x index) and wj
// (len(Junctions)) the weights of the power in watts that the independent
// sources deliver to the layered network, an affine function of the free
// node voltages V and the junction currents I (anode to cathode, amperes),
// and returns its constant part k:
//
//	P = k + sum over u of w[u]*V(u) + sum over j of wj[j]*I(j).
//
// P is System.Power's Sources at any state: the constant part holds what
// the elements between fixed nodes dissipate and what the crossbars from
// the inputs would draw with every free node at 0 V. The sources' values
// are read anew, as by PinnedTo. Each crossbar from pinned nodes costs a
// matrix-vector product, two if its pinned voltages changed since
// PinnedTo. SourcePowerTo panics if a length is wrong.
func (l *Layering) SourcePowerTo(w, wj []float64) (k float64) {
	if len(w) != len(l.cond) || len(wj) != len(l.Junctions) {
		panic("circuit: bad length for SourcePowerTo")
	}
	s := l.sys
	s.UpdatePins()
	v := s.v
	clear(w)
	for i := range l.feeds {
		f := &l.feeds[i]
		pv, sq := f.v, make([]float64, len(f.pinned))
		for k, node := range f.pinned {
			pv[k] = v[node]
			sq[k] = pv[k] * pv[k]
		}
		tr := blas.NoTrans
		if f.rows {
			tr = blas.Trans
		}
		// Pinned node p delivers V(p)*G*(V(p) - V(u)) into the cell to
		// free node u: G*V(p)^2 summed is constant, G*V(p) summed over p
		// is the crossbar's product with the pinned voltages, which
		// PinnedTo keeps.
		g := f.g.RawMatrix()
		c := f.c
		if !f.unchanged(pv) {
			c = make([]float64, len(f.free))
			blas64.Gemv(tr, 1, g, blas64.Vector{N: len(pv), Inc: 1, Data: pv}, 0, blas64.Vector{N: len(c), Inc: 1, Data: c})
		}
		for j, u := range f.free {
			w[u] -= c[j]
		}
		c = make([]float64, len(f.free))
		blas64.Gemv(tr, 1, g, blas64.Vector{N: len(sq), Inc: 1, Data: sq}, 0, blas64.Vector{N: len(c), Inc: 1, Data: c})
		for _, x := range c {
			k += x
		}
	}
	for _, d := range l.loads {
		vp := v[d.pin]
		k += *d.g * vp * vp
		w[d.u] -= *d.g * vp
	}
	for j := range l.Junctions {
		// The current leaves the pinned terminal into the diode if that
		// terminal is the anode.
		vp := v[l.Junctions[j].pin]
		if l.Junctions[j].Anode {
			wj[j] = -vp
		} else {
			wj[j] = vp
		}
	}
	for _, src := range l.srcs {
		// The source delivers I*(V(n) - V(p)); a pinned terminal delivers
		// what the source draws from it, which cancels its part of that.
		i := *src.i
		if u := s.unk[src.p]; u >= 0 {
			w[u] -= i
		}
		if u := s.unk[src.n]; u >= 0 {
			w[u] += i
		}
	}
	// Elements between fixed nodes dissipate what the sources deliver to
	// them.
	fixed := func(n int) bool { return s.unk[n] < 0 }
	for _, r := range s.res {
		if fixed(r.a) && fixed(r.b) {
			d := v[r.a] - v[r.b]
			k += *r.g * d * d
		}
	}
	for _, dd := range s.diodes {
		if fixed(dd.a) && fixed(dd.k) {
			d := v[dd.a] - v[dd.k]
			i, _ := dd.j.Eval(d)
			k += i * d
		}
	}
	for ci := range s.cross {
		c := &s.cross[ci]
		all := true
		for _, n := range c.from {
			all = all && fixed(n)
		}
		for _, n := range c.to {
			all = all && fixed(n)
		}
		if !all {
			continue
		}
		data := c.x.G.RawMatrix()
		for i, a := range c.from {
			for j, b := range c.to {
				d := v[a] - v[b]
				k += data.Data[i*data.Stride+j] * d * d
			}
		}
	}
	return k
}
