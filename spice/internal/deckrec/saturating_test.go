package deckrec

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSaturatingRoundTrip writes saturating values of random numbers, of
// every magnitude and sign, and reads them back: the same numbers bit for
// bit, and the same nodes.
func TestSaturatingRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	num := func() float64 { return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20)) }
	for i := range 2000 {
		s := Saturating{Swing: math.Abs(num()), Gain: num(), Offset: num(), CP: "x_1_", CN: "0"}
		switch i % 4 {
		case 1:
			s.CN = "n-2"
		case 2:
			s.Offset = 0
		case 3:
			s.Swing = math.SmallestNonzeroFloat64
		}
		text := string(s.Append(nil))
		expr := strings.TrimSuffix(strings.TrimPrefix(text, "value={"), "}")
		got, err := ParseSaturating(expr)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if math.Float64bits(got.Swing) != math.Float64bits(s.Swing) || math.Float64bits(got.Gain) != math.Float64bits(s.Gain) ||
			math.Float64bits(got.Offset) != math.Float64bits(s.Offset) || got.CP != s.CP || got.CN != s.CN {
			t.Fatalf("%s read as %+v, want %+v", text, got, s)
		}
	}
}

// TestParseSaturatingRefuses lists expressions that are not the form, or
// hold numbers it does not take.
func TestParseSaturatingRefuses(t *testing.T) {
	for _, tc := range []struct{ expr, msg string }{
		{"", "not a number"},
		{"inf*tanh((2*v(a)+(0))/inf)", "not a number"},
		{"nan*tanh((2*v(a)+(0))/nan)", "not a number"},
		{"0x1p0*tanh((2*v(a)+(0))/0x1p0)", "not a number"},
		{"1*tanh((1_0*v(a)+(0))/1)", "not a number"},
		{"1k*tanh((2*v(a)+(0))/1k)", "not a number"},
		{"1*tanh((2*v(a)+(1e400))/1)", "not a number"},
		{"0*tanh((2*v(a)+(0))/0)", "not positive"},
		{"1*tanh((2*v(a)+(0))/2)", "swings S differ"},
		{"1*tanh((2*v()+(0))/1)", "not a node name"},
		{"1*tanh((2*v(a,)+(0))/1)", "not a node name"},
		{"1*tanh((2*v({a})+(0))/1)", "not a node name"},
		{"1*tanh((2*v(a)+(0))/1)*2", "text after"},
		{"1*tanh((2*v(a)-(0))/1)", "not )+("},
		{"1*tanh(2*v(a)+(0))/1", "not *tanh(("},
		{"tanh((2*v(a)+(0))/1)", "not a number"},
	} {
		if _, err := ParseSaturating(tc.expr); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: error %v, want %q", tc.expr, err, tc.msg)
		}
	}
}
