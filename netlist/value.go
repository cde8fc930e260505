package netlist

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// suffixes maps the SPICE scale suffixes, lower case, to powers of ten.
var suffixes = map[string]int{
	"f": -15, "p": -12, "n": -9, "u": -6, "m": -3,
	"k": 3, "meg": 6, "g": 9, "t": 12,
}

// ParseValue parses a number written as in SPICE: a decimal number with an
// optional exponent, followed by an optional scale suffix, case-insensitive:
//
//	f 1e-15   p 1e-12   n 1e-9   u 1e-6   m 1e-3
//	k 1e3     meg 1e6   g 1e9    t 1e12
//
// so "10k" is 1e4, "2.2u" is 2.2e-6, "1meg" and "1MEG" are 1e6, and "1m"
// and "1M" are 1e-3 (milli, as in SPICE). Leading and trailing spaces are
// ignored. The result is the float64 nearest to the decimal value: "2.2u"
// is exactly the same number as 2.2e-6.
//
// Unlike SPICE, ParseValue does not skip unit letters after the suffix:
// "10kohm", "1uF" and "5V" are errors. Unit letters are a trap in SPICE,
// where "1MHz" is one millihertz and "1Farad" one femtofarad; refusing them
// keeps a value from meaning other than it seems. A bare "F" is still the
// femto suffix, so "1F" is 1e-15, as in SPICE. Infinities, NaN,
// hexadecimal, underscores and values that overflow float64 are errors.
func ParseValue(s string) (float64, error) {
	t := strings.TrimSpace(s)
	end := numberEnd(t)
	if end == 0 {
		if t == "" {
			return 0, errors.New("empty value")
		}
		return 0, fmt.Errorf("bad value %q: not a number", s)
	}
	num, suf := t[:end], strings.ToLower(t[end:])
	shift, ok := suffixes[suf]
	if !ok && suf != "" {
		return 0, fmt.Errorf("bad value %q: unknown suffix %q (want one of f p n u m k meg g t, and no unit letters)", s, t[end:])
	}
	// Apply the suffix to the decimal exponent rather than multiplying, so
	// that the result is correctly rounded.
	mant, exp := num, 0
	if i := strings.IndexAny(num, "eE"); i >= 0 {
		mant = num[:i]
		e, err := strconv.Atoi(num[i+1:])
		if err != nil {
			return 0, fmt.Errorf("bad value %q: exponent out of range", s)
		}
		exp = e
	}
	if exp > 1e6 || exp < -1e6 {
		// Beyond any float64; keep the arithmetic below from overflowing.
		exp = exp / 1e6 * 1e6
	}
	v, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp+shift), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("bad value %q: out of range", s)
	}
	return v, nil
}

// numberEnd returns the length of the longest prefix of s that is a decimal
// number [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?, or 0.
func numberEnd(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			// "1e" or "1eg": the e is not an exponent.
			i = j
		}
	}
	return i
}

// formatNumber formats v so that TOML reads it back as the same float64,
// bit for bit: the shortest 'g' representation, with ".0" added where it
// would otherwise read as a TOML integer (which would lose a negative zero).
func formatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") { // n: NaN and Inf never get here
		s += ".0"
	}
	return s
}
