package solver

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

// scaler keeps the tolerances of the acceptance tests, made from the
// rounding-error scales the system reports (mna.System.ScalesTo).
type scaler struct {
	sys    *mna.System
	set    Settings
	minNVt float64 // smallest N*Vt of the diodes, V; 0 without diodes

	fs, us, rs, extra []float64 // scales of the residual rows and unknowns
	ftol, xtol        []float64 // per row of x
}

func newScaler(sys *mna.System, s Settings) *scaler {
	n := sys.Size()
	return &scaler{
		sys:    sys,
		set:    s,
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

// update computes the tolerances of every row at x: ftol for the
// residual, xtol for the update. gmin adds the current of a shunt
// conductance, capTerm (nil for DC) the scale of the capacitive currents
// of a time step, and capV (nil for DC) the largest voltage a capacitor
// couples into each node row.
func (sc *scaler) update(x []float64, gmin float64, capTerm, capV []float64) {
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
	s := sc.set
	for k := range sc.fs {
		if k < nf {
			vs := sc.us[k]
			if capTerm != nil {
				vs += capV[k]
			}
			sc.ftol[k] = s.CurrentTol + s.RelTol*sc.fs[k] + floorUlps*eps*sc.rs[k]
			sc.xtol[k] = s.VoltTol + s.RelTol*vs
			continue
		}
		sc.ftol[k] = s.VoltTol + s.RelTol*sc.fs[k]
		sc.xtol[k] = s.CurrentTol + s.RelTol*sc.us[k]
	}
}

// linearConductance returns, per free node row, the sum of the
// conductances of the resistors and crossbar entries at the node, in
// siemens.
func (sc *scaler) linearConductance() []float64 {
	g := make([]float64, sc.sys.NumFree())
	sc.sys.LinearConductanceTo(g)
	return g
}

// kclOK reports whether every residual meets its tolerance.
func (sc *scaler) kclOK(f []float64) bool { return within(f, sc.ftol) }

// updateOK reports whether every component of an update meets its tolerance.
func (sc *scaler) updateOK(d []float64) bool { return within(d, sc.xtol) }

// updateRatio returns the largest component of an update relative to its
// tolerance.
func (sc *scaler) updateRatio(d []float64) float64 {
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

// kclRatio returns the largest residual relative to its tolerance.
func (sc *scaler) kclRatio(f []float64) float64 {
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
