package mna

// This file holds the noise sources of a compiled system: every device
// that stamped a conductance carries thermal noise, every junction shot
// noise. The records Compile keeps are the one place that knows them; the
// transients' Langevin integration and the linearised noise model both
// read them from here.

import (
	"math"

	"github.com/eqsim/eqsim/circuit"

	"gonum.org/v1/gonum/mat"
)

// NoiseKind says what physical process makes a noise source.
type NoiseKind int

const (
	// Thermal is the Johnson-Nyquist noise of a conductance G at the
	// circuit's temperature T: a white current of one-sided power spectral
	// density 4kTG.
	Thermal NoiseKind = iota
	// Shot is the shot noise of a junction carrying the current I (its
	// Shockley current, without the Gmin in parallel, whose noise is
	// thermal): a white current of one-sided power spectral density 2q|I|,
	// as SPICE's noise analysis has it.
	Shot
)

func (k NoiseKind) String() string {
	if k == Shot {
		return "shot"
	}
	return "thermal"
}

// NoiseSource is a white noise current between the nodes with indices A
// and B (0 is ground; see System.Nodes). Its sign is arbitrary: a source
// is its own negative.
type NoiseSource struct {
	// Elem is the element whose device makes the noise.
	Elem string
	Kind NoiseKind
	A, B int
	// PSD is the one-sided power spectral density in A²/Hz: the current
	// i(t) has <i(t)i(t')> = PSD/2 * delta(t - t').
	PSD float64
}

// NoiseSources returns every noise source of the system at the state x,
// in element order: the thermal noise of every conductance (resistors,
// every cell and wire segment of a crossbar, trainable or not, the Gmin
// across every junction) and the shot noise of every junction at its
// current at x. Sources whose PSD is zero are left out, and so are those
// with both ends on one node or between two fixed nodes (ground or
// pinned), which the ideal sources short. Values are read anew at every call.
func (s *System) NoiseSources(x []float64) []NoiseSource {
	var out []NoiseSource
	s.eachNoise(x, true, true, func(elem string, k NoiseKind, a, b int, psd float64) {
		out = append(out, NoiseSource{Elem: elem, Kind: k, A: a, B: b, PSD: psd})
	})
	return out
}

// eachNoise calls f with every noise source of the system at x (x may be
// nil if shot is false): the thermal sources if thermal, the shot sources
// if shot, as NoiseSources describes them.
func (s *System) eachNoise(x []float64, thermal, shot bool, f func(elem string, k NoiseKind, a, b int, psd float64)) {
	kT4 := 4 * circuit.Boltzmann * s.temp
	if x != nil {
		s.load(x)
	}
	fixed := func(n int) bool { return s.unk[n] < 0 }
	emit := func(elem string, k NoiseKind, a, b int, psd float64) {
		if psd != 0 && a != b && !(fixed(a) && fixed(b)) {
			f(elem, k, a, b, psd)
		}
	}
	var ir, id, ix int // Compile keeps each kind of record in record order.
	for i := range s.recs {
		r := &s.recs[i]
		switch r.kind {
		case recConductance:
			c := s.res[ir]
			ir++
			if thermal {
				emit(r.elem, Thermal, c.a, c.b, kT4*math.Abs(*c.g))
			}
		case recJunction:
			d := s.diodes[id]
			id++
			if thermal {
				emit(r.elem, Thermal, d.a, d.k, kT4*circuit.Gmin)
			}
			if shot {
				v := s.v[d.a] - s.v[d.k]
				i, _ := d.j.Eval(v)
				emit(r.elem, Shot, d.a, d.k, 2*circuit.Charge*math.Abs(i-circuit.Gmin*v))
			}
		case recCrossbar:
			c := &s.cross[ix]
			ix++
			if !thermal {
				continue
			}
			data := c.x.G.RawMatrix()
			if c.r != nil {
				c.wires(func(a, b int, g float64) { emit(r.elem, Thermal, a, b, kT4*math.Abs(g)) })
				n := len(c.to)
				for k := range c.r {
					emit(r.elem, Thermal, c.r[k], c.c[k], kT4*math.Abs(data.Data[(k/n)*data.Stride+k%n]))
				}
				continue
			}
			for i, a := range c.from {
				row := data.Data[i*data.Stride : i*data.Stride+len(c.to)]
				for j, b := range c.to {
					emit(r.elem, Thermal, a, b, kT4*math.Abs(row[j]))
				}
			}
		}
	}
}

// Noise is the noise of a system gathered as a transient draws it: per
// free node, the noise that sources with one fixed terminal inject, summed
// (independent white currents add their spectral densities), and one
// entry per source between two free nodes. Build it with System.NoiseTo;
// Update follows the junctions' shot noise to another state.
type Noise struct {
	// Diag holds, per free node (by x index), the one-sided power spectral
	// density in A²/Hz of the current that the sources between it and a
	// fixed node inject.
	Diag []float64
	// Pairs are the sources between two free nodes.
	Pairs []NoisePair

	sys     *System
	thermal []float64 // Diag's thermal part
	nth     int       // Pairs[:nth] are thermal, Pairs[nth:] shot
	shots   []noiseShot
}

// NoisePair is a noise source of one-sided power spectral density PSD
// (A²/Hz) between the free nodes with x indices I and J.
type NoisePair struct {
	I, J int
	PSD  float64
}

// noiseShot is a junction with a free terminal: its diode, and where its
// shot noise goes (pair >= 0: Pairs[pair]; else Diag[free]).
type noiseShot struct {
	d, free, pair int
}

// NoiseTo gathers the noise of the system at the state x into dst,
// reusing its memory, and returns dst (a new Noise if dst is nil). x nil
// leaves the shot noise zero until Update. The conductances are read now:
// after changing any, call NoiseTo again.
func (s *System) NoiseTo(dst *Noise, x []float64) *Noise {
	if dst == nil {
		dst = &Noise{}
	}
	nf := len(s.free)
	dst.sys = s
	dst.thermal = resize(dst.thermal, nf)
	dst.Diag = resize(dst.Diag, nf)
	dst.Pairs = dst.Pairs[:0]
	dst.shots = dst.shots[:0]
	s.eachNoise(nil, true, false, func(_ string, _ NoiseKind, a, b int, psd float64) {
		ia, ib := s.unk[a], s.unk[b]
		switch {
		case ia >= 0 && ib >= 0:
			dst.Pairs = append(dst.Pairs, NoisePair{ia, ib, psd})
		case ia >= 0:
			dst.thermal[ia] += psd
		default:
			dst.thermal[ib] += psd
		}
	})
	dst.nth = len(dst.Pairs)
	for k, d := range s.diodes {
		ia, ib := s.unk[d.a], s.unk[d.k]
		switch {
		case ia >= 0 && ib >= 0:
			dst.shots = append(dst.shots, noiseShot{d: k, pair: len(dst.Pairs)})
			dst.Pairs = append(dst.Pairs, NoisePair{I: ia, J: ib})
		case ia >= 0:
			dst.shots = append(dst.shots, noiseShot{d: k, free: ia, pair: -1})
		case ib >= 0:
			dst.shots = append(dst.shots, noiseShot{d: k, free: ib, pair: -1})
		}
	}
	dst.Update(x)
	return dst
}

// resize returns a zeroed slice of n elements, reusing b's memory.
func resize(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// Update sets the shot noise of every junction to its value at the state
// x (len Size of the system; only the free node voltages are read), or to
// zero if x is nil; the thermal noise stays. It costs one junction
// evaluation per junction.
func (n *Noise) Update(x []float64) {
	copy(n.Diag, n.thermal)
	if len(n.shots) == 0 {
		return
	}
	s := n.sys
	if x != nil {
		s.load(x)
	}
	for _, sh := range n.shots {
		var psd float64
		if x != nil {
			d := s.diodes[sh.d]
			v := s.v[d.a] - s.v[d.k]
			i, _ := d.j.Eval(v)
			psd = 2 * circuit.Charge * math.Abs(i-circuit.Gmin*v)
		}
		if sh.pair >= 0 {
			n.Pairs[sh.pair].PSD = psd
		} else {
			n.Diag[sh.free] += psd
		}
	}
}

// Draws returns the number of standard normal numbers CurrentsTo reads.
func (n *Noise) Draws() int { return len(n.Diag) + len(n.Pairs) }

// CurrentsTo writes into dst (len NumFree, by x index) the noise currents
// in amperes into the free nodes for the standard normal numbers z (len
// Draws): Diag[k] contributes sqrt(scale*Diag[k])*z[k] into node k, pair p
// the current sqrt(scale*PSD)*z[len(Diag)+p] into node I and out of node
// J. The currents are Gaussian with covariance scale times the PSD matrix
// (MatrixTo). With scale = 1/(2h) they are the means over a time step of
// h seconds of white currents of the sources' one-sided spectral
// densities, the currents a Langevin step integrates.
func (n *Noise) CurrentsTo(dst, z []float64, scale float64) {
	nd := len(n.Diag)
	if len(dst) != nd || len(z) != n.Draws() {
		panic("mna: bad length for Noise.CurrentsTo")
	}
	for k, p := range n.Diag {
		dst[k] = math.Sqrt(scale*p) * z[k]
	}
	for k, p := range n.Pairs {
		c := math.Sqrt(scale*p.PSD) * z[nd+k]
		dst[p.I] += c
		dst[p.J] -= c
	}
}

// MatrixTo writes into dst, NumFree×NumFree, the one-sided power spectral
// density matrix in A²/Hz of the noise currents into the free nodes: the
// noise current vector i(t) has <i(t) i(t')ᵀ> = dst/2 * delta(t - t').
func (n *Noise) MatrixTo(dst *mat.SymDense) {
	nd := len(n.Diag)
	if dst.SymmetricDim() != nd {
		panic("mna: bad size for Noise.MatrixTo")
	}
	for i := range nd {
		for j := i; j < nd; j++ {
			dst.SetSym(i, j, 0)
		}
	}
	for k, p := range n.Diag {
		dst.SetSym(k, k, p)
	}
	for _, p := range n.Pairs {
		dst.SetSym(p.I, p.I, dst.At(p.I, p.I)+p.PSD)
		dst.SetSym(p.J, p.J, dst.At(p.J, p.J)+p.PSD)
		dst.SetSym(p.I, p.J, dst.At(p.I, p.J)-p.PSD)
	}
}
