package netlist

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"0", 0},
		{"1", 1},
		{"-3", -3},
		{"+2.5", 2.5},
		{"10k", 1e4},
		{"10K", 1e4},
		{"2.2u", 2.2e-6}, // exactly the nearest float64 to 2.2e-6, not 2.2*1e-6
		{"2.2U", 2.2e-6},
		{"1meg", 1e6},
		{"1MEG", 1e6},
		{"1Meg", 1e6},
		{"4.7m", 4.7e-3},
		{"1M", 1e-3}, // milli, as in SPICE
		{"3f", 3e-15},
		{"1F", 1e-15}, // femto, as in SPICE, not farad
		{"3p", 3e-12},
		{"3n", 3e-9},
		{"3g", 3e9},
		{"3t", 3e12},
		{".5", 0.5},
		{"5.", 5},
		{"1e3", 1e3},
		{"1E-3", 1e-3},
		{"1e3k", 1e6},
		{"1.5e-3meg", 1.5e3},
		{"250m", 0.25},
		{"  10k ", 1e4},
		{"-0", math.Copysign(0, -1)},
		{"1e-400", 0}, // underflows to zero, like any float parser
	} {
		got, err := ParseValue(tc.in)
		if err != nil {
			t.Errorf("ParseValue(%q): %v", tc.in, err)
			continue
		}
		if math.Float64bits(got) != math.Float64bits(tc.want) {
			t.Errorf("ParseValue(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseValueErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"k", "not a number"},
		{"abc", "not a number"},
		{"10x", `unknown suffix "x"`},
		{"10kohm", `unknown suffix "kohm"`},
		{"1uF", `unknown suffix "uF"`},
		{"5V", `unknown suffix "V"`},
		{"1Farad", `unknown suffix "Farad"`},
		{"1MHz", `unknown suffix "MHz"`},
		{"1e", `unknown suffix "e"`},
		{"1e+", `unknown suffix "e+"`},
		{"inf", "not a number"},
		{"NaN", "not a number"},
		{"0x10", `unknown suffix "x10"`},
		{"1_000", `unknown suffix "_000"`},
		{"1e400", "out of range"},
		{"1e308k", "out of range"},
		{"1e99999999999999999999", "out of range"},
		{"--1", "not a number"},
		{"1 k", `unknown suffix " k"`},
	} {
		_, err := ParseValue(tc.in)
		if err == nil {
			t.Errorf("ParseValue(%q): no error", tc.in)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseValue(%q): error %q does not contain %q", tc.in, err, tc.want)
		}
	}
}

// TestParseValueMatchesDecimal checks against strconv on the equivalent
// exponent form for random mantissas and every suffix.
func TestParseValueMatchesDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		m := strconv.FormatFloat(rng.Float64()*1000, 'f', rng.IntN(8), 64)
		for suf, exp := range suffixes {
			got, err := ParseValue(m + suf)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := strconv.ParseFloat(m+"e"+strconv.Itoa(exp), 64)
			if got != want {
				t.Fatalf("ParseValue(%q) = %v, want %v", m+suf, got, want)
			}
		}
	}
}

func TestFormatNumberRoundTrip(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 100, 1e6, 123456, 1e21, 1e-320, math.MaxFloat64,
		math.SmallestNonzeroFloat64, 0.1, 1.0 / 3, 2.2e-6}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		vals = append(vals, math.Float64frombits(rng.Uint64()))
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		s := formatNumber(v)
		if !strings.ContainsAny(s, ".e") {
			t.Errorf("formatNumber(%v) = %q reads as a TOML integer", v, s)
		}
		got, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(v) {
			t.Errorf("formatNumber(%v) = %q reads back as %v (%v)", v, s, got, err)
		}
	}
}
