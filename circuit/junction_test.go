package circuit

import (
	"math"
	"testing"
)

func TestJunctionLimit(t *testing.T) {
	j := newJunction(DiodeModel{IS: 1e-14, N: 1}, DefaultTemp)
	// A jump far up the exponential is cut to a logarithmic step.
	if got := j.Limit(5, 0.6); got >= 0.6+10*j.NVt() || got <= 0.6 {
		t.Errorf("limit(5, 0.6) = %g", got)
	}
	// Small steps and steps below the critical voltage pass.
	if got := j.Limit(0.61, 0.6); got != 0.61 {
		t.Errorf("limit(0.61, 0.6) = %g", got)
	}
	if got := j.Limit(-3, 0.6); got != -3 {
		t.Errorf("limit(-3, 0.6) = %g", got)
	}
	// Beyond the exponential's cap the current stays finite and continuous.
	v0 := maxExpArg * j.NVt()
	i1, _ := j.Eval(v0 * (1 - 1e-12))
	i2, _ := j.Eval(v0 * (1 + 1e-12))
	if math.Abs(i1-i2) > 1e-6*i1 {
		t.Errorf("current jumps at the cap: %g, %g", i1, i2)
	}
	if i, _ := j.Eval(1e3); math.IsInf(i, 0) || math.IsNaN(i) {
		t.Errorf("eval(1000 V) = %g", i)
	}
}
