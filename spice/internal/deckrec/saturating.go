package deckrec

import (
	"errors"
	"strconv"
	"strings"
)

// SaturatingForm is the form of the value of a saturating E card, as
// messages name it.
const SaturatingForm = "value={S*tanh((G*v(a[,b])+(O))/S)}"

// Saturating is the value of a saturating E card: the output stage of an
// amplifier channel with a swing (circuit.Part.Swing), whose output is
// V(p) - V(n) = Swing*tanh((Gain*(V(CP) - V(CN)) + Offset)/Swing) volts.
// eqsim's exporter writes it, and its importer reads it, as a behavioural
// value (SaturatingForm) of numbers written exactly: the shortest decimal
// that reads back as the same float64.
type Saturating struct {
	// Swing is in volts, positive; Gain is the voltage gain; Offset is in
	// volts.
	Swing, Gain, Offset float64
	// CP and CN are the controlling nodes as the deck names them; CN is
	// "0", ground, when v() names one node.
	CP, CN string
}

// Append appends the card's value, value={S*tanh((G*v(cp,cn)+(O))/S)}
// (v(cp) when CN is "0"), to b.
func (s Saturating) Append(b []byte) []byte {
	b = append(b, "value={"...)
	b = strconv.AppendFloat(b, s.Swing, 'g', -1, 64)
	b = append(b, "*tanh(("...)
	b = strconv.AppendFloat(b, s.Gain, 'g', -1, 64)
	b = append(b, "*v("...)
	b = append(b, s.CP...)
	if s.CN != "0" {
		b = append(b, ',')
		b = append(b, s.CN...)
	}
	b = append(b, ")+("...)
	b = strconv.AppendFloat(b, s.Offset, 'g', -1, 64)
	b = append(b, "))/"...)
	b = strconv.AppendFloat(b, s.Swing, 'g', -1, 64)
	return append(b, ")}"...)
}

// ParseSaturating reads expr, the expression inside the braces of a
// value= (or its quotes), as Append writes it: S*tanh((G*v(a)+(O))/S) or
// S*tanh((G*v(a,b)+(O))/S), S, G and O decimal numbers without SPICE's
// suffixes or parameters, S positive and the same both times, O in its
// parentheses even when it is positive. Blanks between the fields are
// allowed, and the function names in any case; anything else, another
// arrangement of the same function included, is an error, so that the
// importer reads no behavioural expression but the one it can represent.
func ParseSaturating(expr string) (Saturating, error) {
	p := satParser{s: strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, expr)}
	var s Saturating
	var s2 float64
	s.CN = "0"
	p.number(&s.Swing)
	p.literal("*tanh((")
	p.number(&s.Gain)
	p.literal("*v(")
	s.CP = p.node()
	if p.err == nil && strings.HasPrefix(p.s, ",") {
		p.s = p.s[1:]
		s.CN = p.node()
	}
	p.literal(")+(")
	p.number(&s.Offset)
	p.literal("))/")
	p.number(&s2)
	p.literal(")")
	switch {
	case p.err != nil:
		return Saturating{}, p.err
	case p.s != "":
		return Saturating{}, errors.New("text after the expression")
	case !(s.Swing > 0):
		return Saturating{}, errors.New("the swing S is not positive")
	case s2 != s.Swing:
		return Saturating{}, errors.New("the two swings S differ")
	}
	return s, nil
}

// satParser reads a saturating expression field by field; after the first
// error it reads nothing more.
type satParser struct {
	s   string // what is left to read
	err error
}

// literal reads text, ignoring case.
func (p *satParser) literal(text string) {
	if p.err != nil {
		return
	}
	if len(p.s) < len(text) || !strings.EqualFold(p.s[:len(text)], text) {
		p.err = errors.New("not " + text + " where " + SaturatingForm + " has it")
		return
	}
	p.s = p.s[len(text):]
}

// number reads a finite decimal number into x.
func (p *satParser) number(x *float64) {
	if p.err != nil {
		return
	}
	// The number's field: letters, digits and points, and signs where a
	// number or its exponent begins; a suffix or a name is in it, to be
	// refused as not a number.
	n := 0
	for n < len(p.s) {
		c := p.s[n]
		sign := (c == '+' || c == '-') && (n == 0 || p.s[n-1]|0x20 == 'e')
		if !sign && c != '.' && c != '_' && !('0' <= c && c <= '9') && !('a' <= c|0x20 && c|0x20 <= 'z') {
			break
		}
		n++
	}
	// Decimal only: ParseFloat would also read inf, nan and hexadecimal.
	field := p.s[:n]
	v, err := strconv.ParseFloat(field, 64)
	if n == 0 || err != nil || strings.Trim(field, "0123456789.eE+-") != "" {
		p.err = errors.New("not a number at " + strconv.Quote(p.s))
		return
	}
	*x, p.s = v, p.s[n:]
}

// node reads a node name: up to the next comma or parenthesis.
func (p *satParser) node() string {
	if p.err != nil {
		return ""
	}
	n := strings.IndexAny(p.s, ",()")
	if n <= 0 || strings.ContainsAny(p.s[:n], "{}'=*/") {
		p.err = errors.New("not a node name at " + strconv.Quote(p.s))
		return ""
	}
	name := p.s[:n]
	p.s = p.s[n:]
	return name
}
