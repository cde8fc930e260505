package netlist

import (
	"fmt"
	"path/filepath"
	"testing"
)

// kendallNet is a Kendall-style layered netlist: differential inputs,
// a hidden layer with diode-pair rectifiers and amplifiers, outputs.
func kendallNet(in, hidden, out int) string {
	return fmt.Sprintf(`
[models.d]
type = "diode"
[[vsource]]
name = "Vhi"
nodes = ["vhi", "0"]
v = 0.5
[[vsource]]
name = "Vlo"
nodes = ["vlo", "0"]
v = -0.5
[[input]]
name = "x"
size = %d
encoding = "differential"
[[group]]
name = "h"
size = %d
[[group]]
name = "ha"
size = %d
[[group]]
name = "y"
size = %d
[[crossbar]]
name = "W1"
from = "x"
to = "h"
init = "uniform"
low = 1e-7
high = 1e-5
trainable = true
[[rectifier]]
name = "RH"
group = "h"
model = "d"
high = "vhi"
low = "vlo"
[[amplifier]]
name = "A1"
from = "h"
to = "ha"
gain = 4
[[crossbar]]
name = "W2"
from = "ha"
to = "y"
init = "uniform"
low = 1e-7
high = 1e-5
trainable = true
[[rectifier]]
name = "RY"
group = "y"
model = "d"
high = "vhi"
low = "vlo"
`, in, hidden, hidden, out)
}

func benchmarkParse(b *testing.B, in, hidden, out int) {
	src := []byte(kendallNet(in, hidden, out))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src, "k.toml"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse784x100x10(b *testing.B)  { benchmarkParse(b, 784, 100, 10) }
func BenchmarkParse784x1024x10(b *testing.B) { benchmarkParse(b, 784, 1024, 10) }

func benchmarkWriteFile(b *testing.B, in, hidden, out int) {
	nl, err := Parse([]byte(kendallNet(in, hidden, out)), "k.toml")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "w.toml")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteFile(path, nl); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteFile784x100x10(b *testing.B)  { benchmarkWriteFile(b, 784, 100, 10) }
func BenchmarkWriteFile784x1024x10(b *testing.B) { benchmarkWriteFile(b, 784, 1024, 10) }
