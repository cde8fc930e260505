package mna

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"

	"gonum.org/v1/gonum/mat"
)

// Circuit returns the circuit s was compiled from.
func (s *System) Circuit() *circuit.Circuit { return s.circuit }

// Size returns the number of unknowns: free node voltages then branch currents.
func (s *System) Size() int { return len(s.free) + s.nBranch }

// NumFree returns the number of free node voltages, the first entries of x.
func (s *System) NumFree() int { return len(s.free) }

// Nodes returns the names of all nodes but ground, in index order. Index i
// of the result is node index i+1.
func (s *System) Nodes() []string { return s.names[1:] }

// NodeIndex returns the index of the named node (ground is 0) and whether
// it exists.
func (s *System) NodeIndex(name string) (int, bool) {
	i, ok := s.index[name]
	return i, ok
}

// Unknown returns the index in x of the named free node's voltage or of
// the named element's branch current, or -1 if it has none (ground, a
// pinned node, an element without a branch current).
func (s *System) Unknown(name string) int {
	if i, ok := s.index[name]; ok {
		return s.unk[i]
	}
	if k, ok := s.branchOf[name]; ok {
		return k
	}
	return -1
}

// UnknownName returns the name of unknown k: a node name for a voltage, the
// element name for a branch current.
func (s *System) UnknownName(k int) string {
	if k < len(s.free) {
		return s.names[s.free[k]]
	}
	return s.branchEl[k-len(s.free)]
}

// IsPinned reports whether node i is held by independent sources.
func (s *System) IsPinned(i int) bool { return s.kind[i] == kindPinned }

// HasControlledSources reports whether the circuit has circuit.VCVS, circuit.CCCS or
// amplifiers, which make it non-reciprocal: it then has no co-content.
func (s *System) HasControlledSources() bool { return s.control }

// Temperature returns the circuit temperature in kelvin.
func (s *System) Temperature() float64 { return s.temp }

// VoltagesTo writes the voltage of every node (index 0 is ground) into dst
// for the unknowns x and returns it. dst must have len(Nodes())+1 elements
// or be nil.
func (s *System) VoltagesTo(dst, x []float64) []float64 {
	s.load(x)
	if dst == nil {
		dst = make([]float64, len(s.v))
	}
	if len(dst) != len(s.v) {
		panic("circuit: bad destination length")
	}
	copy(dst, s.v)
	return dst
}

// load sets s.v from x: pinned nodes keep their values, free nodes take x.
func (s *System) load(x []float64) {
	if len(x) != s.Size() {
		panic(fmt.Sprintf("circuit: len(x) = %d, want %d", len(x), s.Size()))
	}
	for k, i := range s.free {
		s.v[i] = x[k]
	}
	s.v[0] = 0
}

// Limiter holds the junction voltages of the previous Newton iterate so
// that Eval can limit them as SPICE's pnjlim does. A nil *Limiter turns
// limiting off.
type Limiter struct {
	vd      []float64
	init    bool
	initJct bool
}

// NewLimiter returns a limiter for s whose first call to Eval records the
// junction voltages without limiting them.
func (s *System) NewLimiter() *Limiter { return &Limiter{vd: make([]float64, len(s.diodes))} }

// Reset makes the next Eval record junction voltages without limiting.
func (l *Limiter) Reset() { l.init, l.initJct = false, false }

// InitJunctions makes the next Eval evaluate every junction biased beyond
// its critical voltage at that critical voltage, like SPICE's initial
// junction voltages, and record it. From a start that forward biases a
// junction by volts, Newton would otherwise come down the exponential by
// only about N*Vt an iteration.
func (l *Limiter) InitJunctions() { l.init, l.initJct = false, true }

// Eval writes the residual at x into f and, if jac is not nil, the Jacobian
// dF/dx into jac (which must be Size×Size; it is zeroed first). f must have
// Size elements.
//
// With lim not nil every diode is evaluated at its junction voltage limited
// against the previous call (SPICE's pnjlim) and linearised there: f is then
// the residual of the linearised companion circuit at x, and the Newton
// step from it lands where SPICE's would. Eval reports whether any junction
// was limited; when none was, f is the true residual.
func (s *System) Eval(f []float64, jac *mat.Dense, x []float64, lim *Limiter) (limited bool) {
	e := s.begin(f, x, lim)
	if jac != nil {
		n := s.Size()
		r, c := jac.Dims()
		if r != n || c != n {
			panic("circuit: bad Jacobian size")
		}
		jac.Zero()
		raw := jac.RawMatrix()
		e.jd, e.stride = raw.Data, raw.Stride
	}
	return s.evalAll(&e, f, x, lim)
}

// begin checks the arguments of an evaluation at x, loads x and returns
// the evaluation with its currents zeroed and no Jacobian.
func (s *System) begin(f, x []float64, lim *Limiter) evaluation {
	if len(f) != s.Size() {
		panic("circuit: bad residual length")
	}
	if lim != nil && len(lim.vd) != len(s.diodes) {
		panic("circuit: limiter from another system")
	}
	s.load(x)
	e := evaluation{v: s.v, cur: s.cur, unk: s.unk}
	clear(e.cur)
	return e
}

// evalAll runs the evaluation e at x: the currents into e.cur and f, and
// the Jacobian in e's form. It reports whether a junction was limited.
func (s *System) evalAll(e *evaluation, f, x []float64, lim *Limiter) (limited bool) {
	s.evalLinear(e)
	limited = s.evalJunctions(e, lim)
	s.evalBranches(e, f, x)
	for k, i := range s.free {
		f[k] = e.cur[i]
	}
	return limited
}

// evaluation is the state of one Eval: the node voltages, the currents
// leaving the nodes, and the Jacobian in one of three forms: dense (jd),
// sparse (sv, the values, with slots, where the h-th entry stamped goes),
// or its pattern (pat, recording the position of every entry stamped, in
// order). The order in which entries are stamped depends only on the
// structure of the system, never on values: that is what lets the h-th
// entry of one evaluation go where the h-th entry of the pattern went.
type evaluation struct {
	v, cur []float64
	unk    []int
	jd     []float64
	stride int
	sv     []float64
	slots  []int
	h      int
	pat    *pattern
}

// jac reports whether the evaluation stamps a Jacobian.
func (e *evaluation) jac() bool { return e.jd != nil || e.sv != nil || e.pat != nil }

// add adds g to the Jacobian entry (i, j), both unknown indices.
func (e *evaluation) add(i, j int, g float64) {
	switch {
	case e.jd != nil:
		e.jd[i*e.stride+j] += g
	case e.sv != nil:
		e.sv[e.slots[e.h]] += g
		e.h++
	case e.pat != nil:
		e.pat.rows = append(e.pat.rows, i)
		e.pat.cols = append(e.pat.cols, j)
	}
}

// stamp adds g to dF_a/dV_b where a and b are nodes.
func (e *evaluation) stamp(a, b int, g float64) {
	ia, ib := e.unk[a], e.unk[b]
	if ia >= 0 && ib >= 0 {
		e.add(ia, ib, g)
	}
}

// cond adds a conductance g between nodes a and b.
func (e *evaluation) cond(a, b int, g float64) {
	i := g * (e.v[a] - e.v[b])
	e.cur[a] += i
	e.cur[b] -= i
	if e.jac() {
		e.stamp(a, a, g)
		e.stamp(b, b, g)
		e.stamp(a, b, -g)
		e.stamp(b, a, -g)
	}
}

// evalLinear adds the currents and conductances of resistors and
// crossbars.
func (s *System) evalLinear(e *evaluation) {
	for _, r := range s.res {
		e.cond(r.a, r.b, *r.g)
	}
	v, cur, unk := e.v, e.cur, e.unk
	jac := e.jac()
	for _, c := range s.cross {
		data := c.x.G.RawMatrix()
		if c.r != nil {
			c.wires(e.cond)
			for k := range c.r {
				e.cond(c.r[k], c.c[k], data.Data[(k/len(c.to))*data.Stride+k%len(c.to)])
			}
			continue
		}
		for i, a := range c.from {
			row := data.Data[i*data.Stride : i*data.Stride+len(c.to)]
			va := v[a]
			ia := unk[a]
			var sumg, sumi float64
			for j, b := range c.to {
				g := row[j]
				it := g * (va - v[b])
				sumi += it
				sumg += g
				cur[b] -= it
				if jac {
					ib := unk[b]
					if ib >= 0 {
						e.add(ib, ib, g)
						if ia >= 0 {
							e.add(ib, ia, -g)
							e.add(ia, ib, -g)
						}
					}
				}
			}
			cur[a] += sumi
			if jac && ia >= 0 {
				e.add(ia, ia, sumg)
			}
		}
	}
}

// evalJunctions adds the diodes, each linearised at its junction voltage
// limited against lim (if not nil), and reports whether any was limited.
func (s *System) evalJunctions(e *evaluation, lim *Limiter) (limited bool) {
	v, unk := e.v, e.unk
	for k, d := range s.diodes {
		vd := v[d.a] - v[d.k]
		vl := vd
		// A junction between two pinned nodes touches no unknown: limiting
		// it would only hold back the convergence test.
		if lim != nil && (unk[d.a] >= 0 || unk[d.k] >= 0) {
			if lim.init {
				vl = d.j.Limit(vd, lim.vd[k])
			} else if lim.initJct && vd > d.j.VCrit() {
				vl = d.j.VCrit()
			}
			if vl != vd {
				limited = true
			}
			lim.vd[k] = vl
		}
		i, g := d.j.Eval(vl)
		i += g * (vd - vl)
		e.cur[d.a] += i
		e.cur[d.k] -= i
		e.stamp(d.a, d.a, g)
		e.stamp(d.k, d.k, g)
		e.stamp(d.a, d.k, -g)
		e.stamp(d.k, d.a, -g)
	}
	if lim != nil {
		lim.init, lim.initJct = true, false
	}
	return limited
}

// evalBranches adds the current sources, the branch currents and their
// equations (into f), and the CCCS.
func (s *System) evalBranches(e *evaluation, f, x []float64) {
	v, cur, unk := e.v, e.cur, e.unk
	jac := e.jac()
	for _, src := range s.isrc {
		i := *src.i * s.srcScale
		cur[src.p] += i
		cur[src.n] -= i
	}
	for _, b := range s.branch {
		ib := x[b.unk]
		cur[b.p] += ib
		cur[b.n] -= ib
		slope := b.gain
		switch {
		case b.v != nil:
			f[b.unk] = v[b.p] - v[b.n] - *b.v*b.vscale*s.srcScale
		case b.swing == 0 && b.rout == 0:
			f[b.unk] = v[b.p] - v[b.n] - b.gain*(v[b.cp]-v[b.cn]) - b.off*s.srcScale
		default:
			var out float64
			out, slope = b.out(v[b.cp]-v[b.cn], s.srcScale)
			f[b.unk] = v[b.p] - v[b.n] - out - b.rout*ib
			if jac {
				e.add(b.unk, b.unk, -b.rout)
			}
		}
		if jac {
			if k := unk[b.p]; k >= 0 {
				e.add(k, b.unk, 1)
				e.add(b.unk, k, 1)
			}
			if k := unk[b.n]; k >= 0 {
				e.add(k, b.unk, -1)
				e.add(b.unk, k, -1)
			}
			if b.v == nil {
				if k := unk[b.cp]; k >= 0 {
					e.add(b.unk, k, -slope)
				}
				if k := unk[b.cn]; k >= 0 {
					e.add(b.unk, k, slope)
				}
			}
		}
	}
	for _, c := range s.cccs {
		i := c.gain * x[c.branch]
		cur[c.p] += i
		cur[c.n] -= i
		if jac {
			if k := unk[c.p]; k >= 0 {
				e.add(k, c.branch, c.gain)
			}
			if k := unk[c.n]; k >= 0 {
				e.add(k, c.branch, -c.gain)
			}
		}
	}
}

// Currents returns, after Eval, the net current in amperes leaving each node
// through its elements (index 0 is ground). At a pinned node it is the
// current the pinning source delivers into the node.
func (s *System) Currents() []float64 { return s.cur }

// ResidualNorm returns the largest absolute KCL residual over the free nodes
// in amperes and the name of the node where it occurs, from f as written
// by Eval.
func (s *System) ResidualNorm(f []float64) (amps float64, node string) {
	for k := range s.free {
		if a := math.Abs(f[k]); a > amps || node == "" {
			amps, node = a, s.names[s.free[k]]
		}
	}
	return amps, node
}

// CoContent returns the co-content E at x in watts: the sum over resistors
// and crossbar conductances of G*dV^2/2, over diodes of the integral of
// their current, and over current sources of I*(V(p)-V(n)). Its gradient
// with respect to the free node voltages is the KCL residual. ok is false
// for circuits with controlled sources, which have no co-content.
// Voltage sources hold their constraint and add nothing.
func (s *System) CoContent(x []float64) (e float64, ok bool) {
	if s.control {
		return 0, false
	}
	s.load(x)
	v := s.v
	for _, r := range s.res {
		d := v[r.a] - v[r.b]
		e += *r.g * d * d / 2
	}
	for _, c := range s.cross {
		data := c.x.G.RawMatrix()
		if c.r != nil {
			c.wires(func(a, b int, g float64) {
				d := v[a] - v[b]
				e += g * d * d / 2
			})
			for k := range c.r {
				d := v[c.r[k]] - v[c.c[k]]
				e += data.Data[(k/len(c.to))*data.Stride+k%len(c.to)] * d * d / 2
			}
			continue
		}
		for i, a := range c.from {
			row := data.Data[i*data.Stride : i*data.Stride+len(c.to)]
			for j, b := range c.to {
				d := v[a] - v[b]
				e += row[j] * d * d / 2
			}
		}
	}
	for _, d := range s.diodes {
		e += d.j.CoContent(v[d.a] - v[d.k])
	}
	for _, src := range s.isrc {
		e += *src.i * (v[src.p] - v[src.n])
	}
	return e, true
}

// CapacitanceMatrixTo writes into dst, Size×Size, the capacitance matrix C
// in farads of the ODE C dx/dt = -F(x): capacitors stamped as conductances
// are, and every free node without a capacitor of its own gets the
// circuit's node capacitance to ground. Rows of branch currents are zero:
// their equations are algebraic.
func (s *System) CapacitanceMatrixTo(dst *mat.Dense) {
	n := s.Size()
	if r, c := dst.Dims(); r != n || c != n {
		panic("circuit: bad capacitance matrix size")
	}
	dst.Zero()
	has := make([]bool, len(s.names))
	for _, c := range s.caps {
		has[c.a], has[c.b] = true, true
		ia, ib := s.unk[c.a], s.unk[c.b]
		cv := *c.g
		if ia >= 0 {
			dst.Set(ia, ia, dst.At(ia, ia)+cv)
		}
		if ib >= 0 {
			dst.Set(ib, ib, dst.At(ib, ib)+cv)
		}
		if ia >= 0 && ib >= 0 {
			dst.Set(ia, ib, dst.At(ia, ib)-cv)
			dst.Set(ib, ia, dst.At(ib, ia)-cv)
		}
	}
	cn := s.circuit.Capacitance()
	for k, i := range s.free {
		if !has[i] {
			dst.Set(k, k, dst.At(k, k)+cn)
		}
	}
}

// Drop returns the voltage drop in volts across the named two-terminal
// element, V(Nodes[0]) - V(Nodes[1]), at x. It panics if there is no such
// element or it has no single drop (crossbars: use CrossbarDropsTo).
func (s *System) Drop(name string, x []float64) float64 {
	e, ok := s.elemIndex[name]
	if !ok {
		panic(fmt.Sprintf("circuit: no element %q", name))
	}
	t, ok := e.(circuit.TwoTerminal)
	if !ok {
		panic(fmt.Sprintf("circuit: element %q has no single drop", name))
	}
	nodes := t.Pair()
	s.load(x)
	return s.v[s.index[nodes[0]]] - s.v[s.index[nodes[1]]]
}

// CrossbarDropsTo writes into dst, len(From)×len(To), the drop
// V(From[i]) - V(To[j]) across every conductance of the named crossbar at x.
// For a crossbar with wire resistance these are the drops between its
// periphery nodes, as hardware measures them, not the drops across the
// devices (see CrossbarCellDropsTo).
func (s *System) CrossbarDropsTo(dst *mat.Dense, name string, x []float64) {
	c := s.crossbar(name)
	s.load(x)
	for i, a := range c.from {
		for j, b := range c.to {
			dst.Set(i, j, s.v[a]-s.v[b])
		}
	}
}

// CrossbarCellDropsTo writes into dst, len(From)×len(To), the drop across
// the device of every cell of the named crossbar at x: V(RowNode(i, j)) -
// V(ColNode(i, j)) for a crossbar with wire resistance, V(From[i]) -
// V(To[j]) (as CrossbarDropsTo) for ideal wires.
func (s *System) CrossbarCellDropsTo(dst *mat.Dense, name string, x []float64) {
	c := s.crossbar(name)
	if c.r == nil {
		s.CrossbarDropsTo(dst, name, x)
		return
	}
	s.load(x)
	n := len(c.to)
	for k := range c.r {
		dst.Set(k/n, k%n, s.v[c.r[k]]-s.v[c.c[k]])
	}
}

// crossbar returns the compiled crossbar of the given name, or panics.
func (s *System) crossbar(name string) *cCross {
	for k := range s.cross {
		if s.cross[k].x.Name == name {
			return &s.cross[k]
		}
	}
	panic(fmt.Sprintf("circuit: no crossbar %q", name))
}

// wires calls seg(a, b, g) for every wire segment of a crossbar with wire
// resistance: node indices a and b and the conductance g = 1/WireR in
// siemens.
func (c *cCross) wires(seg func(a, b int, g float64)) {
	g := 1 / c.x.WireR
	circuit.CrossbarWires(c.from, c.to, c.r, c.c, func(a, b int) { seg(a, b, g) })
}

// Element returns the named element, or nil.
func (s *System) Element(name string) circuit.Element { return s.elemIndex[name] }

// out returns the output stage's voltage of an amplifier channel (or
// VCVS) at control voltage vc, its offset scaled by srcScale, and its
// slope.
func (b *cBranch) out(vc, srcScale float64) (f, slope float64) {
	return circuit.AmplifierChannel{Gain: b.gain, Offset: b.off * srcScale, Swing: b.swing}.Out(vc)
}
