package netlist

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// Error is a problem with a netlist: a TOML syntax error, a bad or missing
// value, an unknown key, a dangling reference or a topology error found by
// mna.Compile. It says where: the file, the line when it is known, and
// the element, model, group or section at fault.
type Error struct {
	// File is the netlist's path as given to Parse or ParseFile; it may be
	// empty.
	File string
	// Line is the 1-based line of the offending key, or of the header of the
	// element at fault, or 0 when no single line is to blame.
	Line int
	// Kind is what is at fault: an element card or block ("resistor",
	// "crossbar", ...), "model", "group", "options", or empty for the file
	// as a whole.
	Kind string
	// Element is the name of the element, model or group at fault, if it has
	// one.
	Element string
	// Nodes are the nodes at fault, for topology errors.
	Nodes []string
	// Msg says what is wrong.
	Msg string
}

// Error formats e as "file:line: kind \"name\": message", leaving out the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	switch {
	case e.Kind != "" && e.Element != "":
		fmt.Fprintf(&b, "%s %q: ", e.Kind, e.Element)
	case e.Kind != "":
		fmt.Fprintf(&b, "%s: ", e.Kind)
	case e.Element != "":
		fmt.Fprintf(&b, "%q: ", e.Element)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// bailout carries an *Error up through the recursive descent of the
// parser; Parse recovers it. Any other panic is a bug and is not recovered.
type bailout struct{ err *Error }

func bail(e *Error) { panic(bailout{e}) }

// catch converts a bailout into an error; it must be deferred.
func catch(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(bailout)
		if !ok {
			panic(r)
		}
		*err = b.err
	}
}

// fromCircuit converts a compile error into an *Error, locating the element
// it names, or the first element that uses the first node it names.
func (p *parser) fromCircuit(err error) error {
	var ce *circuit.Error
	if !errors.As(err, &ce) {
		return &Error{File: p.file, Msg: err.Error()}
	}
	e := &Error{File: p.file, Element: ce.Element, Msg: ce.Msg}
	if ce.Element != "" {
		if m, ok := p.meta[ce.Element]; ok {
			e.Kind, e.Line = m.kind, m.line
		}
	}
	if len(ce.Nodes) > 0 {
		e.Nodes = append([]string(nil), ce.Nodes...)
		const most = 10
		n, more := ce.Nodes, ""
		if len(n) > most {
			more = fmt.Sprintf(" and %d more", len(n)-most)
			n = n[:most]
		}
		e.Msg = fmt.Sprintf("%s: %s%s", ce.Msg, strings.Join(n, ", "), more)
		if e.Element == "" {
			n0 := ce.Nodes[0]
			if u, ok := p.firstUse[n0]; ok {
				e.Line = u.line
				e.Msg += fmt.Sprintf(" (%s is first used by %s %q)", n0, u.kind, u.name)
			} else if i := strings.IndexByte(n0, '['); i > 0 {
				if g, ok := p.groups[n0[:i]]; ok {
					e.Line = g.line
					e.Msg += fmt.Sprintf(" (%s is a node of %s %q)", n0, g.kind, g.Name)
				}
			}
		}
	}
	return e
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
