// Package tolerance makes the acceptance tests of the general solvers'
// iterates (package solver's Settings): per row of the KCL residual and
// per unknown, an absolute tolerance plus a relative tolerance times the
// scale of the rounding errors that the compiled system reports
// (mna.System.ScalesTo), and a floor of a few ulps of the currents that
// meet at a node.
package tolerance

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Scaler keeps the tolerances of the acceptance tests of one system's
// iterates, made from the rounding-error scales the system reports
// (mna.System.ScalesTo). It is not safe for concurrent use.
type Scaler struct {
	sys            *mna.System
	volt, cur, rel float64
	minNVt         float64 // smallest N*Vt of the diodes, V; 0 without diodes

	fs, us, rs, extra []float64 // scales of the residual rows and unknowns
	ftol, xtol        []float64 // per row of x
}

// New returns the Scaler of sys with absolute voltage and current
// tolerances volt (V) and current (A) and relative tolerance rel.
func New(sys *mna.System, volt, current, rel float64) *Scaler {
	n := sys.Size()
	return &Scaler{
		sys:    sys,
		volt:   volt,
		cur:    current,
		rel:    rel,
		minNVt: sys.MinNVt(),
		fs:     make([]float64, n),
		us:     make([]float64, n),
		rs:     make([]float64, n),
		extra:  make([]float64, sys.NumFree()),
		ftol:   make([]float64, n),
		xtol:   make([]float64, n),
	}
}

// floorUlps is how many ulps of the rounding floor of a node's residual
// (mna.System.ScalesTo's r) its KCL tolerance allows at least: node
// voltages are only known to an ulp, so a conductance G across volts
// carries a current known to G*ulp(V) at best, however small the current.
const floorUlps = 8

// eps is the float64 machine epsilon, 2^-52.
const eps = 0x1p-52

// Update computes the tolerances of every row at x: ftol for the
// residual, xtol for the update. gmin adds the current of a shunt
// conductance, capTerm (nil for DC) the scale of the capacitive currents
// of a time step, and capV (nil for DC) the largest voltage a capacitor
// couples into each node row.
func (sc *Scaler) Update(x []float64, gmin float64, capTerm, capV []float64) {
	if len(x) == 0 {
		return
	}
	nf := len(sc.extra)
	for k := range nf {
		sc.extra[k] = gmin * math.Abs(x[k])
		if capTerm != nil {
			sc.extra[k] += capTerm[k]
		}
	}
	sc.sys.ScalesTo(sc.fs, sc.us, sc.rs, x, sc.extra)
	volt, cur, rel := sc.volt, sc.cur, sc.rel
	for k := range sc.fs {
		if k < nf {
			vs := sc.us[k]
			if capTerm != nil {
				vs += capV[k]
			}
			sc.ftol[k] = cur + rel*sc.fs[k] + floorUlps*eps*sc.rs[k]
			sc.xtol[k] = volt + rel*vs
			continue
		}
		sc.ftol[k] = volt + rel*sc.fs[k]
		sc.xtol[k] = cur + rel*sc.us[k]
	}
}

// LinearConductance returns, per free node row, the sum of the
// conductances of the resistors and crossbar entries at the node, in
// siemens.
func (sc *Scaler) LinearConductance() []float64 {
	g := make([]float64, sc.sys.NumFree())
	sc.sys.LinearConductanceTo(g)
	return g
}

// KCLOK reports whether every residual meets its tolerance.
func (sc *Scaler) KCLOK(f []float64) bool { return within(f, sc.ftol) }

// UpdateOK reports whether every component of an update meets its tolerance.
func (sc *Scaler) UpdateOK(d []float64) bool { return within(d, sc.xtol) }

// UpdateRatio returns the largest component of an update relative to its
// tolerance.
func (sc *Scaler) UpdateRatio(d []float64) float64 {
	var m float64
	for i, v := range d {
		r := math.Abs(v) / sc.xtol[i]
		if math.IsNaN(r) {
			return math.Inf(1)
		}
		m = math.Max(m, r)
	}
	return m
}

// KCLRatio returns the largest residual relative to its tolerance.
func (sc *Scaler) KCLRatio(f []float64) float64 {
	var m float64
	for i, v := range f {
		r := math.Abs(v) / sc.ftol[i]
		if math.IsNaN(r) {
			return math.Inf(1)
		}
		m = math.Max(m, r)
	}
	return m
}

func within(v, tol []float64) bool {
	for i, a := range v {
		if !(math.Abs(a) <= tol[i]) {
			return false
		}
	}
	return true
}

// MinNVt returns the smallest N*Vt in volts of the system's diodes, 0
// without diodes: the voltage scale on which junction conductances change.
func (sc *Scaler) MinNVt() float64 { return sc.minNVt }
