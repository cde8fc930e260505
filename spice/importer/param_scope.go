package importer

import (
	"fmt"
	"strings"
)

// maxParamDepth bounds chains of parameters defined by parameters, so that
// a hostile deck cannot exhaust the stack.
const maxParamDepth = 1000

// paramScope holds the parameters visible in one place of a deck: those of
// the top level, or those of one subcircuit instance (its parameters and
// .param cards), in front of the scope it was defined in.
//
// Definitions are evaluated when first used, so that a parameter may refer
// to one defined after it, as ngspice allows (it sorts .param cards by
// their dependencies); a later .param of the same name replaces an earlier
// one, as in ngspice.
type paramScope struct {
	parent *paramScope
	defs   map[string]*paramDef // by lower-case name
}

// paramDef is one parameter.
type paramDef struct {
	name string
	// expr is the value to evaluate in the scope that holds the
	// definition.
	expr string
	card *importCard
	// where names the instance whose scope holds it ("" at the top
	// level), for messages.
	where string
	state int // 0 not evaluated, 1 being evaluated, 2 done
	val   float64
	err   error
}

func newParamScope(parent *paramScope) *paramScope {
	return &paramScope{parent: parent, defs: map[string]*paramDef{}}
}

// define adds or replaces a parameter with an expression to evaluate.
func (s *paramScope) define(name, expr string, card *importCard, where string) {
	s.defs[strings.ToLower(name)] = &paramDef{name: name, expr: expr, card: card, where: where}
}

// set adds or replaces a parameter with a known value.
func (s *paramScope) set(name string, v float64, card *importCard, where string) {
	s.defs[strings.ToLower(name)] = &paramDef{name: name, card: card, where: where, state: 2, val: v}
}

// value returns the value of the parameter key (lower case) as seen from
// s. An error in the parameter's own definition comes back as an
// *ImportError located at its .param card; an unknown name as a plain
// error for the caller to locate.
func (s *paramScope) value(key string, im *importer) (float64, error) {
	for sc := s; sc != nil; sc = sc.parent {
		d, ok := sc.defs[key]
		if !ok {
			continue
		}
		switch d.state {
		case 2:
			return d.val, d.err
		case 1:
			d.err = im.cardError(d.card, d.where, fmt.Sprintf("parameter %s depends on itself", d.name))
			return 0, d.err
		}
		if im.paramDepth >= maxParamDepth {
			d.err = im.cardError(d.card, d.where, fmt.Sprintf("parameter %s: parameters refer to parameters more than %d deep", d.name, maxParamDepth))
			return 0, d.err
		}
		im.paramDepth++
		d.state = 1
		v, err := evalExpr(d.expr, func(name string) (float64, error) { return sc.value(name, im) })
		im.paramDepth--
		if err != nil {
			if _, located := err.(*ImportError); !located {
				err = im.cardError(d.card, d.where, fmt.Sprintf("parameter %s: %v", d.name, err))
			}
		}
		d.state, d.val, d.err = 2, v, err
		return v, err
	}
	return 0, fmt.Errorf("unknown parameter %s", key)
}

// eval evaluates the value of a field: a number, or an expression in s.
func (s *paramScope) eval(t deckToken, im *importer) (float64, error) {
	if t.expr {
		return evalExpr(t.s, func(name string) (float64, error) { return s.value(name, im) })
	}
	if !looksNumeric(t.s) {
		return 0, fmt.Errorf("%q is not a number (write {%s} to use a parameter)", t.s, t.s)
	}
	return parseNumber(t.s)
}
