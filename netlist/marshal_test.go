package netlist

import (
	"strings"
	"testing"
)

// TestMarshal renders a netlist without sidecars and parses the text
// back; one with a crossbar needs sidecars and is refused.
func TestMarshal(t *testing.T) {
	src := `title = "divider"

[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = 1

[[resistor]]
name = "R1"
nodes = ["in", "out"]
r = "3k"
trainable = true

[[resistor]]
name = "R2"
nodes = ["out", "0"]
g = 1e-3
`
	nl, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	text, err := Marshal(nl)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(text, "")
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff(nl.Circuit, back.Circuit); d != "" {
		t.Errorf("marshalled netlist differs: %s\n%s", d, text)
	}
	xbar := src + `
[[group]]
name = "h"
size = 2

[[crossbar]]
name = "W"
from = "h"
to = "h"
init = "constant"
g = 1e-6

[[resistor]]
name = "Rh0"
nodes = ["h[0]", "0"]
g = 1e-3

[[resistor]]
name = "Rh1"
nodes = ["h[1]", "0"]
g = 1e-3
`
	nl, err = Parse([]byte(xbar), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Marshal(nl); err == nil || !strings.Contains(err.Error(), "sidecar") {
		t.Errorf("a crossbar: %v, want an error about sidecar files", err)
	}
}
