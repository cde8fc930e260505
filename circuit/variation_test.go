package circuit

import (
	"fmt"
	"math"
	"testing"
)

// TestDiodeVariationDraw checks the statistics and determinism of the
// drawn diode parameters.
func TestDiodeVariationDraw(t *testing.T) {
	m := DiodeModel{IS: 1e-14, N: 1.5}
	const n = 20000
	v := DiodeVariation{ISSpread: 0.4, NSpread: 0.05, Seed: 9}
	is, nn := v.Draw(m, n)
	var mis, sis, mn, sn float64
	for k := range n {
		l := math.Log(is[k] / m.IS)
		mis += l / n
		sis += l * l / n
		r := nn[k]/m.N - 1
		mn += r / n
		sn += r * r / n
		if math.Abs(l) > 3*v.ISSpread+1e-12 || math.Abs(r) > 3*v.NSpread+1e-12 {
			t.Fatalf("diode %d beyond 3 sigma: ln factor %g, N factor %g", k, l, r)
		}
	}
	// The truncation at 3 sigma takes 1.1% off the variance.
	sis, sn = math.Sqrt(sis-mis*mis), math.Sqrt(sn-mn*mn)
	if math.Abs(mis) > 0.02 || math.Abs(sis/v.ISSpread-0.9946) > 0.02 {
		t.Errorf("ln(IS/IS0): mean %g, std %g, want 0 and %g", mis, sis, v.ISSpread)
	}
	if math.Abs(mn) > 0.002 || math.Abs(sn/v.NSpread-0.9946) > 0.02 {
		t.Errorf("N/N0 - 1: mean %g, std %g, want 0 and %g", mn, sn, v.NSpread)
	}
	// The same seed, the same diodes; IS does not depend on NSpread.
	is2, nn2 := DiodeVariation{ISSpread: 0.4, Seed: 9}.Draw(m, n)
	if nn2 != nil || fmt.Sprint(is2[:50]) != fmt.Sprint(is[:50]) {
		t.Error("IS draws depend on NSpread, or N drawn without a spread")
	}
	is3, _ := DiodeVariation{ISSpread: 0.4, Seed: 10}.Draw(m, 10)
	if is3[0] == is[0] {
		t.Error("another seed gives the same draw")
	}
	if is, nn := (DiodeVariation{Seed: 3}).Draw(m, 5); is != nil || nn != nil {
		t.Error("no spread but per-diode parameters")
	}
	r := &Rectifier{Nodes: []string{"a", "b"}, Model: m}
	r.Vary(v)
	if len(r.IS) != 4 || r.Diode(3).IS != r.IS[3] || r.Diode(3).N != r.N[3] || r.Variation != v {
		t.Errorf("Vary: %+v", r)
	}
	for _, bad := range []DiodeVariation{{ISSpread: -1}, {NSpread: 0.31}, {ISSpread: math.NaN()}, {ISSpread: 11}} {
		if bad.Validate() == nil {
			t.Errorf("%+v is valid", bad)
		}
	}
}

// TestAmplifierVariationDraw checks the statistics of drawn gains and
// offsets, and that the compiled amplifier uses them.
func TestAmplifierVariationDraw(t *testing.T) {
	const n = 20000
	v := AmplifierVariation{GainError: 0.1, Offset: 0.01, Seed: 2}
	gains, offs := v.Draw(4, n)
	var mg, sg, mo, so float64
	for i := range n {
		e := gains[i]/4 - 1
		mg += e / n
		sg += e * e / n
		mo += offs[i] / n
		so += offs[i] * offs[i] / n
	}
	sg, so = math.Sqrt(sg-mg*mg), math.Sqrt(so-mo*mo)
	if math.Abs(mg) > 0.003 || math.Abs(sg/v.GainError-0.9946) > 0.02 {
		t.Errorf("relative gain error: mean %g, std %g, want 0 and %g", mg, sg, v.GainError)
	}
	if math.Abs(mo) > 3e-4 || math.Abs(so/v.Offset-0.9946) > 0.02 {
		t.Errorf("offset: mean %g V, std %g V, want 0 and %g V", mo, so, v.Offset)
	}
	if g, o := (AmplifierVariation{}).Draw(4, 3); g != nil || o != nil {
		t.Error("no spread but channel values")
	}
	for _, bad := range []AmplifierVariation{{GainError: 0.4}, {Offset: -1}, {Offset: math.Inf(1)}} {
		if bad.Validate() == nil {
			t.Errorf("%+v is valid", bad)
		}
	}

}

func TestSaturationCurrent(t *testing.T) {
	m := DiodeModel{IS: 2.52e-9, N: 1.752}
	if got := m.SaturationCurrent(310, 310); got != m.IS {
		t.Errorf("IS at its own temperature %g, want %g", got, m.IS)
	}
	// The rule of thumb: a silicon junction's IS doubles every 4 to 5 K
	// near room temperature (N = 1; EG = 1.11 eV and XTI = 3 make it
	// 4.6 K).
	d := DiodeModel{IS: 1e-14, N: 1}
	r := d.SaturationCurrent(DefaultTemp+4.6, DefaultTemp) / d.IS
	if r < 1.95 || r > 2.05 {
		t.Errorf("IS grows by %g over 4.6 K", r)
	}
	c := &Circuit{Temp: 350}
	if c.NominalTemperature() != 350 {
		t.Errorf("nominal temperature %g, want Temp", c.NominalTemperature())
	}
}
