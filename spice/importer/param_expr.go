package importer

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// maxExprDepth bounds the nesting of parentheses and unary signs in an
// expression, so that a hostile deck cannot exhaust the stack.
const maxExprDepth = 200

// exprParser evaluates the arithmetic of .param values and {} fields:
// numbers (with scale factors, as parseNumber reads them), parameter names
// (case-insensitive), + - * /, unary + and -, and parentheses, with the
// usual precedence, in float64 as ngspice does. Function calls and other
// operators are errors that say so.
type exprParser struct {
	src    string
	pos    int
	depth  int
	lookup func(name string) (float64, error)
}

// evalExpr evaluates the expression src, looking parameter names up with
// lookup (which gets them in lower case).
func evalExpr(src string, lookup func(string) (float64, error)) (float64, error) {
	p := &exprParser{src: src, lookup: lookup}
	p.space()
	if p.pos == len(p.src) {
		return 0, errors.New("empty expression")
	}
	v, err := p.sum()
	if err != nil {
		return 0, err
	}
	p.space()
	if p.pos < len(p.src) {
		return 0, p.unexpected()
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("expression {%s} is not finite", src)
	}
	return v, nil
}

func (p *exprParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// unexpected describes the character at p.pos.
func (p *exprParser) unexpected() error {
	rest := p.src[p.pos:]
	for _, op := range []string{"**", "^", "%", "==", "!=", "<=", ">=", "<", ">", "&&", "||", "?", ":", "!"} {
		if strings.HasPrefix(rest, op) {
			return fmt.Errorf("operator %s in {%s} is not supported (only + - * / and parentheses)", op, p.src)
		}
	}
	return fmt.Errorf("unexpected %q in {%s}", rest, p.src)
}

func (p *exprParser) sum() (float64, error) {
	v, err := p.product()
	if err != nil {
		return 0, err
	}
	for {
		p.space()
		if p.pos >= len(p.src) || (p.src[p.pos] != '+' && p.src[p.pos] != '-') {
			return v, nil
		}
		op := p.src[p.pos]
		p.pos++
		w, err := p.product()
		if err != nil {
			return 0, err
		}
		if op == '+' {
			v += w
		} else {
			v -= w
		}
	}
}

func (p *exprParser) product() (float64, error) {
	v, err := p.unary()
	if err != nil {
		return 0, err
	}
	for {
		p.space()
		if p.pos >= len(p.src) || (p.src[p.pos] != '*' && p.src[p.pos] != '/') {
			return v, nil
		}
		if strings.HasPrefix(p.src[p.pos:], "**") {
			return 0, p.unexpected()
		}
		op := p.src[p.pos]
		p.pos++
		w, err := p.unary()
		if err != nil {
			return 0, err
		}
		if op == '*' {
			v *= w
		} else {
			if w == 0 {
				return 0, fmt.Errorf("division by zero in {%s}", p.src)
			}
			v /= w
		}
	}
}

func (p *exprParser) unary() (float64, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxExprDepth {
		return 0, fmt.Errorf("expression nested deeper than %d", maxExprDepth)
	}
	p.space()
	if p.pos < len(p.src) && (p.src[p.pos] == '-' || p.src[p.pos] == '+') {
		neg := p.src[p.pos] == '-'
		p.pos++
		v, err := p.unary()
		if neg {
			v = -v
		}
		return v, err
	}
	return p.primary()
}

func (p *exprParser) primary() (float64, error) {
	p.space()
	if p.pos >= len(p.src) {
		return 0, fmt.Errorf("{%s} ends where a value is missing", p.src)
	}
	c := p.src[p.pos]
	switch {
	case c == '(':
		p.pos++
		v, err := p.sum()
		if err != nil {
			return 0, err
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return 0, fmt.Errorf("missing ) in {%s}", p.src)
		}
		p.pos++
		return v, nil
	case isDeckDigit(c) || c == '.':
		start := p.pos
		for p.pos < len(p.src) && (isDeckDigit(p.src[p.pos]) || p.src[p.pos] == '.') {
			p.pos++
		}
		// An exponent: e, an optional sign and digits.
		if p.pos < len(p.src) && (p.src[p.pos]|0x20) == 'e' {
			j := p.pos + 1
			if j < len(p.src) && (p.src[j] == '+' || p.src[j] == '-') {
				j++
			}
			if j < len(p.src) && isDeckDigit(p.src[j]) {
				for j < len(p.src) && isDeckDigit(p.src[j]) {
					j++
				}
				p.pos = j
			}
		}
		// A scale factor and units, as in a field.
		for p.pos < len(p.src) && (isDeckLetter(p.src[p.pos]) || isDeckDigit(p.src[p.pos])) {
			p.pos++
		}
		return readNumber(p.src[start:p.pos], true)
	case isDeckLetter(c) || c == '_':
		start := p.pos
		for p.pos < len(p.src) && (isDeckLetter(p.src[p.pos]) || isDeckDigit(p.src[p.pos]) || p.src[p.pos] == '_') {
			p.pos++
		}
		name := p.src[start:p.pos]
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == '(' {
			return 0, fmt.Errorf("function %s() in {%s} is not supported (only + - * / and parentheses)", name, p.src)
		}
		return p.lookup(strings.ToLower(name))
	}
	return 0, p.unexpected()
}
