package spice

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"
)

// deckValueNames name each part type's value in errors.
var deckValueNames = map[byte]string{
	'R': "conductance", 'C': "capacitance", 'V': "voltage", 'I': "current", 'E': "gain", 'F': "gain",
}

// deckCheckPart rejects a part of e that has no SPICE card: a value that
// is not finite, a conductance whose resistance is not (a card holds
// ohms), a diode model with IS or N not positive and finite, or a type
// the deck does not know.
func deckCheckPart(e circuit.Element, p *circuit.Part) error {
	switch p.Type {
	case 'D':
		if m := p.Model; !deckFinite(m.IS) || m.IS <= 0 {
			return deckBadPart(e, p, "diode saturation current", m.IS)
		} else if !deckFinite(m.N) || m.N <= 0 {
			return deckBadPart(e, p, "diode emission coefficient", m.N)
		} else if !deckFinite(m.RS) || m.RS < 0 {
			return deckBadPart(e, p, "diode series resistance", m.RS)
		} else if !deckFinite(m.BV) || m.BV < 0 {
			return deckBadPart(e, p, "diode breakdown voltage", m.BV)
		} else if !deckFinite(m.IBV) || m.IBV < 0 {
			return deckBadPart(e, p, "diode breakdown current", m.IBV)
		}
	case 'R', 'C', 'V', 'I', 'E', 'F':
		v := p.Value
		if !deckFinite(v) || p.Type == 'R' && v != 0 && !deckFinite(1/v) {
			return deckBadPart(e, p, deckValueNames[p.Type], v)
		}
		if !deckFinite(p.Swing) || p.Swing < 0 {
			return deckBadPart(e, p, "swing", p.Swing)
		}
		if !deckFinite(p.Offset) {
			return deckBadPart(e, p, "offset", p.Offset)
		}
	default:
		return &circuit.Error{Element: e.Label(), Msg: fmt.Sprintf("part %q of type %q has no SPICE card", p.Name, p.Type)}
	}
	return nil
}

// deckBadPart is the error for value v of part p of e, named what.
func deckBadPart(e circuit.Element, p *circuit.Part, what string, v float64) error {
	if p.Name != "" {
		what = fmt.Sprintf("part %s: %s", p.Name, what)
	}
	return &circuit.Error{Element: e.Label(), Msg: fmt.Sprintf("%s %v has no SPICE form", what, v)}
}

// deckFinite reports whether v is neither infinite nor NaN.
func deckFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// realDiodeParams returns the .model parameters of the real parts of m,
// " RS=... BV=... IBV=...", for those it has.
func realDiodeParams(m circuit.DiodeModel) string {
	s := ""
	if m.RS != 0 {
		s += " RS=" + spiceNum(m.RS)
	}
	if m.BV != 0 {
		s += " BV=" + spiceNum(m.BV)
		if m.IBV != 0 {
			s += " IBV=" + spiceNum(m.IBV)
		}
	}
	return s
}
