package noise

import (
	"math"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna/devices"

	"gonum.org/v1/gonum/mat"
)

// Kind says what physical process makes a noise source.
type Kind int

const (
	// Thermal is the Johnson-Nyquist noise of a conductance G at the
	// circuit's temperature T: a white current of one-sided power spectral
	// density 4kTG.
	Thermal Kind = iota
	// Shot is the shot noise of a junction carrying the current I (its
	// Shockley current, without the Gmin in parallel, whose noise is
	// thermal): a white current of one-sided power spectral density 2q|I|,
	// as SPICE's noise analysis has it.
	Shot
)

// String returns "thermal" or "shot".
func (k Kind) String() string {
	if k == Shot {
		return "shot"
	}
	return "thermal"
}

// Source is a white noise current between the nodes with indices A and B
// (0 is ground; see devices.List.Nodes). Its sign is arbitrary: a source
// is its own negative.
type Source struct {
	// Elem is the element whose device makes the noise.
	Elem string
	Kind Kind
	A, B int
	// PSD is the one-sided power spectral density in A²/Hz: the current
	// i(t) has <i(t)i(t')> = PSD/2 * delta(t - t').
	PSD float64
}

// Sources returns every noise source of the devices l at the state x,
// in element order: the thermal noise of every conductance (resistors,
// every cell and wire segment of a crossbar, trainable or not, the Gmin
// across every junction) and the shot noise of every junction at its
// current at x. Sources whose PSD is zero are left out, and so are those
// with both ends on one node or between two fixed nodes (ground or
// pinned), which the ideal sources short. Values are read anew at every call.
func Sources(l *devices.List, x []float64) []Source {
	var out []Source
	each(l, x, true, true, func(elem string, k Kind, a, b int, psd float64) {
		out = append(out, Source{Elem: elem, Kind: k, A: a, B: b, PSD: psd})
	})
	return out
}

// each calls f with every noise source of l at x (x may be nil if shot
// is false): the thermal sources if thermal, the shot sources if shot, as
// Sources describes them.
func each(l *devices.List, x []float64, thermal, shot bool, f func(elem string, k Kind, a, b int, psd float64)) {
	kT4 := 4 * circuit.Boltzmann * l.Temperature
	var v []float64
	if x != nil {
		v = l.Voltages(x)
	}
	emit := func(elem string, k Kind, a, b int, psd float64) {
		if psd != 0 && a != b && !(l.Fixed(a) && l.Fixed(b)) {
			f(elem, k, a, b, psd)
		}
	}
	for i := range l.Devices {
		d := &l.Devices[i]
		switch d.Kind {
		case devices.ConductanceKind:
			if thermal {
				emit(d.Elem, Thermal, d.A, d.B, kT4*math.Abs(*d.Value))
			}
		case devices.JunctionKind:
			if thermal {
				emit(d.Elem, Thermal, d.A, d.B, kT4*circuit.Gmin)
			}
			if shot {
				emit(d.Elem, Shot, d.A, d.B, shotPSD(d, v))
			}
		case devices.CrossbarKind:
			if thermal {
				d.Crossbar.Conductances(func(a, b int, g float64) { emit(d.Elem, Thermal, a, b, kT4*math.Abs(g)) })
			}
		}
	}
}

// shotPSD returns the one-sided power spectral density in A²/Hz of the
// shot noise of junction d at node voltages v.
func shotPSD(d *devices.Device, v []float64) float64 {
	vd := v[d.A] - v[d.B]
	i, _ := d.Junction.Eval(vd)
	return 2 * circuit.Charge * math.Abs(i-circuit.Gmin*vd)
}

// Set is the noise of a system gathered as a transient draws it: per
// free node, the noise that sources with one fixed terminal inject, summed
// (independent white currents add their spectral densities), and one
// entry per source between two free nodes. Build it with Gather; Update
// follows the junctions' shot noise to another state.
type Set struct {
	// Diag holds, per free node (by x index), the one-sided power spectral
	// density in A²/Hz of the current that the sources between it and a
	// fixed node inject.
	Diag []float64
	// Pairs are the sources between two free nodes.
	Pairs []Pair

	devs    *devices.List
	thermal []float64 // Diag's thermal part
	nth     int       // Pairs[:nth] are thermal, Pairs[nth:] shot
	shots   []junctionShot
}

// Pair is a noise source of one-sided power spectral density PSD (A²/Hz)
// between the free nodes with x indices I and J.
type Pair struct {
	I, J int
	PSD  float64
}

// junctionShot is a junction with a free terminal: its device index, and
// where its shot noise goes (pair >= 0: Pairs[pair]; else Diag[free]).
type junctionShot struct {
	d, free, pair int
}

// Gather gathers the noise of the devices l at the state x into dst,
// reusing its memory, and returns dst (a new Set if dst is nil). x nil
// leaves the shot noise zero until Update. The conductances are read now:
// after changing any, call Gather again.
func Gather(l *devices.List, dst *Set, x []float64) *Set {
	if dst == nil {
		dst = &Set{}
	}
	nf := l.NumFree
	dst.devs = l
	dst.thermal = resize(dst.thermal, nf)
	dst.Diag = resize(dst.Diag, nf)
	dst.Pairs = dst.Pairs[:0]
	dst.shots = dst.shots[:0]
	each(l, nil, true, false, func(_ string, _ Kind, a, b int, psd float64) {
		ia, ib := l.Unknown[a], l.Unknown[b]
		switch {
		case ia >= 0 && ib >= 0:
			dst.Pairs = append(dst.Pairs, Pair{ia, ib, psd})
		case ia >= 0:
			dst.thermal[ia] += psd
		default:
			dst.thermal[ib] += psd
		}
	})
	dst.nth = len(dst.Pairs)
	for k := range l.Devices {
		d := &l.Devices[k]
		if d.Kind != devices.JunctionKind {
			continue
		}
		ia, ib := l.Unknown[d.A], l.Unknown[d.B]
		switch {
		case ia >= 0 && ib >= 0:
			dst.shots = append(dst.shots, junctionShot{d: k, pair: len(dst.Pairs)})
			dst.Pairs = append(dst.Pairs, Pair{I: ia, J: ib})
		case ia >= 0:
			dst.shots = append(dst.shots, junctionShot{d: k, free: ia, pair: -1})
		case ib >= 0:
			dst.shots = append(dst.shots, junctionShot{d: k, free: ib, pair: -1})
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
func (n *Set) Update(x []float64) {
	copy(n.Diag, n.thermal)
	if len(n.shots) == 0 {
		return
	}
	var v []float64
	if x != nil {
		v = n.devs.Voltages(x)
	}
	for _, sh := range n.shots {
		var psd float64
		if x != nil {
			psd = shotPSD(&n.devs.Devices[sh.d], v)
		}
		if sh.pair >= 0 {
			n.Pairs[sh.pair].PSD = psd
		} else {
			n.Diag[sh.free] += psd
		}
	}
}

// Draws returns the number of standard normal numbers CurrentsTo reads.
func (n *Set) Draws() int { return len(n.Diag) + len(n.Pairs) }

// CurrentsTo writes into dst (len NumFree, by x index) the noise currents
// in amperes into the free nodes for the standard normal numbers z (len
// Draws): Diag[k] contributes sqrt(scale*Diag[k])*z[k] into node k, pair p
// the current sqrt(scale*PSD)*z[len(Diag)+p] into node I and out of node
// J. The currents are Gaussian with covariance scale times the PSD matrix
// (MatrixTo). With scale = 1/(2h) they are the means over a time step of
// h seconds of white currents of the sources' one-sided spectral
// densities, the currents a Langevin step integrates.
func (n *Set) CurrentsTo(dst, z []float64, scale float64) {
	nd := len(n.Diag)
	if len(dst) != nd || len(z) != n.Draws() {
		panic("noise: bad length for Set.CurrentsTo")
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
func (n *Set) MatrixTo(dst *mat.SymDense) {
	nd := len(n.Diag)
	if dst.SymmetricDim() != nd {
		panic("noise: bad size for Set.MatrixTo")
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
