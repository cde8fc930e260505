package importer

import (
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"0", 0},
		{"5", 5},
		{"-44", -44},
		{"+3", 3},
		{"3.14159", 3.14159},
		{".5", 0.5},
		{"5.", 5},
		{"1e-14", 1e-14},
		{"2.65e3", 2650},
		{"1E+3", 1000},
		{"1d3", 1000}, // Fortran exponent, as ngspice
		{"1e", 1},     // an exponent without digits is 0
		{"10k", 1e4},
		{"10K", 1e4},
		{"2.2u", 2.2e-6},
		{"1meg", 1e6},
		{"1MEG", 1e6},
		{"1Meg", 1e6},
		{"1m", 1e-3},
		{"1M", 1e-3},
		{"250m", 0.25},
		{"3t", 3e12},
		{"3g", 3e9},
		{"7n", 7e-9},
		{"7p", 7e-12},
		{"7f", 7e-15},
		{"1mil", 25.4e-6},
		{"2MIL", 50.8e-6},
		{"10kohm", 1e4},
		{"1uF", 1e-6},
		{"5V", 5},
		{"1MHz", 1e-3},    // milli, as in SPICE
		{"1Farad", 1e-15}, // femto, as in SPICE
		{"1megohm", 1e6},
		{"1e3k", 1e6},
		{"1.5e-3meg", 1500},
		{"1e999999999999999999", -1}, // out of range: see below
	} {
		got, err := parseNumber(tc.in)
		if tc.want == -1 {
			if err == nil {
				t.Errorf("parseNumber(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseNumber(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("parseNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestParseNumberRounding checks that a value with a scale factor is the
// float64 nearest to its decimal value, like the same number written with
// an exponent, which Go's parser rounds correctly.
func TestParseNumberRounding(t *testing.T) {
	for _, tc := range [][2]string{
		{"2.2u", "2.2e-6"}, {"0.1m", "1e-4"}, {"4.7k", "4700"}, {"3.3n", "3.3e-9"},
		{"1.23456789012345678p", "1.23456789012345678e-12"}, {"0.3meg", "3e5"},
	} {
		a, err1 := parseNumber(tc[0])
		b, err2 := parseNumber(tc[1])
		if err1 != nil || err2 != nil || a != b {
			t.Errorf("%s = %v (%v), %s = %v (%v)", tc[0], a, err1, tc[1], b, err2)
		}
	}
}

func TestParseNumberErrors(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"", "not a number"},
		{"abc", "not a number"},
		{"+", "not a number"},
		{".", "not a number"},
		{"1a", "ambiguous"},
		{"1A", "ambiguous"},
		{"4k7", "4k7"},
		{"1meg5", "4k7"},
		{"1.2.3", "unexpected"},
		{"1k$x", "unexpected"},
		{"1_000", "unexpected"},
		{"1e400", "out of range"},
	} {
		_, err := parseNumber(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("parseNumber(%q): error %v, want one containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestEvalExpr(t *testing.T) {
	params := map[string]float64{"a": 2, "b": 3, "r_1": 1e3}
	lookup := func(name string) (float64, error) {
		v, ok := params[name]
		if !ok {
			return 0, errUnknown(name)
		}
		return v, nil
	}
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"1", 1},
		{"1k", 1e3},
		{"2.2u*1e6", 2.2e-6 * 1e6},
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"-2*-3", 6},
		{"--2", 2},
		{"+a", 2},
		{"a - b - 1", -2},
		{"12 / a / b", 2},
		{"A*B", 6},
		{"r_1/1k", 1},
		{"1e-3*1meg", 1e3},
		{"2e+2", 200},
		{"-(a+b)*2/4", -2.5},
		{"10kohm / 2", 5e3},
	} {
		got, err := evalExpr(tc.in, lookup)
		if err != nil {
			t.Errorf("evalExpr(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("evalExpr(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "empty"},
		{"1 +", "missing"},
		{"(1", "missing )"},
		{"1)", "unexpected"},
		{"c", "unknown parameter c"},
		{"1/0", "division by zero"},
		{"1/(a-2)", "division by zero"},
		{"2**3", "operator **"},
		{"2^3", "operator ^"},
		{"a > b", "operator >"},
		{"sqrt(4)", "function sqrt()"},
		{"1 2", "unexpected"},
		{"4k7", "4k7"},
		{"2d3", "exponent with e"},
		{"1mil", "mil in an expression"},
		{"1e308*10", "not finite"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), "nested deeper"},
		{strings.Repeat("-", 300) + "1", "nested deeper"},
	} {
		_, err := evalExpr(tc.in, lookup)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("evalExpr(%q): error %v, want one containing %q", tc.in, err, tc.msg)
		}
	}
}

type errUnknown string

func (e errUnknown) Error() string { return "unknown parameter " + string(e) }

func TestTokenizeCard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // expressions in braces, "=" as is
	}{
		{"R1 a b 1k", []string{"R1", "a", "b", "1k"}},
		{"R1 a b r=1k", []string{"R1", "a", "b", "r", "=", "1k"}},
		{"R1 a b r = 1k m =2", []string{"R1", "a", "b", "r", "=", "1k", "m", "=", "2"}},
		{"R1 a b {r * 2}", []string{"R1", "a", "b", "{r * 2}"}},
		{"R1 a b 'r * (2+1)'", []string{"R1", "a", "b", "{r * (2+1)}"}},
		{"R1 a b {a*{b}}", []string{"R1", "a", "b", "{a*{b}}"}},
		{".model d D(IS=1e-14, N=1)", []string{".model", "d", "D", "IS", "=", "1e-14", "N", "=", "1"}},
		{"V1 a 0 PULSE (0 5 1u)", []string{"V1", "a", "0", "PULSE", "0", "5", "1u"}},
	} {
		toks, err := tokenizeCard(tc.in)
		if err != nil {
			t.Errorf("tokenizeCard(%q): %v", tc.in, err)
			continue
		}
		var got []string
		for _, tk := range toks {
			if tk.expr {
				got = append(got, "{"+tk.s+"}")
			} else {
				got = append(got, tk.s)
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("tokenizeCard(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"R1 a b {1k", "R1 a b 1k}", "R1 a b '1k"} {
		if _, err := tokenizeCard(in); err == nil {
			t.Errorf("tokenizeCard(%q): no error", in)
		}
	}
}

func TestStripComment(t *testing.T) {
	for _, tc := range []struct{ in, body string }{
		{"R1 a b 1k", "R1 a b 1k"},
		{"R1 a b 1k ; note", "R1 a b 1k "},
		{"R1 a b 1k;note", "R1 a b 1k"},
		{"R1 a b 1k // note", "R1 a b 1k "},
		{"R1 a b 1k $ note", "R1 a b 1k "},
		{"R1 a b 1k,$note", "R1 a b 1k,"},
		{"R1 a b 1k\t$note", "R1 a b 1k\t"},
		{"R1 a$b c 1k", "R1 a$b c 1k"}, // $ inside a word is not a comment
		{"$ all comment", ""},
		{"; all comment", ""},
	} {
		if body, _ := stripComment(tc.in); body != tc.body {
			t.Errorf("stripComment(%q) = %q, want %q", tc.in, body, tc.body)
		}
	}
}

func TestParseParamCard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // name=expr|...
	}{
		{".param a=1", "a=1"},
		{".param a = 1k b=2", "a=1k|b=2"},
		{".param a = {b*2}, c='b + 1'", "a=b*2|c=b + 1"},
		{".param a = 2 * b c = -(1+2)", "a=2 * b|c=-(1+2)"},
		{".PARAM x1=1e-3 y_2=x1", "x1=1e-3|y_2=x1"},
	} {
		defs, err := parseParamCard(tc.in)
		if err != nil {
			t.Errorf("parseParamCard(%q): %v", tc.in, err)
			continue
		}
		var got []string
		for _, d := range defs {
			got = append(got, d.name+"="+d.expr)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("parseParamCard(%q) = %q, want %q", tc.in, strings.Join(got, "|"), tc.want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{".param", "without parameters"},
		{".param a", "no = value"},
		{".param a=", "empty value"},
		{".param 1a=2", "expected a parameter name"},
		{".param f(x)=2*x", "functions"},
		{".param a={1", "missing }"},
		{".param a='1", "missing closing '"},
	} {
		_, err := parseParamCard(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("parseParamCard(%q): error %v, want one containing %q", tc.in, err, tc.msg)
		}
	}
}
