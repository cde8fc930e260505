package tolerance

import (
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
)

// TestDividerTolerances checks the tolerances of a 1 V divider of two
// 1 kΩ resistors at its solution, 0.5 V, against their closed form: 1e-15
// A + 1e-9 × (0.5 mA + 0.5 mA) + 8 ulps of the currents' floor
// (1 mS × 1.5 V + 1 mS × 0.5 V) for KCL, 1e-12 V + 1e-9 × 0.5 V for the
// update.
func TestDividerTolerances(t *testing.T) {
	c := &circuit.Circuit{}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "m"}, G: 1e-3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"m", "0"}, G: 1e-3})
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	sc := New(sys, 1e-12, 1e-15, 1e-9)
	sc.Update([]float64{0.5}, 0, nil, nil)
	ftol := 1e-15 + 1e-9*1e-3 + floorUlps*eps*2e-3
	xtol := 1e-12 + 1e-9*0.5
	for _, tc := range []struct {
		f, d []float64
		kcl  bool
		upd  bool
	}{
		{[]float64{0.999 * ftol}, []float64{0.999 * xtol}, true, true},
		{[]float64{-1.001 * ftol}, []float64{1.001 * xtol}, false, false},
	} {
		if got := sc.KCLOK(tc.f); got != tc.kcl {
			t.Errorf("KCLOK(%g) = %v, tolerance %g", tc.f[0], got, ftol)
		}
		if got := sc.UpdateOK(tc.d); got != tc.upd {
			t.Errorf("UpdateOK(%g) = %v, tolerance %g", tc.d[0], got, xtol)
		}
	}
	if r := sc.KCLRatio([]float64{2 * ftol}); r < 1.999 || r > 2.001 {
		t.Errorf("KCLRatio = %g, want 2", r)
	}
	if g := sc.LinearConductance(); g[0] != 2e-3 {
		t.Errorf("LinearConductance = %v, want 2e-3 S", g)
	}
	if sc.MinNVt() != 0 {
		t.Errorf("MinNVt = %g without diodes", sc.MinNVt())
	}
}
