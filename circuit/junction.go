package circuit

import "math"

// Physical constants as ngspice uses them, so that thermal voltages agree
// with ngspice to the last digit.
const (
	// Boltzmann is Boltzmann's constant in joules per kelvin.
	Boltzmann = 1.38064852e-23
	// Charge is the elementary charge in coulombs.
	Charge = 1.6021766208e-19
)

// DiodeModel is the Shockley junction
//
//	i = IS*(exp(v/(N*Vt)) - 1) + Gmin*v,
//
// with Vt = k*T/q the thermal voltage at the circuit temperature. Below
// v = -3*N*Vt the current follows SPICE3's (and ngspice's) reverse-bias form
// i = -IS*(1 + (3*N*Vt/(e*v))^3) + Gmin*v, which meets Shockley's with its
// slope and differs from it by at most 0.4% of IS; it keeps eqsim within
// rounding of ngspice for leaky diodes at high-impedance nodes. IS holds at
// the circuit's nominal temperature and is scaled to its temperature as
// SPICE does (see SaturationCurrent and Circuit.TNom).
//
// Two parameters of SPICE's diode make it a real part; both are off at
// their zero value, which leaves the junction above exactly as it is.
// BV > 0 adds reverse breakdown as ngspice 39 computes it: below v = -XBV
// (and -3*N*Vt) the current is i = -IS*exp(-(XBV + v)/(N*Vt)) + Gmin*v,
// where XBV, a little less than BV, makes the current at v = -BV about
// IBV (see BreakdownVoltage). RS > 0 puts a series resistance of RS ohms
// between the anode and the junction: the diode's current i at a voltage
// v across it solves v = vj + RS*i(vj), with i(vj) the junction's current
// above at the junction voltage vj. Neither depends on the temperature
// (SPICE's TBV1, TRS1 are 0), nor does IBV.
type DiodeModel struct {
	// Name is the model's name in the netlist.
	Name string
	// IS is the saturation current in amperes (SPICE default 1e-14).
	IS float64
	// N is the emission coefficient, dimensionless (default 1).
	N float64
	// RS is the series resistance in ohms; 0 means none (SPICE's
	// default).
	RS float64
	// BV is the reverse breakdown voltage in volts, positive; 0 means
	// no breakdown (SPICE's default).
	BV float64
	// IBV is the current in amperes at which the reverse voltage
	// reaches BV; 0 means SPICE's default, DefaultIBV. It matters only
	// with BV.
	IBV float64
}

// DefaultIBV is SPICE's default breakdown current IBV in amperes.
const DefaultIBV = 1e-3

// ThermalVoltage returns kT/q in volts at temperature t in kelvin.
func ThermalVoltage(t float64) float64 { return Boltzmann * t / Charge }

// maxExpArg bounds the exponent of the junction equation; beyond it the
// current continues linearly so that no evaluation overflows. Equilibria of
// sane circuits never reach it (it is a current of IS*e^80).
const maxExpArg = 80

// Temperature parameters of SPICE's diode, which eqsim's diodes have.
const (
	// DiodeEG is the activation energy in electronvolts (SPICE's EG,
	// default 1.11 eV, silicon).
	DiodeEG = 1.11
	// DiodeXTI is the saturation current's temperature exponent (SPICE's
	// XTI, default 3).
	DiodeXTI = 3.0
)

// SaturationCurrent returns the saturation current in amperes at
// temperature temp of a diode whose IS was measured at tnom (both in
// kelvin), as SPICE3 and ngspice scale it (ngspice's DIOtemp, with EG =
// DiodeEG and XTI = DiodeXTI):
//
//	IS(T) = IS * exp((T/Tnom - 1)*EG/(N*Vt) + XTI/N*ln(T/Tnom)),  Vt = k*T/q.
//
// It returns m.IS exactly when temp == tnom.
func (m DiodeModel) SaturationCurrent(temp, tnom float64) float64 {
	if temp == tnom {
		return m.IS
	}
	vte := m.N * ThermalVoltage(temp)
	arg1 := (temp/tnom - 1) * DiodeEG / vte
	arg2 := DiodeXTI / m.N * math.Log(temp/tnom)
	return m.IS * math.Exp(arg1+arg2)
}

// AtTemperature returns m with IS scaled from tnom to temp kelvin (see
// SaturationCurrent).
func (m DiodeModel) AtTemperature(temp, tnom float64) DiodeModel {
	m.IS = m.SaturationCurrent(temp, tnom)
	return m
}

// Junction is a diode junction at a temperature: what the solvers
// evaluate. The zero value is not usable; make one with
// DiodeModel.Junction.
type Junction struct {
	is    float64 // A
	nvt   float64 // N*Vt, V
	vcrit float64 // V, SPICE's critical voltage for limiting
	// xbv is the voltage at which breakdown starts (SPICE's tBrkdwnV,
	// see BreakdownVoltage), 0 for none; breakdown acts below
	// -max(xbv, 3*nvt).
	xbv float64
	rs  float64 // series resistance, ohms; 0 for none
}

// Junction returns the junction of a diode of model m at temperature temp
// kelvin, its saturation current scaled from the nominal temperature tnom
// (see SaturationCurrent).
func (m DiodeModel) Junction(temp, tnom float64) Junction {
	return newJunction(m.AtTemperature(temp, tnom), temp)
}

// newJunction returns the junction of model m at temperature temp kelvin,
// with m's parameters as given.
func newJunction(m DiodeModel, temp float64) Junction {
	vt := ThermalVoltage(temp)
	nvt := m.N * vt
	j := Junction{is: m.IS, nvt: nvt, vcrit: nvt * math.Log(nvt/(math.Sqrt2*m.IS)), rs: m.RS}
	if m.BV > 0 {
		j.xbv = BreakdownVoltage(m.BV, m.ibv(), m.IS, vt, nvt)
	}
	return j
}

// ibv returns the model's breakdown current, DefaultIBV if IBV is 0.
func (m DiodeModel) ibv() float64 {
	if m.IBV == 0 {
		return DefaultIBV
	}
	return m.IBV
}

// NVt returns N*Vt in volts, the voltage scale of the junction.
func (j Junction) NVt() float64 { return j.nvt }

// IS returns the saturation current in amperes.
func (j Junction) IS() float64 { return j.is }

// VCrit returns SPICE's critical voltage in volts, above which Newton
// updates are limited.
func (j Junction) VCrit() float64 { return j.vcrit }

// Series returns the series resistance in ohms, 0 if there is none.
func (j Junction) Series() float64 { return j.rs }

// Eval returns the current in amperes (anode to cathode, gmin included)
// and the conductance di/dv in siemens of the diode at v volts across it,
// its series resistance included.
func (j Junction) Eval(v float64) (i, g float64) {
	if j.rs != 0 {
		_, i, g = j.series(v)
		return i, g / (1 + j.rs*g)
	}
	return j.eval(v)
}

// eval returns the current and conductance of the junction itself at
// junction voltage v.
func (j Junction) eval(v float64) (i, g float64) {
	a := v / j.nvt
	if a > maxExpArg {
		e := math.Exp(maxExpArg)
		gd := j.is * e / j.nvt
		return j.is*(e-1) + gd*(v-maxExpArg*j.nvt) + Gmin*v, gd + Gmin
	}
	if a < -3 {
		if j.xbv != 0 && v < -j.xbv {
			return j.breakdown(v)
		}
		// SPICE3's reverse-bias form, as ngspice's: it meets Shockley's
		// with its slope at -3*N*Vt and differs from it by at most 0.4%
		// of IS, but using it makes eqsim agree with ngspice exactly.
		r := 3 / (a * math.E)
		r = r * r * r
		return -j.is*(1+r) + Gmin*v, 3*j.is*r/v + Gmin
	}
	e := math.Exp(a)
	return j.is*(e-1) + Gmin*v, j.is*e/j.nvt + Gmin
}

// CoContent returns the integral of the diode's current from 0 to v
// volts across it, in watts.
func (j Junction) CoContent(v float64) float64 {
	if j.rs != 0 {
		// v = vj + RS*i: the integral of i dv is that of i dvj plus
		// RS*i^2/2.
		vj, i, _ := j.series(v)
		return j.coContent(vj) + j.rs*i*i/2
	}
	return j.coContent(v)
}

// coContent is CoContent of the junction itself at junction voltage v.
func (j Junction) coContent(v float64) float64 {
	a := v / j.nvt
	if a > maxExpArg {
		e := math.Exp(maxExpArg)
		v0 := maxExpArg * j.nvt
		gd := j.is * e / j.nvt
		i0 := j.is * (e - 1)
		return j.is*(j.nvt*(e-1)-v0) + i0*(v-v0) + gd*(v-v0)*(v-v0)/2 + Gmin*v*v/2
	}
	if a < -3 {
		// Shockley's integral up to v0 = -3*N*Vt, then SPICE3's reverse
		// current -IS*(1 + K/u^3), K = (3*N*Vt/e)^3, from v0 to v.
		v0 := -3 * j.nvt
		k := 3 * j.nvt / math.E
		k = k * k * k
		rev := func(v float64) float64 { return -j.is*(v-v0) + j.is*k/2*(1/(v*v)-1/(v0*v0)) }
		c := j.is*(j.nvt*math.Expm1(-3)-v0) + Gmin*v*v/2
		if w := -math.Max(j.xbv, 3*j.nvt); j.xbv != 0 && v < w {
			return c + rev(w) + j.breakdownIntegral(w, v)
		}
		return c + rev(v)
	}
	return j.is*(j.nvt*math.Expm1(a)-v) + Gmin*v*v/2
}

// Limit is SPICE's pnjlim: it keeps a Newton update of the diode voltage
// from vold to vnew from jumping far up the exponential, forward or, with
// breakdown, into breakdown (as ngspice limits it there). With a series
// resistance the junction voltages the two diode voltages give are
// limited, and Limit returns the diode voltage of the limited one.
func (j Junction) Limit(vnew, vold float64) float64 {
	if j.rs == 0 {
		return j.limit(vnew, vold)
	}
	vjn, _, _ := j.series(vnew)
	vjo, _, _ := j.series(vold)
	vl := j.limit(vjn, vjo)
	if vl == vjn {
		return vnew
	}
	i, _ := j.eval(vl)
	return vl + j.rs*i
}

// limit is Limit at the junction itself.
func (j Junction) limit(vnew, vold float64) float64 {
	if j.xbv != 0 && vnew < math.Min(0, -j.xbv+10*j.nvt) {
		// ngspice limits the voltage beyond breakdown, mirrored, with
		// the forward critical voltage.
		u := -(vnew + j.xbv)
		ul := pnjlim(u, -(vold + j.xbv), j.nvt, j.vcrit)
		if ul == u {
			// Unlimited: vnew as it is, not as rounding the mirror
			// twice would leave it.
			return vnew
		}
		return -(ul + j.xbv)
	}
	return pnjlim(vnew, vold, j.nvt, j.vcrit)
}

// pnjlim is SPICE's DEVpnjlim with thermal voltage vt and critical
// voltage vcrit.
func pnjlim(vnew, vold, vt, vcrit float64) float64 {
	if vnew > vcrit && math.Abs(vnew-vold) > 2*vt {
		if vold > 0 {
			arg := 1 + (vnew-vold)/vt
			if arg > 0 {
				return vold + vt*math.Log(arg)
			}
			return vcrit
		}
		return vt * math.Log(vnew/vt)
	}
	return vnew
}

// DiodeCurrent returns the current in amperes through a diode of model m at
// temperature t kelvin with v volts across it, anode to cathode, Gmin included.
func DiodeCurrent(m DiodeModel, t, v float64) float64 {
	i, _ := newJunction(m, t).Eval(v)
	return i
}
