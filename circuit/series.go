package circuit

import "math"

// series returns, for a diode with series resistance, the junction
// voltage vj in volts that v volts across the diode leave across the
// junction, solving
//
//	h(vj) = vj + RS*i(vj) - v = 0,
//
// and the junction's current (A) and conductance (S) there. h rises with
// slope 1 + RS*g >= 1, so the root is unique; it lies between 0 and v,
// and for v > 0 below N*Vt*ln(1 + v/(RS*IS)), where the junction alone
// would carry all of v/RS. Newton's method runs from that bound (or from
// v), safeguarded by bisection of the bracket, to the last bits: the
// terminal voltage and current the solvers see are then consistent to
// rounding, as if the junction were a node of its own solved exactly.
//
// Keeping the junction voltage inside the evaluation, rather than as an
// internal node, keeps a diode two-terminal: layered networks stay
// layered, and the circuit's nodes are those of its netlist.
func (j Junction) series(v float64) (vj, i, g float64) {
	lo, hi, x := v, 0.0, v
	if v > 0 {
		lo, hi = 0, v
		// Below the exponential's cap the junction current is at least
		// Shockley's, which bounds vj; beyond it the bound need not hold.
		if ub := j.nvt * math.Log1p(v/(j.rs*j.is)); ub < hi && ub < 0.9*maxExpArg*j.nvt {
			hi = ub
		}
		x = hi
	}
	for range 200 {
		i, g = j.eval(x)
		h := x + j.rs*i - v
		if h == 0 {
			return x, i, g
		}
		if h > 0 {
			hi = x
		} else {
			lo = x
		}
		next := x - h/(1+j.rs*g)
		if !(next >= lo && next <= hi) {
			next = lo + (hi-lo)/2
		}
		if next == x || hi-lo <= 2*ulp(x) {
			break
		}
		x = next
	}
	i, g = j.eval(x)
	return x, i, g
}

// ulp returns the spacing of float64 numbers at x.
func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}
