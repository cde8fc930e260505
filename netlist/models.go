package netlist

import "github.com/eqsim/eqsim/circuit"

// realDiode reads the keys of a diode model that make it a real part:
// the series resistance rs (ohms, 0 or absent: none) and the reverse
// breakdown voltage bv (volts, positive; absent: none) with its current
// ibv (amperes, positive; absent: SPICE's 1 mA).
func (p *parser) realDiode(t *table, d *circuit.DiodeModel) {
	if v, ok := t.value("rs"); ok {
		if v < 0 {
			t.fail("rs", "rs must not be negative, got %v", v)
		}
		d.RS = v + 0 // -0 is 0
	}
	if v, ok := t.positive("bv"); ok {
		d.BV = v
	}
	if v, ok := t.positive("ibv"); ok {
		if _, bv := t.m["bv"]; !bv {
			t.fail("ibv", "ibv is the current at the breakdown voltage: give bv too")
		}
		d.IBV = v
	}
}

// writeModel writes the diode model m as the table [models.NAME], its real
// parts where it has them.
func writeModel(w *writer, name string, m circuit.DiodeModel) {
	w.printf("\n[models.%s]\ntype = \"diode\"\nis = %s\nn = %s\n", tomlKey(name), formatNumber(m.IS), formatNumber(m.N))
	for _, k := range []struct {
		key string
		v   float64
	}{{"rs", m.RS}, {"bv", m.BV}, {"ibv", m.IBV}} {
		if k.v != 0 {
			w.printf("%s = %s\n", k.key, formatNumber(k.v))
		}
	}
}
