package importer

import (
	"errors"
	"strings"
)

// deckToken is one field of a card.
type deckToken struct {
	// s is the field's text; for an expression, what is inside the
	// braces or quotes.
	s string
	// expr marks an expression, written {...} or '...'.
	expr bool
	// eq marks the field "=".
	eq bool
}

// tokenizeCard splits a card into fields as SPICE does: fields are
// separated by blanks, commas and parentheses; "=" is a field of its own,
// so that "r=1k", "r = 1k" and "r =1k" read alike; an expression in braces
// ({a * 2}) or single quotes ('a * 2', as ngspice reads it) is one field
// whatever it holds.
func tokenizeCard(text string) ([]deckToken, error) {
	var toks []deckToken
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == ',' || c == '(' || c == ')':
			i++
		case c == '=':
			toks = append(toks, deckToken{s: "=", eq: true})
			i++
		case c == '{':
			j := closingBrace(text, i)
			if j < 0 {
				return nil, errors.New("missing } after {")
			}
			toks = append(toks, deckToken{s: text[i+1 : j], expr: true})
			i = j + 1
		case c == '\'':
			j := strings.IndexByte(text[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("missing closing ' of an expression")
			}
			toks = append(toks, deckToken{s: text[i+1 : i+1+j], expr: true})
			i += j + 2
		case c == '}':
			return nil, errors.New("} without {")
		default:
			j := i
			for j < len(text) && strings.IndexByte(" \t,()={}'", text[j]) < 0 {
				j++
			}
			toks = append(toks, deckToken{s: text[i:j]})
			i = j
		}
	}
	return toks, nil
}

// deckParam is a key=value field of a card.
type deckParam struct {
	key string // lower case
	val deckToken
}

// splitParams splits fields into positional fields and key=value pairs,
// in order. It returns an error for an "=" without a key or a value.
func splitParams(toks []deckToken) (pos []deckToken, params []deckParam, err error) {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.eq {
			return nil, nil, errors.New("= without a name before it")
		}
		if i+1 < len(toks) && toks[i+1].eq {
			if t.expr {
				return nil, nil, errors.New("an expression cannot be a parameter name")
			}
			if i+2 >= len(toks) || toks[i+2].eq {
				return nil, nil, errors.New("parameter " + t.s + "= without a value")
			}
			params = append(params, deckParam{key: strings.ToLower(t.s), val: toks[i+2]})
			i += 2
			continue
		}
		pos = append(pos, t)
	}
	return pos, params, nil
}

// closingBrace returns the index of the } that closes the { at s[i], or -1.
func closingBrace(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}
