package circuit

import (
	"math"
	"testing"
)

// realModels are diodes with series resistance and breakdown, and the
// plain diode they must reduce to.
var realModels = []DiodeModel{
	{IS: 1e-14, N: 1},
	{IS: 1e-14, N: 1, RS: 10},
	{IS: 2.52e-9, N: 1.752, RS: 0.5682},
	{IS: 1e-14, N: 1, BV: 5},
	{IS: 1e-12, N: 1.3, BV: 2.5, IBV: 1e-5},
	{IS: 1e-14, N: 1, RS: 0.05, BV: 7, IBV: 1e-2},
	{IS: 1e-9, N: 2, BV: 0.05}, // breakdown below 3*N*Vt: it starts there
}

func TestBreakdownVoltage(t *testing.T) {
	vt := ThermalVoltage(DefaultTemp)
	for _, c := range []struct{ bv, ibv, is, n float64 }{
		{5, 1e-3, 1e-14, 1}, {100, 1e-6, 1e-12, 1.5}, {2.5, 1e-5, 1e-9, 2}, {1, 1e-3, 1e-6, 1},
	} {
		nvt := c.n * vt
		x := BreakdownVoltage(c.bv, c.ibv, c.is, vt, nvt)
		// ngspice's matching condition: the breakdown current at -bv,
		// with the terms it keeps, is ibv.
		got := c.is * (math.Exp((c.bv-x)/nvt) - 1 + x/vt)
		if math.Abs(got-c.ibv) > 1e-12*c.ibv {
			t.Errorf("bv %g ibv %g: XBV %.15g gives %.15g A, want %g", c.bv, c.ibv, x, got, c.ibv)
		}
		if !(x < c.bv && x > c.bv-nvt*math.Log(1+c.ibv/c.is)-1e-12) {
			t.Errorf("bv %g ibv %g: XBV %g out of range", c.bv, c.ibv, x)
		}
	}
	// A breakdown current the saturation current already reaches: XBV
	// is BV itself, as in ngspice.
	if x := BreakdownVoltage(50, 1e-12, 1e-12, vt, vt); x != 50 {
		t.Errorf("XBV = %g, want 50", x)
	}
}

// TestRealJunction checks the diode with breakdown and series resistance
// against its defining equations: the conductance against finite
// differences of the current, the co-content's derivative against the
// current, the series equation v = vj + RS*i(vj), the breakdown current
// in closed form, and continuity wherever the equations have no jump.
func TestRealJunction(t *testing.T) {
	for _, m := range realModels {
		j := m.Junction(350, DefaultTemp)
		plain := m
		plain.RS = 0
		jp := plain.Junction(350, DefaultTemp)
		for v := -9.0; v <= 3; v += 0.0173 {
			i, g := j.Eval(v)
			h := 1e-6 * math.Max(1, math.Abs(v))
			ip, _ := j.Eval(v + h)
			im, _ := j.Eval(v - h)
			if fd := (ip - im) / (2 * h); math.Abs(fd-g) > 1e-4*math.Abs(g)+1e-13 && !jumps(j, v, h) {
				t.Errorf("%+v: v %g: g %g, finite difference %g", m, v, g, fd)
			}
			if fd := (j.CoContent(v+h) - j.CoContent(v-h)) / (2 * h); math.Abs(fd-i) > 1e-5*math.Abs(i)+1e-12*math.Max(1, math.Abs(j.CoContent(v))) && !jumps(j, v, h) {
				t.Errorf("%+v: v %g: co-content slope %g, current %g", m, v, fd, i)
			}
			if m.RS > 0 {
				vj, ij, gj := j.series(v)
				// Within a few units in the last place of vj, of which h
				// changes by 1 + RS*g per unit.
				tol := 4 * 0x1p-52 * (math.Abs(v) + (1+m.RS*gj)*math.Max(math.Abs(vj), 1e-3))
				if r := vj + m.RS*ij - v; math.Abs(r) > tol {
					t.Errorf("%+v: v %g: vj + rs*i - v = %g", m, v, r)
				}
				if i2, _ := jp.Eval(vj); i2 != i {
					t.Errorf("%+v: v %g: current %g, the junction's at vj %g", m, v, i, i2)
				}
			}
			if m.RS == 0 && m.BV > 0 && v < -math.Max(j.xbv, 3*j.nvt) && -(j.xbv+v)/j.nvt <= maxExpArg {
				want := -j.is*math.Exp(-(j.xbv+v)/j.nvt) + Gmin*v
				if math.Abs(i-want) > 1e-14*math.Abs(want) {
					t.Errorf("%+v: v %g: breakdown current %g, want %g", m, v, i, want)
				}
			}
		}
		// Without breakdown and resistance, nothing changes.
		if m.RS == 0 && m.BV == 0 {
			old := Junction{is: j.is, nvt: j.nvt, vcrit: j.vcrit}
			for _, v := range []float64{-50, -1, -0.01, 0, 0.3, 0.7, 5} {
				i1, g1 := j.Eval(v)
				i2, g2 := old.Eval(v)
				if i1 != i2 || g1 != g2 || j.CoContent(v) != old.CoContent(v) {
					t.Errorf("plain junction changed at %g V", v)
				}
			}
		}
	}
}

// jumps reports whether the junction's current is discontinuous within h
// of v: at the start of breakdown, where ngspice's forms do not meet.
func jumps(j Junction, v, h float64) bool {
	if j.xbv == 0 {
		return false
	}
	vj := v
	if j.rs != 0 {
		vj, _, _ = j.series(v)
	}
	w := -math.Max(j.xbv, 3*j.nvt)
	return math.Abs(vj-w) < 2*h+1e-3
}

// TestRealJunctionLimit checks that limiting keeps Newton from jumping far
// into breakdown, and that with series resistance it limits the junction
// voltage, so that a large forward step through the resistance passes.
func TestRealJunctionLimit(t *testing.T) {
	j := DiodeModel{IS: 1e-14, N: 1, BV: 5}.Junction(DefaultTemp, DefaultTemp)
	if got := j.Limit(-20, -5.1); got <= -20 || got >= -5.1 || got < -5.1-20*j.nvt {
		t.Errorf("limit(-20, -5.1) = %g: want a logarithmic step into breakdown", got)
	}
	if got := j.Limit(-4, -3); got != -4 {
		t.Errorf("limit(-4, -3) = %g, want -4", got)
	}
	r := DiodeModel{IS: 1e-14, N: 1, RS: 100}.Junction(DefaultTemp, DefaultTemp)
	// From 0.9 V to 5 V across the diode the junction moves by tens of
	// millivolts only: limited steps reach 5 V in a few iterations, where
	// limiting the diode's voltage as a junction's would take hundreds.
	v, steps := 0.9, 0
	for v != 5 && steps < 100 {
		v = r.Limit(5, v)
		steps++
	}
	if steps > 5 {
		t.Errorf("limited steps from 0.9 V to 5 V with 100 ohm: %d, want at most 5", steps)
	}
	// A step far up the junction's own exponential is cut.
	s := DiodeModel{IS: 1e-14, N: 1, RS: 1e-3}.Junction(DefaultTemp, DefaultTemp)
	if got := s.Limit(5, 0.6); got >= 1 || got <= 0.6 {
		t.Errorf("limit(5, 0.6) with 1 mohm = %g", got)
	}
}

// TestRealJunctionLimitExact checks that a voltage limiting leaves alone
// comes back bit for bit, in breakdown too: solvers take any change as a
// limited step and do not accept the iterate.
func TestRealJunctionLimitExact(t *testing.T) {
	for _, m := range realModels {
		j := m.Junction(DefaultTemp, DefaultTemp)
		for v := -9.0; v < 2; v += 0.0731 {
			if got := j.Limit(v, v+1e-3); got != v {
				t.Errorf("%+v: limit(%.17g, nearby) = %.17g, want it unchanged", m, v, got)
			}
		}
	}
}
