package netlist

import (
	"strings"
	"testing"
)

func TestSetPath(t *testing.T) {
	doc := `
title = "t"
[[crossbar]]
name = "W1"
g = 1
[[crossbar]]
name = "W2"
g = 2
[training]
epochs = 3
`
	text, err := Overridden([]byte(doc), []Override{
		{"crossbar[W2].g", 5.0}, {"training.device.levels", int64(16)}, {"training.epochs", int64(7)}, {"options.temp", "310"},
		{"crossbar[*].wire_r", "2k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(text), `wire_r = "2k"`); n != 2 {
		t.Errorf("crossbar[*].wire_r set %d crossbars, want 2:\n%s", n, text)
	}
	for _, w := range []string{"g = 5.0", "levels = 16", "epochs = 7", "temp = \"310\"", "g = 1"} {
		if !strings.Contains(string(text), w) {
			t.Errorf("rewritten netlist lacks %q:\n%s", w, text)
		}
	}
	for _, tc := range []struct{ path, err string }{
		{"crossbar[W3].g", `no [[crossbar]] is named "W3"`},
		{"resistor[R1].g", "no [[resistor]]"},
		{"title.x", "not a table"},
		{"training..x", "empty key"},
		{"crossbar[W1]", "ends in an element"},
	} {
		_, err := Overridden([]byte(doc), []Override{{tc.path, 1.0}})
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.path, err, tc.err)
		}
	}
}
