package netlist

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

const blockNet = `title = "blocks \"quoted\"\nand a second line"

[options]
temp = 290

[models.d1]
type = "diode"
is = "10f"

[[group]]
name = "h"
size = 3

[[input]]
name = "x"
size = 2
encoding = "differential"
amplitude = 0.5
values = "x.npy"

[[group]]
name = "ha"
size = 3

[[input]]
name = "zero"
size = 2

[[group]]
name = "o"
size = 2

[[crossbar]]
name = "W1"
from = "x"
to = "h"
trainable = true
matrix = "w1.npy"

[[crossbar]]
name = "W/2"
from = "ha"
to = "o"
init = "uniform"
low = "1u"
high = "2u"
trainable = true

[[crossbar]]
name = "Wz"
from = "zero"
to = "o"
init = "constant"
g = 1e-6

[[rectifier]]
name = "RH"
group = "h"
model = "d1"
high = "vhi"
low = "vlo"

[[vsource]]
name = "Vhi"
nodes = ["vhi", "0"]
v = "-0"

[[vsource]]
name = "Vlo"
nodes = ["vlo", "0"]
v = -0.1

[[amplifier]]
name = "A1"
from = "h"
to = "ha"
gain = 4

[[resistor]]
name = "R1"
nodes = ["o[0]", "0"]
r = "3.3k"
trainable = true

[[resistor]]
name = "Rü"
nodes = ["o[1]", "knoten-ü"]
g = 1e-4

[[resistor]]
name = "R3"
nodes = ["knoten-ü", "0"]
g = 1e-4
`

// setupBlocks writes blockNet and its sidecars into a new directory.
func setupBlocks(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeNpyio(t, filepath.Join(dir, "x.npy"), []float64{0.3, -0.7})
	writeNpyio(t, filepath.Join(dir, "w1.npy"), mat.NewDense(4, 3, []float64{1e-5, 2e-5, 3e-5, 4e-5, 5e-5, 6e-5, 7e-5, 8e-5, 9e-5, 1e-4, 1.1e-4, 1.2e-4}))
	path := filepath.Join(dir, "net.toml")
	if err := os.WriteFile(path, []byte(blockNet), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRoundTrip(t *testing.T) {
	nl, err := ParseFile(setupBlocks(t))
	if err != nil {
		t.Fatal(err)
	}
	// Train: change conductances the way a learning rule would, to values
	// with full 53-bit mantissas.
	c := nl.Circuit
	w1 := c.Element("W1").(*circuit.Crossbar)
	w1.G.Apply(func(i, j int, v float64) float64 { return v * (1 + 1.0/3*float64(i+1)) }, w1.G)
	c.Element("R1").(*circuit.Resistor).G /= 7
	c.Element("x").(*circuit.Input).Values[1] = 1.0 / 9

	out := filepath.Join(t.TempDir(), "trained.toml")
	back, _ := writeBack(t, "trained", nl, out)
	if d := Diff(c, back.Circuit); d != "" {
		t.Errorf("circuit read back differs: %s", d)
	}
	if !reflect.DeepEqual(c, back.Circuit) {
		t.Errorf("circuit read back is not reflect.DeepEqual")
	}
	if !reflect.DeepEqual(nl.Models, back.Models) {
		t.Errorf("models %v, read back %v", nl.Models, back.Models)
	}
	// Sidecars: named after the output file, readable by npyio.
	dir := filepath.Dir(out)
	var names []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := "trained.W%2F2.npy trained.W1.npy trained.Wz.npy trained.toml trained.x.npy"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("files written: %s, want %s", got, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "trained.W1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	var g mat.Dense
	if err := npyio.Read(bytes.NewReader(b), &g); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(&g, w1.G) {
		t.Errorf("npyio reads W1 as %v, want %v", mat.Formatted(&g), mat.Formatted(w1.G))
	}
	// Writing the read-back netlist elsewhere gives the same text but for
	// the sidecar names.
	out2 := filepath.Join(t.TempDir(), "again.toml")
	if err := WriteFile(out2, back); err != nil {
		t.Fatal(err)
	}
	t1, _ := os.ReadFile(out)
	t2, _ := os.ReadFile(out2)
	if strings.ReplaceAll(string(t1), "trained", "again") != string(t2) {
		t.Errorf("second write differs:\n%s\n---\n%s", t1, t2)
	}
}

// TestRoundTripExamples writes every example back and reads it again.
func TestRoundTripExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	for _, f := range files {
		if isSweep(f) {
			continue
		}
		nl, err := ParseFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		out := filepath.Join(t.TempDir(), filepath.Base(f))
		if err := WriteFile(out, nl); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		back, err := ParseFile(out)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if d := Diff(nl.Circuit, back.Circuit); d != "" {
			t.Errorf("%s: %s", f, d)
		}
	}
}

func TestWriteRefusesInputs(t *testing.T) {
	path := setupBlocks(t)
	nl, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	before, _ := os.ReadDir(dir)
	if err := WriteFile(path, nl); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("WriteFile over the source: %v", err)
	}
	// Through another spelling of the same path.
	if err := WriteFile(filepath.Join(dir, ".", "net.toml"), nl); err == nil {
		t.Errorf("WriteFile over the source by another path: no error")
	}
	// A sidecar the netlist reads would be overwritten by the output
	// "w1.toml" only if a crossbar were named so; rename one to hit x.npy.
	os.Rename(filepath.Join(dir, "x.npy"), filepath.Join(dir, "out.x.npy"))
	nl.Sidecars = append(nl.Sidecars, filepath.Join(dir, "out.x.npy"))
	if err := WriteFile(filepath.Join(dir, "out.toml"), nl); err == nil || !strings.Contains(err.Error(), "sidecar") {
		t.Errorf("WriteFile over a sidecar: %v", err)
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("files were written: %d before, %d after", len(before), len(after))
	}
	if b, _ := os.ReadFile(path); string(b) != blockNet {
		t.Errorf("source netlist changed")
	}
}

func TestWriteUnexpressible(t *testing.T) {
	g := mat.NewDense(1, 1, []float64{1})
	for _, tc := range []struct {
		name string
		c    *circuit.Circuit
		want string
	}{
		{"crossbar on loose nodes", &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V", Nodes: [2]string{"a", "0"}, V: 1},
			&circuit.Crossbar{Name: "W", From: []string{"a"}, To: []string{"b"}, G: g},
		}}, `crossbar "W": from: node "a" is not a group node`},
		{"negative conductance", &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V", Nodes: [2]string{"a", "0"}, V: 1},
			&circuit.Resistor{Name: "R", Nodes: [2]string{"a", "0"}, G: -1},
		}}, `would not parse`},
		{"model clash", &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V", Nodes: [2]string{"a", "0"}, V: 1},
			&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1}},
			&circuit.Diode{Name: "D2", Nodes: [2]string{"a", "0"}, Model: circuit.DiodeModel{Name: "d", IS: 2e-14, N: 1}},
		}}, `model "d" differs`},
		{"space in a node", &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V", Nodes: [2]string{"a b", "0"}, V: 1},
		}}, `would not parse`},
	} {
		dir := t.TempDir()
		err := WriteFile(filepath.Join(dir, "x.toml"), &Netlist{Circuit: tc.c})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%s: %d files written", tc.name, len(ents))
		}
	}
}

// TestWriteProgrammatic writes a circuit built in code, with awkward
// names and values, and reads it back.
func TestWriteProgrammatic(t *testing.T) {
	c := &circuit.Circuit{
		Title:  "tab\there, quote \" backslash \\ bell \a",
		Groups: []circuit.Group{{Name: "g.1", Size: 2}},
		Elements: []circuit.Element{
			&circuit.VSource{Name: "V\"1", Nodes: [2]string{"a#b", "gnd"}, V: -0.0},
			&circuit.Resistor{Name: "R'1", Nodes: [2]string{"a#b", "g.1[1]"}, G: 5e-324},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"g.1[0]", "g.1[1]"}, G: 1.7976931348623157e308},
			&circuit.Resistor{Name: "R3", Nodes: [2]string{"g.1[0]", "0"}, G: 0.1},
		},
	}
	c.Elements[0].(*circuit.VSource).V = negZero()
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "p.toml"), &Netlist{Circuit: c}); err != nil {
		t.Fatal(err)
	}
	back, err := ParseFile(filepath.Join(dir, "p.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff(c, back.Circuit); d != "" {
		t.Error(d)
	}
	if d := Diff(c, &circuit.Circuit{Title: c.Title, Groups: c.Groups, Elements: []circuit.Element{
		&circuit.VSource{Name: "V\"1", Nodes: [2]string{"a#b", "gnd"}, V: 0}, c.Elements[1], c.Elements[2], c.Elements[3]}}); d == "" {
		t.Error("Diff does not tell -0 from 0")
	}
}

func negZero() float64 { z := 0.0; return -z }

// TestWriteNumpy checks with numpy that the written sidecars load as
// float64 C-ordered arrays of the right shape and values.
func TestWriteNumpy(t *testing.T) {
	py := pythonWithNumpy()
	if py == "" {
		t.Skip("python3 with numpy is not installed")
	}
	nl, err := ParseFile(setupBlocks(t))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "n.toml")
	if err := WriteFile(out, nl); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.float64 and a.flags.c_contiguous
print(*a.shape)
print(*[repr(float(v)) for v in a.flat])
`
	w1 := nl.Circuit.Element("W1").(*circuit.Crossbar).G
	got, err := exec.Command(py, "-c", script, filepath.Join(filepath.Dir(out), "n.W1.npy")).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, got)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if len(lines) != 2 || lines[0] != "4 3" {
		t.Fatalf("numpy says %q", got)
	}
	for k, f := range strings.Fields(lines[1]) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || v != w1.At(k/3, k%3) {
			t.Errorf("numpy element %d = %s, want %v", k, f, w1.At(k/3, k%3))
		}
	}
}
