package mna

import "math"

// ScalesTo writes the scales of the rounding errors of the residual and
// the unknowns at x, from which solvers make their tolerances (absolute
// tolerance + relative tolerance * scale):
//
//   - f[k] for each row k of the residual: for a node row the sum of the
//     magnitudes of the currents of the elements at the node, in amperes,
//     plus extra[k] if extra is not nil; for a branch row the sum of the
//     magnitudes of the voltages in the branch equation, in volts.
//   - u[k] for each unknown: for a node voltage |x[k]| in volts; for a
//     branch current the largest of |x[k]| and the current scales of the
//     branch's terminals other than ground (extra included), in amperes.
//
// f, u and x have Size elements, extra NumFree or none. Every element
// kind compiles to records whose currents this sums, so the scale of a
// new kind comes with its compiled form.
func (s *System) ScalesTo(f, u, r, x, extra []float64) {
	n := s.Size()
	if len(f) != n || len(u) != n || len(x) != n || r != nil && len(r) != n || extra != nil && len(extra) != len(s.free) {
		panic("circuit: bad length for ScalesTo")
	}
	s.load(x)
	v, gross, floor := s.v, s.gross, s.floor
	for i := range gross {
		gross[i], floor[i] = 0, 0
	}
	add := func(a, b int, i float64) {
		i = math.Abs(i)
		gross[a] += i
		gross[b] += i
	}
	// cond adds a conductance g between nodes a and b.
	cond := func(a, b int, g float64) {
		add(a, b, g*(v[a]-v[b]))
		if r != nil {
			fl := math.Abs(g) * (math.Abs(v[a]) + math.Abs(v[b]))
			floor[a] += fl
			floor[b] += fl
		}
	}
	for _, c := range s.res {
		cond(c.a, c.b, *c.g)
	}
	for _, d := range s.diodes {
		i, g := d.j.Eval(v[d.a] - v[d.k])
		add(d.a, d.k, i)
		if r != nil {
			fl := g * (math.Abs(v[d.a]) + math.Abs(v[d.k]))
			floor[d.a] += fl
			floor[d.k] += fl
		}
	}
	for _, c := range s.isrc {
		add(c.p, c.n, *c.i*s.srcScale)
	}
	for _, b := range s.branch {
		add(b.p, b.n, x[b.unk])
	}
	for _, c := range s.cccs {
		add(c.p, c.n, c.gain*x[c.branch])
	}
	for k := range s.cross {
		c := &s.cross[k]
		if c.r != nil {
			c.conductances(cond)
			continue
		}
		raw := c.x.G.RawMatrix()
		for i, a := range c.from {
			row := raw.Data[i*raw.Stride : i*raw.Stride+len(c.to)]
			va := v[a]
			var sum float64
			for j, b := range c.to {
				it := math.Abs(row[j] * (va - v[b]))
				sum += it
				gross[b] += it
			}
			gross[a] += sum
			if r != nil {
				aa := math.Abs(va)
				var fa float64
				for j, b := range c.to {
					fl := row[j] * (aa + math.Abs(v[b]))
					fa += fl
					floor[b] += fl
				}
				floor[a] += fa
			}
		}
	}
	for k, i := range s.free {
		if extra != nil {
			gross[i] += extra[k]
		}
		f[k] = gross[i]
		u[k] = math.Abs(x[k])
		if r != nil {
			r[k] = floor[i]
		}
	}
	for _, b := range s.branch {
		vs := math.Abs(v[b.p]) + math.Abs(v[b.n])
		switch {
		case b.v != nil:
			vs += math.Abs(*b.v * b.vscale * s.srcScale)
		case b.swing == 0 && b.rout == 0:
			vs += math.Abs(b.gain)*(math.Abs(v[b.cp])+math.Abs(v[b.cn])) + math.Abs(b.off*s.srcScale)
		default:
			// The output and what its rounding comes from: the control
			// voltages and the offset, by the output's slope.
			out, slope := b.out(v[b.cp]-v[b.cn], s.srcScale)
			vs += math.Abs(out) + math.Abs(slope)*(math.Abs(v[b.cp])+math.Abs(v[b.cn])+math.Abs(b.off*s.srcScale/b.gain)) +
				math.Abs(b.rout*x[b.unk])
		}
		f[b.unk] = vs
		if r != nil {
			r[b.unk] = 0
		}
		is := math.Abs(x[b.unk])
		if b.p != 0 {
			is = math.Max(is, gross[b.p])
		}
		if b.n != 0 {
			is = math.Max(is, gross[b.n])
		}
		u[b.unk] = is
	}
}

// LinearConductanceTo writes into dst, len NumFree, the sum of the
// conductances in siemens of the resistors, crossbar cells and wire
// segments at every free node.
func (s *System) LinearConductanceTo(dst []float64) {
	if len(dst) != len(s.free) {
		panic("circuit: bad length for LinearConductanceTo")
	}
	g := make([]float64, len(s.names))
	for _, r := range s.res {
		g[r.a] += *r.g
		g[r.b] += *r.g
	}
	for k := range s.cross {
		c := &s.cross[k]
		if c.r != nil {
			c.conductances(func(a, b int, v float64) {
				g[a] += v
				g[b] += v
			})
			continue
		}
		raw := c.x.G.RawMatrix()
		for i, a := range c.from {
			for j, b := range c.to {
				v := raw.Data[i*raw.Stride+j]
				g[a] += v
				g[b] += v
			}
		}
	}
	for k, i := range s.free {
		dst[k] = g[i]
	}
}

// MinNVt returns the smallest N*Vt in volts of the circuit's diodes at its
// temperature, or 0 if it has none: the voltage scale on which junction
// conductances change.
func (s *System) MinNVt() float64 {
	var m float64
	for _, d := range s.diodes {
		if m == 0 || d.j.NVt() < m {
			m = d.j.NVt()
		}
	}
	return m
}

// SetSourceScale multiplies the values of every independent source (voltage
// and current sources, inputs) and every amplifier offset by f in all that
// s computes from now on, and updates the pinned voltages. The circuit's
// elements are not changed. Newton's source stepping scales f from 0 to 1;
// a new System has f = 1, and f = 1 gives exactly the unscaled values.
func (s *System) SetSourceScale(f float64) {
	s.srcScale = f
	s.UpdatePins()
}

// conductances calls seg(a, b, g) for every two-terminal conductance of a
// crossbar with wire resistance: its wire segments of 1/WireR siemens and
// its cells' conductances between the row and column nodes (node indices
// a and b).
func (c *cCross) conductances(seg func(a, b int, g float64)) {
	raw := c.x.G.RawMatrix()
	n := len(c.to)
	c.wires(seg)
	for k := range c.r {
		seg(c.r[k], c.c[k], raw.Data[(k/n)*raw.Stride+k%n])
	}
}
