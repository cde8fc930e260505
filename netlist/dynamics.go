package netlist

import (
	"math"
	"strings"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/dynamics"
	"github.com/eqsim/eqsim/internal/tomlloc"
)

// dynamicsKeys are the keys of [training.dynamics].
var dynamicsKeys = []string{"method", "free_time", "nudge_time"}

// parseMeasurement reads the tables of [training] (t) that say how the
// phases run and are measured, [training.dynamics] and [training.sense],
// into c.
func (p *parser) parseMeasurement(t *table, c *eqprop.Config) {
	if v, ok := t.m["dynamics"]; ok {
		p.parseDynamics(t, v, &c.Dynamics)
	}
	if v, ok := t.m["sense"]; ok {
		c.Sense = p.parseSense(t, v, &c.Dynamics)
	}
}

// parseDynamics reads [training.dynamics] into d: method ("equilibrium" or
// "transient"), free_time and nudge_time (seconds, not negative; 0: until
// settled; transient only).
func (p *parser) parseDynamics(t *table, v any, d *dynamics.Settings) {
	m, ok := v.(map[string]any)
	if !ok {
		t.fail("dynamics", "dynamics must be a table: write [training.dynamics]")
	}
	sub := &table{p: p, m: m, path: []string{"training", "dynamics"}, kind: "training", line: p.loc.Line("training", "dynamics")}
	sub.checkKeys(dynamicsKeys)
	if s, ok := sub.str("method"); ok {
		if !contains(dynamics.Methods, s) {
			sub.fail("method", "unknown method %q (want %s)%s", s, strings.Join(dynamics.Methods, " or "), tomlloc.Suggest(s, dynamics.Methods))
		}
		d.Method = s
	}
	for _, f := range []struct {
		key string
		x   *float64
	}{{"free_time", &d.FreeTime}, {"nudge_time", &d.NudgeTime}} {
		x, ok := sub.value(f.key)
		if !ok {
			continue
		}
		if x < 0 {
			sub.fail(f.key, "%s must not be negative, got %v s (0: until the phase settles)", f.key, x)
		}
		if d.Method != dynamics.Transient {
			sub.fail(f.key, "%s needs method = %q: an equilibrium phase has no duration", f.key, dynamics.Transient)
		}
		*f.x = x
	}
}

// parseIntegrationTime reads integration_time of [training.sense] (sub)
// into d.Window: seconds, not negative.
func parseIntegrationTime(sub *table, d *dynamics.Settings) {
	if x, ok := sub.value("integration_time"); ok {
		if x < 0 {
			sub.fail("integration_time", "integration_time must not be negative, got %v s", x)
		}
		d.Window = x
	}
}

// renderDynamics writes [training.dynamics], if anything of it is set.
func (w *writer) renderDynamics(d dynamics.Settings) {
	if d.Method == "" && math.Float64bits(d.FreeTime)|math.Float64bits(d.NudgeTime) == 0 {
		return
	}
	w.printf("\n[training.dynamics]\n")
	if d.Method != "" {
		w.printf("method = %s\n", quote(d.Method))
	}
	if math.Float64bits(d.FreeTime) != 0 {
		w.printf("free_time = %s\n", formatNumber(d.FreeTime))
	}
	if math.Float64bits(d.NudgeTime) != 0 {
		w.printf("nudge_time = %s\n", formatNumber(d.NudgeTime))
	}
}
