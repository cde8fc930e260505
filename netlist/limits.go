package netlist

import "github.com/eqsim/eqsim/audit"

// parseLimits reads the [limits] section: the limits of a chip that eqsim
// audit checks the operating point against, each a positive number in SI
// units (see audit.Limits), each optional.
func (p *parser) parseLimits(t *table) *audit.Limits {
	t.checkKeys(audit.Keys)
	l := &audit.Limits{}
	for _, k := range audit.Keys {
		if v, ok := t.positive(k); ok {
			*l.Field(k) = v
		}
	}
	return l
}

// renderLimits writes the [limits] section, if there is one.
func (w *writer) renderLimits(l *audit.Limits) {
	if l == nil {
		return
	}
	w.printf("\n[limits]\n")
	for _, k := range audit.Keys {
		if v := *l.Field(k); v != 0 {
			w.printf("%s = %s # %s\n", k, formatNumber(v), audit.Units[k])
		}
	}
}
