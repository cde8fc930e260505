package importer

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// celsiusToKelvin is ngspice's CONSTCtoK: temperatures on cards are in
// degrees Celsius.
const celsiusToKelvin = 273.15

// spiceTNomC is SPICE's default nominal temperature, 27 °C.
const spiceTNomC = 27.0

// paramText is one name=value of a .param card.
type paramText struct{ name, expr string }

// parseParamCard reads `.param name=value ...`. A value is an expression in
// braces or single quotes, or the text up to the next `name=` (so that
// `.param a = 2 * b` works, as in ngspice).
func parseParamCard(text string) ([]paramText, error) {
	s := strings.TrimSpace(text[len(".param"):])
	var out []paramText
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
	}
	for skip(); i < len(s); skip() {
		j := i
		for j < len(s) && (isDeckLetter(s[j]) || isDeckDigit(s[j]) || s[j] == '_') {
			j++
		}
		name := s[i:j]
		if !isParamName(name) {
			return nil, fmt.Errorf("expected a parameter name at %q", s[i:])
		}
		i = j
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] == '(' {
			return nil, fmt.Errorf("parameter functions like %s(...) are not supported", name)
		}
		if i >= len(s) || s[i] != '=' {
			return nil, fmt.Errorf("parameter %s has no = value", name)
		}
		i++
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		var expr string
		switch {
		case i < len(s) && s[i] == '{':
			end := closingBrace(s, i)
			if end < 0 {
				return nil, errors.New("missing } after {")
			}
			expr = s[i+1 : end]
			i = end + 1
		case i < len(s) && s[i] == '\'':
			k := strings.IndexByte(s[i+1:], '\'')
			if k < 0 {
				return nil, errors.New("missing closing ' of an expression")
			}
			expr = s[i+1 : i+1+k]
			i += k + 2
		default:
			end := nextAssignment(s, i)
			expr = strings.TrimRight(strings.TrimSpace(s[i:end]), ",")
			i = end
		}
		if strings.TrimSpace(expr) == "" {
			return nil, fmt.Errorf("parameter %s has an empty value", name)
		}
		out = append(out, paramText{name, expr})
	}
	if len(out) == 0 {
		return nil, errors.New(".param without parameters")
	}
	return out, nil
}

// nextAssignment returns where the next `name =` after a blank begins in s
// at or after i, or len(s).
func nextAssignment(s string, i int) int {
	for k := i; k < len(s); k++ {
		if s[k] != ' ' && s[k] != '\t' && s[k] != ',' {
			continue
		}
		j := k
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == ',') {
			j++
		}
		e := j
		for e < len(s) && (isDeckLetter(s[e]) || isDeckDigit(s[e]) || s[e] == '_') {
			e++
		}
		if !isParamName(s[j:e]) {
			continue
		}
		for e < len(s) && (s[e] == ' ' || s[e] == '\t') {
			e++
		}
		if e < len(s) && s[e] == '=' && (e+1 == len(s) || s[e+1] != '=') {
			return k
		}
	}
	return len(s)
}

// settings reads the top level's .options and .temp cards: temp and tnom
// set the circuit's temperatures; gmin and the other solver options are
// accepted and noted; rshunt, which adds resistors, is an error.
func (im *importer) settings() error {
	eval := func(card *importCard, t deckToken) (float64, error) {
		v, err := im.global.eval(t, im)
		if err != nil {
			var located *ImportError
			if errors.As(err, &located) {
				return 0, located
			}
			return 0, im.cardError(card, "", err.Error())
		}
		return v, nil
	}
	for _, card := range im.settingCards {
		toks, err := tokenizeCard(card.text)
		if err != nil {
			return im.cardError(card, "", err.Error())
		}
		kw := strings.ToLower(toks[0].s)
		if kw == ".temp" {
			if len(toks) != 2 || toks[1].eq {
				return im.cardError(card, "", ".temp takes one temperature (eqsim simulates one)")
			}
			v, err := eval(card, toks[1])
			if err != nil {
				return err
			}
			im.tempC, im.tempCard = &v, card
			continue
		}
		flags, params, err := splitParams(toks[1:])
		if err != nil {
			return im.cardError(card, "", err.Error())
		}
		var ignored []string
		for _, f := range flags {
			ignored = append(ignored, strings.ToLower(f.s))
		}
		for _, p := range params {
			switch p.key {
			case "temp", "tnom":
				v, err := eval(card, p.val)
				if err != nil {
					return err
				}
				if p.key == "temp" {
					im.tempC, im.tempCard = &v, card
				} else {
					im.tnomC, im.tnomCard = &v, card
				}
			case "gmin":
				v, err := eval(card, p.val)
				if err != nil {
					return err
				}
				if v != circuit.Gmin {
					im.note(card, "gmin=%g ignored: eqsim puts %g S across every diode junction", v, circuit.Gmin)
				}
			case "rshunt":
				return im.cardError(card, "", "option rshunt is not supported: it adds a resistor from every node to ground; write them as R cards")
			default:
				ignored = append(ignored, p.key)
			}
		}
		if len(ignored) > 0 {
			sort.Strings(ignored)
			im.note(card, "ignored solver options: %s", strings.Join(ignored, " "))
		}
	}
	tempC, tnomC := spiceTNomC, spiceTNomC
	if im.tempC != nil {
		tempC = *im.tempC
		im.c.Temp = tempC + celsiusToKelvin
	}
	if im.tnomC != nil {
		tnomC = *im.tnomC
	}
	im.temp = tempC + celsiusToKelvin
	im.tnom = tnomC + celsiusToKelvin
	for _, t := range []struct {
		name string
		k    float64
		card *importCard
	}{{"temp", im.temp, im.tempCard}, {"tnom", im.tnom, im.tnomCard}} {
		if math.IsNaN(t.k) || math.IsInf(t.k, 0) || t.k <= 0 {
			return im.cardError(t.card, "", fmt.Sprintf("%s is %g K: not above absolute zero", t.name, t.k))
		}
	}
	// eqsim's TNom 0 means "at the circuit temperature".
	if im.tnom != im.c.Temperature() {
		im.c.TNom = im.tnom
	}
	return nil
}
