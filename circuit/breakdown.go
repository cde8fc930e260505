package circuit

import "math"

// BreakdownVoltage returns the voltage XBV in volts at which a junction's
// reverse breakdown starts, as ngspice 39 computes it (DIOtemp) for a
// diode of breakdown voltage bv and breakdown current ibv (amperes), with
// saturation current is (amperes) and thermal voltage vt at the circuit
// temperature, and emission coefficient times vt nvt (SPICE's NBV is N):
// if ibv < is*bv/vt it is bv; otherwise the fixed point of
//
//	XBV = bv - nvt*ln(ibv/is + 1 - XBV/vt),
//
// where is*(exp((bv - XBV)/nvt) - 1 + XBV/vt) = ibv, from XBV = bv -
// nvt*ln(1 + ibv/is). ngspice stops its iteration once the current is
// within its relative tolerance of ibv; BreakdownVoltage iterates until
// XBV stops changing, which for any sane model is one or two iterations
// more and changes XBV by less than a nanovolt.
func BreakdownVoltage(bv, ibv, is, vt, nvt float64) float64 {
	if ibv < is*bv/vt {
		return bv
	}
	x := bv - nvt*math.Log(1+ibv/is)
	for range 100 {
		next := bv - nvt*math.Log(ibv/is+1-x/vt)
		if next == x {
			break
		}
		x = next
	}
	return x
}

// BreakdownVoltage returns the voltage in volts beyond which the
// junction's reverse breakdown acts, -max(XBV, 3*N*Vt) being where it
// starts, or 0 if it has none.
func (j Junction) BreakdownVoltage() float64 { return j.xbv }

// breakdown returns the current and conductance of the junction in
// breakdown, at junction voltage v < -max(xbv, 3*nvt): ngspice's
// -IS*exp(-(XBV + v)/(N*Vt)) + Gmin*v, continued linearly beyond an
// exponent of maxExpArg so that no evaluation overflows.
func (j Junction) breakdown(v float64) (i, g float64) {
	b := -(j.xbv + v) / j.nvt
	if b > maxExpArg {
		e := math.Exp(maxExpArg)
		gd := j.is * e / j.nvt
		v0 := -j.xbv - maxExpArg*j.nvt
		return -j.is*e + gd*(v-v0) + Gmin*v, gd + Gmin
	}
	e := math.Exp(b)
	return -j.is*e + Gmin*v, j.is*e/j.nvt + Gmin
}

// breakdownIntegral returns the integral from w to v of the breakdown
// current without Gmin, in watts, w and v both in breakdown.
func (j Junction) breakdownIntegral(w, v float64) float64 {
	// The integral of -IS*exp(b(u)) du, b(u) = -(XBV + u)/(N*Vt), is
	// IS*N*Vt*exp(b(u)); beyond b = maxExpArg the current is linear.
	prim := func(u float64) float64 {
		b := -(j.xbv + u) / j.nvt
		if b <= maxExpArg {
			return j.is * j.nvt * math.Exp(b)
		}
		e := math.Exp(maxExpArg)
		u0 := -j.xbv - maxExpArg*j.nvt
		d := u - u0
		return j.is*j.nvt*e - j.is*e*d + j.is*e/j.nvt*d*d/2
	}
	return prim(v) - prim(w)
}
