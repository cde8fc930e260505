package circuittest

import (
	"math"

	"github.com/eqsim/eqsim/circuit"
)

// Constants of the reference junction, written out here rather than taken
// from package circuit so that a slip there shows up as a disagreement:
// CODATA 2014, as ngspice 39 uses them, and SPICE's gmin, EG and XTI.
const (
	boltzmann = 1.38064852e-23   // J/K
	charge    = 1.6021766208e-19 // C
	gmin      = 1e-12            // S
	eg        = 1.11             // eV
	xti       = 3.0
)

// DiodeCurrent returns the current in amperes, anode to cathode, through a
// diode of model m whose IS holds at tnom kelvin, at temp kelvin with v
// volts across it. It is computed from the formulas SPICE3 documents,
// independently of package circuit's junction code, so tests can check
// that code and the solvers against it:
//
//   - IS scaled to temp as SPICE does (EG = 1.11 eV, XTI = 3);
//   - Shockley's equation IS*(exp(v/(N*Vt)) - 1), Vt = k*temp/q;
//   - below v = -3*N*Vt SPICE3's reverse-bias form
//     -IS*(1 + (3*N*Vt/(e*v))^3);
//   - beyond v = 80*N*Vt the exponential continued linearly with its
//     slope there, as package circuit documents;
//   - plus gmin*v, gmin = 1e-12 S.
func DiodeCurrent(m circuit.DiodeModel, temp, tnom, v float64) float64 {
	vt := boltzmann * temp / charge
	is := m.IS
	if temp != tnom {
		is *= math.Exp((temp/tnom-1)*eg/(m.N*vt)) * math.Pow(temp/tnom, xti/m.N)
	}
	nvt := m.N * vt
	switch a := v / nvt; {
	case a > 80:
		e := math.Exp(80)
		return is*(e-1) + is*e/nvt*(v-80*nvt) + gmin*v
	case a < -3:
		r := 3 / (a * math.E)
		return -is*(1+r*r*r) + gmin*v
	default:
		return is*math.Expm1(a) + gmin*v
	}
}

// Bisect returns the root of the increasing function f on [lo, hi], found
// by bisection to the last bit: the closed forms of the tests (a diode
// and a resistor in series, a rectifier node) are scalar equations that it
// solves without any of the solvers under test.
func Bisect(f func(float64) float64, lo, hi float64) float64 {
	for range 2100 { // enough halvings to go from any float64 interval to adjacent floats
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if f(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo + (hi-lo)/2
}
