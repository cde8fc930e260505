package importer

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// parseNumber reads a number as ngspice 39 reads element and model values
// (its INPevaluate): an optional sign, digits with an optional decimal
// point, an optional exponent introduced by e or d (as in Fortran: "1d3"
// is 1000; the exponent's digits may be missing, "1e" is 1), then an
// optional scale factor, case-insensitive:
//
//	t 1e12   g 1e9   meg 1e6   k 1e3   m 1e-3   mil 25.4e-6
//	u 1e-6   n 1e-9  p 1e-12   f 1e-15
//
// and then any letters, which are ignored as units: "10kohm" is 1e4,
// "1uF" 1e-6, "5V" 5, and, as in SPICE, "1MHz" is one millihertz and
// "1Farad" one femtofarad.
//
// Two forms are errors because ngspice versions disagree on them: "a"
// (atto since ngspice 40, ignored by ngspice 39) and a digit after the
// scale factor ("4k7": 4700 since ngspice 40, 4000 before). Any other
// character after the number is an error too, where ngspice would quietly
// drop it ("1.2.3", "1k$x"). Unlike ngspice, the result is the float64
// nearest to the decimal value ("2.2u" is exactly 2.2e-6), and values that
// overflow float64 are errors.
func parseNumber(s string) (float64, error) { return readNumber(s, false) }

// readNumber is parseNumber, or with inExpr the numbers of expressions,
// which ngspice reads with other rules (numparam's): there an exponent
// must be written with e, and "mil" is milli to ngspice, so both are errors.
func readNumber(s string, inExpr bool) (float64, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDeckDigit(s[i]) {
		i++
	}
	intDigits := s[intStart:i]
	var fracDigits string
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && isDeckDigit(s[i]) {
			i++
		}
		fracDigits = s[j:i]
	}
	if intDigits == "" && fracDigits == "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	exp := 0
	if inExpr && i < len(s) && (s[i] == 'd' || s[i] == 'D') {
		return 0, fmt.Errorf("%q: write the exponent with e in an expression", s)
	}
	if i < len(s) && strings.IndexByte("eEdD", s[i]) >= 0 {
		i++
		esign := 1
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			if s[i] == '-' {
				esign = -1
			}
			i++
		}
		for i < len(s) && isDeckDigit(s[i]) {
			// Clamp: beyond 1e6 every float64 has overflowed or
			// underflowed already.
			if exp < 1e6 {
				exp = exp*10 + int(s[i]-'0')
			}
			i++
		}
		exp *= esign
	}
	shift, mil := 0, false
	if i < len(s) {
		switch s[i] | 0x20 {
		case 't':
			shift = 12
		case 'g':
			shift = 9
		case 'k':
			shift = 3
		case 'u':
			shift = -6
		case 'n':
			shift = -9
		case 'p':
			shift = -12
		case 'f':
			shift = -15
		case 'm':
			rest := strings.ToLower(s[i:])
			switch {
			case strings.HasPrefix(rest, "meg"):
				shift = 6
				i += 2
			case strings.HasPrefix(rest, "mil"):
				if inExpr {
					return 0, fmt.Errorf("%q: mil in an expression is milli to ngspice; write the value in meters", s)
				}
				mil = true
				i += 2
			default:
				shift = -3
			}
		case 'a':
			return 0, fmt.Errorf("%q: the scale factor a is ambiguous (atto in ngspice 40 and later, ignored by ngspice 39); write e-18", s)
		}
		if shift != 0 || mil {
			i++
			if i < len(s) && isDeckDigit(s[i]) {
				return 0, fmt.Errorf("%q: a digit after the scale factor (like 4k7) is read differently by ngspice versions; write 4.7k", s)
			}
		}
	}
	for j := i; j < len(s); j++ {
		if !isDeckLetter(s[j]) {
			return 0, fmt.Errorf("%q is not a number: unexpected %q after it", s, s[i:])
		}
	}
	v, err := decimalValue(neg, intDigits, fracDigits, exp+shift, mil)
	if err != nil {
		return 0, fmt.Errorf("%q: %v", s, err)
	}
	return v, nil
}

// decimalValue returns the float64 nearest to ±int.frac × 10^exp, times
// 25.4e-6 if mil.
func decimalValue(neg bool, intDigits, fracDigits string, exp int, mil bool) (float64, error) {
	digits := strings.TrimLeft(intDigits+fracDigits, "0")
	exp -= len(fracDigits)
	if digits == "" {
		digits = "0"
	}
	if mil {
		// 25.4e-6 = 254e-7: multiply exactly, then round once.
		var n big.Int
		n.SetString(digits, 10)
		n.Mul(&n, big.NewInt(254))
		digits = n.String()
		exp -= 7
	}
	if exp > 1e6 {
		exp = 1e6
	} else if exp < -1e6 {
		exp = -1e6
	}
	text := digits + "e" + strconv.Itoa(exp)
	if neg {
		text = "-" + text
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, errors.New("out of range")
	}
	return v, nil
}

// looksNumeric reports whether s starts like a number: an optional sign,
// then a digit, or a point and a digit. Such a token is a value, not a
// name or keyword.
func looksNumeric(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	if isDeckDigit(s[0]) {
		return true
	}
	return s[0] == '.' && len(s) > 1 && isDeckDigit(s[1])
}

func isDeckDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isDeckLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
