package circuit

import (
	"fmt"
	"strings"
)

// Error is a topology or value error found while compiling a circuit. It
// names the element or the nodes at fault.
type Error struct {
	// Element is the element at fault, if one is.
	Element string
	// Nodes are the nodes at fault, if any.
	Nodes []string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Element != "" {
		fmt.Fprintf(&b, "element %q: ", e.Element)
	}
	b.WriteString(e.Msg)
	if len(e.Nodes) > 0 {
		const most = 10
		n := e.Nodes
		more := ""
		if len(n) > most {
			more = fmt.Sprintf(" and %d more", len(n)-most)
			n = n[:most]
		}
		fmt.Fprintf(&b, ": %s%s", strings.Join(n, ", "), more)
	}
	return b.String()
}
