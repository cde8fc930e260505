package netlist

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/internal/tomlloc"

	"github.com/eqsim/eqsim/circuit/mna"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// writeNpyio writes v (a *mat.Dense or []float64) with npyio, a writer
// independent of ours.
func writeNpyio(t testing.TB, path string, v any) {
	t.Helper()
	var b bytes.Buffer
	if err := npyio.Write(&b, v); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

const allCards = `title = "every card"

[options]
temp = 310
node_capacitance = "2p"

[models.d1]
type = "diode"
is = 2e-14
n = 1.5

[models.dflt]
type = "diode"

[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = "1.5"

[[resistor]]
name = "R1"
nodes = ["in", "a"]
r = "10k"
trainable = true

[[resistor]]
name = "R2"
nodes = ["a", "gnd"]
g = 2e-4

[[diode]]
name = "D1"
nodes = ["a", "0"]
model = "d1"

[[isource]]
name = "I1"
nodes = ["0", "a"]
i = "1u"

[[vcvs]]
name = "E1"
nodes = ["b", "0"]
control = ["a", "0"]
gain = 4

[[resistor]]
name = "R3"
nodes = ["b", "0"]
r = 1000

[[vsource]]
name = "Vs"
nodes = ["b", "c"]
v = 0

[[cccs]]
name = "F1"
nodes = ["0", "c"]
control = "Vs"
gain = 0.25

[[capacitor]]
name = "C1"
nodes = ["a", "0"]
c = "1p"

[[diode]]
name = "D2"
nodes = ["c", "0"]
model = "dflt"
`

func TestParseCards(t *testing.T) {
	nl, err := Parse([]byte(allCards), "cards.toml")
	if err != nil {
		t.Fatal(err)
	}
	d1 := circuit.DiodeModel{Name: "d1", IS: 2e-14, N: 1.5}
	dflt := circuit.DiodeModel{Name: "dflt", IS: 1e-14, N: 1}
	want := &circuit.Circuit{
		Title:           "every card",
		Temp:            310,
		NodeCapacitance: 2e-12,
		Elements: []circuit.Element{
			&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 1.5},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1 / 1e4, Trainable: true},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "gnd"}, G: 2e-4},
			&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: d1},
			&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 1e-6},
			&circuit.VCVS{Name: "E1", Nodes: [2]string{"b", "0"}, Control: [2]string{"a", "0"}, Gain: 4},
			&circuit.Resistor{Name: "R3", Nodes: [2]string{"b", "0"}, G: 1e-3},
			&circuit.VSource{Name: "Vs", Nodes: [2]string{"b", "c"}, V: 0},
			&circuit.CCCS{Name: "F1", Nodes: [2]string{"0", "c"}, Control: "Vs", Gain: 0.25},
			&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "0"}, C: 1e-12},
			&circuit.Diode{Name: "D2", Nodes: [2]string{"c", "0"}, Model: dflt},
		},
	}
	if d := Diff(want, nl.Circuit); d != "" {
		t.Errorf("circuit differs from the expected one: %s", d)
	}
	if got := fmt.Sprint(nl.Models); got != fmt.Sprint([]circuit.DiodeModel{d1, dflt}) {
		t.Errorf("models = %v", got)
	}
	if nl.Path != "cards.toml" || len(nl.Sidecars) != 0 {
		t.Errorf("path %q, sidecars %v", nl.Path, nl.Sidecars)
	}
}

// TestElementOrder checks that elements keep file order across kinds,
// for headers and for inline arrays of tables.
func TestElementOrder(t *testing.T) {
	src := `
[[resistor]]
name = "R1"
nodes = ["a", "0"]
r = 1

[[vsource]]
name = "V1"
nodes = ["a", "0"]
v = 1

[[resistor]]
name = "R2"
nodes = ["a", "0"]
r = 1

[[group]]
name = "h"
size = 2

[[resistor]]
name = "R3"
nodes = ["h[1]", "a"]
r = 1

[[resistor]]
name = "R4"
nodes = ["h[0]", "a"]
r = 1
`
	nl, err := Parse([]byte(src), "order.toml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range nl.Circuit.Elements {
		got = append(got, e.Label())
	}
	if s := strings.Join(got, " "); s != "R1 V1 R2 R3 R4" {
		t.Errorf("order %s", s)
	}

	inline := `
capacitor = [{name = "C1", nodes = ["a", "0"], c = 1}]
resistor = [
  {name = "R1", nodes = ["a", "0"], r = 1},
  {name = "R2", nodes = ["a", "0"], r = "2"},
]
vsource = [{name = "V1", nodes = ["a", "0"], v = 1}]
`
	nl, err = Parse([]byte(inline), "inline.toml")
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, e := range nl.Circuit.Elements {
		got = append(got, e.Label())
	}
	if s := strings.Join(got, " "); s != "C1 R1 R2 V1" {
		t.Errorf("inline order %s", s)
	}
}

func TestParseBlocks(t *testing.T) {
	dir := t.TempDir()
	w := mat.NewDense(3, 2, []float64{1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4})
	writeNpyio(t, filepath.Join(dir, "w.npy"), w)
	writeNpyio(t, filepath.Join(dir, "x.npy"), []float64{0.5, -0.25})
	src := `
[models.d1]
type = "diode"

[[input]]
name = "x"
size = 2
encoding = "differential"
amplitude = 2
values = "x.npy"

[[input]]
name = "s"
size = 3
values = [1, "2m", 0.5]

[[group]]
name = "h"
size = 3

[[group]]
name = "ha"
size = 3

[[group]]
name = "o"
size = 2

[[crossbar]]
name = "W0"
from = "s"
to = "h"
init = "constant"
g = "10u"

[[crossbar]]
name = "W1"
from = "x"
to = "h"
init = "uniform"
low = 1e-5
high = "20u"
seed = 7
trainable = true

[[rectifier]]
name = "RH"
group = "h"
model = "d1"
high = "vhi"
low = "vlo"

[[vsource]]
name = "Vhi"
nodes = ["vhi", "0"]
v = 0.5

[[vsource]]
name = "Vlo"
nodes = ["vlo", "0"]
v = -0.5

[[amplifier]]
name = "A1"
from = "h"
to = "ha"
gain = 4

[[crossbar]]
name = "W2"
from = "ha"
to = "o"
matrix = "w.npy"
trainable = true

[[resistor]]
name = "Rload"
nodes = ["o[1]", "0"]
r = "1meg"

[[resistor]]
name = "Rload0"
nodes = ["o[0]", "0"]
r = "1meg"
`
	// The 4-node differential input x feeds 3 hidden nodes: W1 is 4x3.
	path := filepath.Join(dir, "blocks.toml")
	nl, err := Parse([]byte(src), path)
	if err != nil {
		t.Fatal(err)
	}
	c := nl.Circuit
	if got := fmt.Sprint(c.Groups); got != "[{x 4} {s 3} {h 3} {ha 3} {o 2}]" {
		t.Errorf("groups %s", got)
	}
	in := c.Element("x").(*circuit.Input)
	if !in.Differential || in.Amplitude != 2 || fmt.Sprint(in.Values) != "[0.5 -0.25]" ||
		strings.Join(in.Nodes, " ") != "x[0] x[1] x[2] x[3]" {
		t.Errorf("input x = %+v", in)
	}
	if v := in.Voltage(3); v != 0.5 {
		t.Errorf("x[3] at %v V, want -2*-0.25 = 0.5", v)
	}
	s := c.Element("s").(*circuit.Input)
	if s.Differential || s.Amplitude != 1 || fmt.Sprint(s.Values) != "[1 0.002 0.5]" {
		t.Errorf("input s = %+v", s)
	}
	w0 := c.Element("W0").(*circuit.Crossbar)
	if w0.Trainable || !mat.Equal(w0.G, mat.NewDense(3, 3, []float64{1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5})) {
		t.Errorf("W0 = %v", mat.Formatted(w0.G))
	}
	w1 := c.Element("W1").(*circuit.Crossbar)
	rng := rand.New(rand.NewPCG(7, 0))
	for i := range 4 {
		for j := range 3 {
			want := 1e-5 + (20e-6-1e-5)*rng.Float64()
			if got := w1.G.At(i, j); got != want {
				t.Errorf("W1[%d,%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	if !w1.Trainable || strings.Join(w1.From, " ") != "x[0] x[1] x[2] x[3]" || strings.Join(w1.To, " ") != "h[0] h[1] h[2]" {
		t.Errorf("W1 = %+v", w1)
	}
	w2 := c.Element("W2").(*circuit.Crossbar)
	if !mat.Equal(w2.G, w) || !w2.Trainable {
		t.Errorf("W2 = %v, want %v", mat.Formatted(w2.G), mat.Formatted(w))
	}
	rh := c.Element("RH").(*circuit.Rectifier)
	if rh.High != "vhi" || rh.Low != "vlo" || rh.Model.Name != "d1" || rh.Model.IS != 1e-14 || len(rh.Nodes) != 3 {
		t.Errorf("RH = %+v", rh)
	}
	a1 := c.Element("A1").(*circuit.Amplifier)
	if a1.Gain != 4 || strings.Join(a1.To, " ") != "ha[0] ha[1] ha[2]" {
		t.Errorf("A1 = %+v", a1)
	}
	if len(nl.Sidecars) != 2 || filepath.Base(nl.Sidecars[0]) != "x.npy" || filepath.Base(nl.Sidecars[1]) != "w.npy" {
		t.Errorf("sidecars %v", nl.Sidecars)
	}
	if _, err := mna.Compile(c); err != nil {
		t.Errorf("compile: %v", err)
	}
}

// TestParseCrossbarMatrix checks that a matrix is read row by row as
// [from, to].
func TestParseCrossbarMatrix(t *testing.T) {
	dir := t.TempDir()
	want := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	writeNpyio(t, filepath.Join(dir, "m.npy"), want)
	src := `
[[group]]
name = "a"
size = 3
[[group]]
name = "b"
size = 2
[[crossbar]]
name = "W"
from = "a"
to = "b"
matrix = "m.npy"
[[resistor]]
name = "R"
nodes = ["a[0]", "0"]
r = 1
`
	nl, err := Parse([]byte(src), filepath.Join(dir, "m.toml"))
	if err != nil {
		t.Fatal(err)
	}
	got := nl.Circuit.Element("W").(*circuit.Crossbar).G
	if !mat.Equal(got, want) {
		t.Errorf("W = %v, want %v", mat.Formatted(got), mat.Formatted(want))
	}
}

// TestParseCrossbarSparse checks init = "sparse": a conductance is low
// unless a first draw falls below density, and then low plus a second
// draw times high - low.
func TestParseCrossbarSparse(t *testing.T) {
	src := `
[[group]]
name = "a"
size = 60
[[group]]
name = "b"
size = 50
[[crossbar]]
name = "W"
from = "a"
to = "b"
init = "sparse"
low = "1n"
high = "2.5u"
density = 0.25
seed = 9
[[resistor]]
name = "R"
nodes = ["a[0]", "0"]
r = 1
`
	nl, err := Parse([]byte(src), "sparse.toml")
	if err != nil {
		t.Fatal(err)
	}
	g := nl.Circuit.Element("W").(*circuit.Crossbar).G
	rng := rand.New(rand.NewPCG(9, 0))
	drawn := 0
	for i := range 60 {
		for j := range 50 {
			want := 1e-9
			if rng.Float64() < 0.25 {
				want += (2.5e-6 - 1e-9) * rng.Float64()
				drawn++
			}
			if got := g.At(i, j); got != want {
				t.Fatalf("W[%d,%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	// 3000 draws: the share drawn is within 4 standard deviations (0.8%).
	if f := float64(drawn) / 3000; math.Abs(f-0.25) > 0.032 {
		t.Errorf("%.3f of the conductances drawn, want 0.25", f)
	}
}

// lineOf returns the 1-based line of the first line of src containing
// "#!", or 0.
func lineOf(src string) int {
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "#!") {
			return i + 1
		}
	}
	return 0
}

const okHead = `[[vsource]]
name = "V1"
nodes = ["a", "0"]
v = 1

[models.d1]
type = "diode"

[[group]]
name = "h"
size = 4
`

// errorCases are bad netlists for TestErrors, and seeds for FuzzParse.
// Each src is appended to okHead unless it starts with "!"; the line
// marked #! is the line the error must name (none if unmarked); want are
// substrings of the message.
var errorCases = []struct {
	name, src string
	want      []string
}{
	// TOML syntax.
	{"syntax header", "[[resistor] #!\nname = \"R1\"\n", []string{"TOML syntax"}},
	{"syntax string", "[[resistor]]\nname = \"R1 #!\nr = 1\n", []string{"TOML syntax"}},
	{"syntax value", "[[resistor]]\nname = \"R1\"\nr = 10k #!\n", []string{"TOML syntax"}},
	{"syntax duplicate key", "[[resistor]]\nname = \"R1\"\nname = \"R2\" #!\n", []string{"TOML syntax", "name"}},

	// Unknown keys.
	{"unknown top key", "!resistors = 1 #!\n", []string{`unknown key "resistors"`, `did you mean "resistor"`}},
	{"unknown table", "[solver] #!\nx = 1\n", []string{`unknown key "solver"`}},
	{"unknown resistor key", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1\ntrainabel = true #!\n",
		[]string{`resistor "R1"`, `unknown key "trainabel"`, `did you mean "trainable"`}},
	{"unknown option", "[options]\ntmp = 300 #!\n", []string{"options", `unknown key "tmp"`, `"temp"`}},
	{"unknown model key", "[models.d2]\ntype = \"diode\"\niss = 1e-14 #!\n", []string{`model "d2"`, `unknown key "iss"`}},
	{"unknown key first in file order", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nzz = 1 #!\nr = 1\naa = 2\n",
		[]string{`unknown key "zz"`}},
	{"unknown crossbar key", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\nint = \"uniform\" #!\n",
		[]string{`crossbar "W"`, `unknown key "int"`, `did you mean "init"`}},

	// Names.
	{"missing name", "[[resistor]] #!\nnodes = [\"a\", \"0\"]\nr = 1\n", []string{"resistor", "missing name", "1st resistor"}},
	{"empty name", "[[resistor]]\nname = \"\" #!\nnodes = [\"a\", \"0\"]\nr = 1\n", []string{"resistor", "empty name"}},
	{"name not a string", "[[resistor]]\nname = 5 #!\nnodes = [\"a\", \"0\"]\nr = 1\n", []string{"name must be a string"}},
	{"name with space", "[[resistor]]\nname = \"R 1\" #!\nnodes = [\"a\", \"0\"]\nr = 1\n", []string{"space"}},
	{"duplicate name", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1\n[[resistor]]\nname = \"R1\" #!\nnodes = [\"a\", \"0\"]\nr = 1\n",
		[]string{`resistor "R1"`, "duplicate element name", "line 12"}},
	{"duplicate across kinds", "[[resistor]]\nname = \"V1\" #!\nnodes = [\"a\", \"0\"]\nr = 1\n",
		[]string{`resistor "V1"`, "duplicate element name", "vsource at line 1"}},
	{"duplicate group", "[[group]]\nname = \"h\" #!\nsize = 2\n", []string{`group "h"`, "duplicate group name"}},
	{"input named like a group", "[[input]]\nname = \"h\" #!\nsize = 2\n", []string{`input "h"`, "duplicate group name"}},
	{"group name with bracket", "[[group]]\nname = \"g[1]\" #!\nsize = 2\n", []string{`group "g[1]"`, "must not contain ["}},
	{"group named gnd", "[[group]]\nname = \"gnd\" #!\nsize = 2\n", []string{`group "gnd"`, "ground"}},

	// Resistor values.
	{"both r and g", "[[resistor]] #!\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1\ng = 1\n", []string{`resistor "R1"`, "both r and g"}},
	{"neither r nor g", "[[resistor]] #!\nname = \"R1\"\nnodes = [\"a\", \"0\"]\n", []string{`resistor "R1"`, "neither r nor g"}},
	{"negative r", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = -5 #!\n", []string{`resistor "R1"`, "r must be positive", "-5"}},
	{"zero g", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\ng = \"0k\" #!\n", []string{"g must be positive"}},
	{"nan g", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\ng = nan #!\n", []string{"g must be finite"}},
	{"inf r", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = +inf #!\n", []string{"r must be finite"}},
	{"tiny r", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1e-320 #!\n", []string{"out of range"}},
	{"bad suffix", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = \"10x\" #!\n", []string{`resistor "R1"`, `unknown suffix "x"`}},
	{"unit letters", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = \"10kohm\" #!\n", []string{`unknown suffix "kohm"`}},
	{"string nan", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = \"nan\" #!\n", []string{"not a number"}},
	{"value of wrong type", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = true #!\n", []string{"r must be a number"}},
	{"trainable not bool", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1\ntrainable = \"yes\" #!\n", []string{"trainable must be true or false"}},

	// Nodes.
	{"one node", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\"] #!\nr = 1\n", []string{`resistor "R1"`, "array of 2 node names, got 1"}},
	{"three nodes", "[[diode]]\nname = \"D1\"\nnodes = [\"a\", \"0\", \"b\"] #!\nmodel = \"d1\"\n", []string{`diode "D1"`, "got 3"}},
	{"nodes not array", "[[resistor]]\nname = \"R1\"\nnodes = \"a\" #!\nr = 1\n", []string{"nodes must be an array of 2 node names"}},
	{"missing nodes", "[[resistor]] #!\nname = \"R1\"\nr = 1\n", []string{"missing nodes"}},
	{"empty node", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"\"] #!\nr = 1\n", []string{`resistor "R1"`, "empty node name"}},
	{"node not string", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", 0] #!\nr = 1\n", []string{"nodes[1] must be a node name"}},
	{"node with space", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"b c\"] #!\nr = 1\n", []string{`node "b c"`}},
	{"group node out of range", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"h[4]\"] #!\nr = 1\n",
		[]string{`node "h[4]"`, "out of range", "h[0] to h[3]"}},
	{"group node negative", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"h[-1]\"] #!\nr = 1\n", []string{`node "h[-1]"`, "out of range"}},
	{"group node leading zero", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"h[01]\"] #!\nr = 1\n", []string{`node "h[01]"`, "not a plain integer"}},
	{"group node unknown group", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"q[0]\"] #!\nr = 1\n", []string{`node "q[0]"`, `no group or input named "q"`}},
	{"bad brackets", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"h[1\"] #!\nr = 1\n", []string{`node "h[1"`, "brackets"}},
	{"vcvs control count", "[[vcvs]]\nname = \"E1\"\nnodes = [\"b\", \"0\"]\ncontrol = [\"a\"] #!\ngain = 1\n", []string{`vcvs "E1"`, "control must be an array of 2"}},

	// Models.
	{"unknown model", "[[diode]]\nname = \"D1\"\nnodes = [\"a\", \"0\"]\nmodel = \"d2\" #!\n", []string{`diode "D1"`, `unknown model "d2"`}},
	{"missing model", "[[diode]] #!\nname = \"D1\"\nnodes = [\"a\", \"0\"]\n", []string{`diode "D1"`, "missing model"}},
	{"unknown model type", "[models.q1]\ntype = \"bjt\" #!\n", []string{`model "q1"`, `unknown model type "bjt"`}},
	{"unknown model type line", "[models.q1]\nis = 1\ntype = \"bjt\" #!\n", []string{`model "q1"`, `unknown model type "bjt"`}},
	{"missing model type", "[models.q1] #!\nis = 1e-14\n", []string{`model "q1"`, "missing type"}},
	{"negative rs", "[models.d2]\ntype = \"diode\"\nrs = -10 #!\n", []string{`model "d2"`, "rs must not be negative"}},
	{"zero bv", "[models.d2]\ntype = \"diode\"\nbv = 0 #!\n", []string{`model "d2"`, "bv must be positive"}},
	{"negative ibv", "[models.d2]\ntype = \"diode\"\nbv = 5\nibv = \"-1m\" #!\n", []string{`model "d2"`, "ibv must be positive"}},
	{"ibv without bv", "[models.d2]\ntype = \"diode\"\nibv = 1e-3 #!\n", []string{`model "d2"`, "give bv too"}},
	{"bv not a number", "[models.d2]\ntype = \"diode\"\nbv = \"five\" #!\n", []string{`model "d2"`, "bv"}},
	{"negative is", "[models.d2]\ntype = \"diode\"\nis = -1e-14 #!\n", []string{`model "d2"`, "is must be positive"}},
	{"zero n", "[models.d2]\ntype = \"diode\"\nn = 0 #!\n", []string{`model "d2"`, "n must be positive"}},
	{"limits not a table", "!limits = 5 #!\n", []string{"limits must be a table"}},
	{"unknown limit", "[limits]\npower = 1\nvoltage = 1 #!\n", []string{`unknown key "voltage"`}},
	{"negative limit", "[limits]\ninput = \"-1\" #!\n", []string{"input must be positive"}},
	{"zero limit", "[limits]\ndevice_power = 0 #!\n", []string{"device_power must be positive"}},
	{"limit not a number", "[limits]\npower = \"lots\" #!\n", []string{"power"}},
	{"models not tables", "!models = 5 #!\n", []string{"models must be a table"}},
	{"model not a table", "!models = {d1 = 5} #!\n", []string{`model "d1"`, "must be a table"}},

	// Options and structure.
	{"negative temp", "[options]\ntemp = -1 #!\n", []string{"options", "temp must be positive"}},
	{"zero node capacitance", "[options]\nnode_capacitance = 0 #!\n", []string{"node_capacitance must be positive"}},
	{"options not table", "!options = 5 #!\n[[resistor]]\nname = \"R\"\nnodes = [\"a\", \"0\"]\nr = 1\n", []string{"options must be a table"}},
	{"resistor not array", "!resistor = 5 #!\n", []string{"resistor must be an array of tables"}},
	{"resistor as table", "[resistor] #!\nname = \"R1\"\n", []string{"resistor must be an array of tables", "[[resistor]]"}},
	{"title not string", "!title = 5 #!\n[[resistor]]\nname = \"R\"\nnodes = [\"a\", \"0\"]\nr = 1\n", []string{"title must be a string"}},
	{"empty netlist", "!title = \"nothing\"\n[[group]]\nname = \"h\"\nsize = 3\n", []string{"no elements"}},
	{"really empty", "!", []string{"no elements"}},
	{"inline table line", "!resistor = [{name = \"R1\", nodes = [\"a\", \"0\"]}] #!\n", []string{`resistor "R1"`, "neither r nor g"}},

	// Other cards.
	{"cccs control not vsource", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1\n[[cccs]]\nname = \"F1\"\nnodes = [\"a\", \"0\"]\ncontrol = \"R1\" #!\ngain = 1\n",
		[]string{`cccs "F1"`, `control "R1" is a resistor, not a vsource`}},
	{"cccs control missing", "[[cccs]]\nname = \"F1\"\nnodes = [\"a\", \"0\"]\ncontrol = \"Vx\" #!\ngain = 1\n", []string{`cccs "F1"`, `control "Vx" is not an element`}},
	{"cccs control array", "[[cccs]]\nname = \"F1\"\nnodes = [\"a\", \"0\"]\ncontrol = [\"a\", \"0\"] #!\ngain = 1\n", []string{"control must be a string"}},
	{"cccs missing gain", "[[cccs]] #!\nname = \"F1\"\nnodes = [\"a\", \"0\"]\ncontrol = \"V1\"\n", []string{"missing gain"}},
	{"negative c", "[[capacitor]]\nname = \"C1\"\nnodes = [\"a\", \"0\"]\nc = \"-1p\" #!\n", []string{`capacitor "C1"`, "c must be positive"}},
	{"missing c", "[[capacitor]] #!\nname = \"C1\"\nnodes = [\"a\", \"0\"]\n", []string{"missing c"}},
	{"missing v", "[[vsource]] #!\nname = \"V2\"\nnodes = [\"b\", \"0\"]\n", []string{`vsource "V2"`, "missing v"}},
	{"i out of range", "[[isource]]\nname = \"I1\"\nnodes = [\"a\", \"0\"]\ni = \"1e400\" #!\n", []string{`isource "I1"`, "out of range"}},

	// Groups and inputs.
	{"group size zero", "[[group]]\nname = \"g\"\nsize = 0 #!\n", []string{`group "g"`, "size must be positive"}},
	{"group size float", "[[group]]\nname = \"g\"\nsize = 2.0 #!\n", []string{"size must be an integer"}},
	{"group size huge", "[[group]]\nname = \"g\"\nsize = 9223372036854775807 #!\n", []string{`group "g"`, "too many nodes"}},
	{"group size missing", "[[group]] #!\nname = \"g\"\n", []string{"missing size"}},
	{"groups too many nodes", "[[group]]\nname = \"g\"\nsize = 1000000\n[[input]]\nname = \"x\"\nsize = 30000 #!\nencoding = \"differential\"\n", []string{`input "x"`, "too many nodes"}},
	{"bad encoding", "[[input]]\nname = \"x\"\nsize = 2\nencoding = \"diff\" #!\n", []string{`input "x"`, `unknown encoding "diff"`}},
	{"values length", "[[input]]\nname = \"x\"\nsize = 2\nvalues = [1, 2, 3] #!\n", []string{`input "x"`, "3 numbers, want size = 2"}},
	{"values bad entry", "[[input]]\nname = \"x\"\nsize = 2\nvalues = [1, \"2q\"] #!\n", []string{"values[1]", `unknown suffix "q"`}},
	{"values bad type", "[[input]]\nname = \"x\"\nsize = 2\nvalues = 5 #!\n", []string{"values must be"}},
	{"values sidecar missing", "[[input]]\nname = \"x\"\nsize = 3\nvalues = \"nope.npy\" #!\n", []string{`input "x"`, "nope.npy not found"}},
	{"values sidecar shape", "[[input]]\nname = \"x\"\nsize = 2\nvalues = \"v3.npy\" #!\n", []string{`input "x"`, "v3.npy has 3 numbers, want size = 2"}},
	{"values sidecar inf", "[[input]]\nname = \"x\"\nsize = 2\nvalues = \"vinf.npy\" #!\n", []string{"vinf.npy: value 1 is +Inf"}},
	{"values sidecar junk", "[[input]]\nname = \"x\"\nsize = 3\nvalues = \"junk.npy\" #!\n", []string{"junk.npy", "not an .npy file"}},
	{"values sidecar directory", "[[input]]\nname = \"x\"\nsize = 3\nvalues = \"adir.npy\" #!\n", []string{"adir.npy", "not a regular file"}},
	{"amplitude inf", "[[input]]\nname = \"x\"\nsize = 2\namplitude = inf #!\n", []string{"amplitude must be finite"}},
	{"values sidecar 2-D", "[[input]]\nname = \"x\"\nsize = 2\nvalues = \"w4x2.npy\" #!\n", []string{`input "x"`, "w4x2.npy has shape [4 2], want a 1-D array"}},
	{"input size overflows", "[[input]]\nname = \"x\"\nsize = 4611686018427387904 #!\nencoding = \"differential\"\n", []string{`input "x"`, "too many nodes"}},

	// Crossbars.
	{"crossbar unknown from", "[[crossbar]]\nname = \"W\"\nfrom = \"x\" #!\nto = \"h\"\ninit = \"constant\"\ng = 1\n", []string{`crossbar "W"`, `no group or input named "x"`}},
	{"crossbar missing to", "[[crossbar]] #!\nname = \"W\"\nfrom = \"h\"\ninit = \"constant\"\ng = 1\n", []string{"missing to"}},
	{"crossbar matrix and init", "[[group]]\nname = \"o\"\nsize = 2\n[[crossbar]] #!\nname = \"W\"\nfrom = \"h\"\nto = \"o\"\ninit = \"constant\"\ng = 1\nmatrix = \"w4x2.npy\"\n",
		[]string{`crossbar "W"`, "both matrix and init"}},
	{"crossbar neither", "[[crossbar]] #!\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\n", []string{"neither matrix nor init"}},
	{"crossbar unknown init", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"normal\" #!\n", []string{`unknown init "normal"`}},
	{"uniform without high", "[[crossbar]] #!\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = 1\n", []string{"needs low and high"}},
	{"uniform low above high", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = 2 #!\nhigh = 1\n", []string{"low = 2 is above high = 1"}},
	{"uniform negative low", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = -1 #!\nhigh = 1\n", []string{"low must be positive"}},
	{"uniform negative seed", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = 1\nhigh = 1\nseed = -3 #!\n", []string{"seed must not be negative"}},
	{"uniform float seed", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = 1\nhigh = 1\nseed = 1.5 #!\n", []string{"seed must be an integer"}},
	{"uniform with g", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = 1\nhigh = 1\ng = 1 #!\n", []string{`g is not allowed with init = "uniform"`}},
	{"sparse without density", "[[crossbar]] #!\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"sparse\"\nlow = 1\nhigh = 2\n", []string{"needs density"}},
	{"sparse density above 1", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"sparse\"\nlow = 1\nhigh = 2\ndensity = 1.5 #!\n", []string{"density = 1.5 is above 1"}},
	{"sparse density zero", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"sparse\"\nlow = 1\nhigh = 2\ndensity = 0 #!\n", []string{"density must be positive"}},
	{"uniform with density", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"uniform\"\nlow = 1\nhigh = 2\ndensity = 0.5 #!\n", []string{`density is not allowed with init = "uniform"`}},
	{"constant zero", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"constant\"\ng = 0 #!\n", []string{"g must be positive"}},
	{"matrix with low", "[[group]]\nname = \"o\"\nsize = 2\n[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"o\"\nmatrix = \"w4x2.npy\"\nlow = 1 #!\n", []string{"low is not allowed with matrix"}},
	{"matrix shape", "[[group]]\nname = \"o\"\nsize = 2\n[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"o\"\nmatrix = \"w2x4.npy\" #!\n",
		[]string{`crossbar "W"`, "w2x4.npy has shape [2, 4], want [4, 2]"}},
	{"matrix negative", "[[group]]\nname = \"o\"\nsize = 2\n[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"o\"\nmatrix = \"wneg.npy\" #!\n",
		[]string{"wneg.npy: conductance [2, 1] is -1"}},
	{"matrix nan", "[[group]]\nname = \"o\"\nsize = 2\n[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"o\"\nmatrix = \"wnan.npy\" #!\n",
		[]string{"wnan.npy: conductance [1, 1] is NaN"}},
	{"matrix missing", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\nmatrix = \"W1.npy\" #!\n", []string{`crossbar "W"`, "W1.npy not found"}},
	{"matrix empty name", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\nmatrix = \"\" #!\n", []string{"matrix must name an .npy file"}},
	{"matrix 1-D", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\nmatrix = \"v3.npy\" #!\n", []string{"v3.npy has shape [3], want a non-empty 2-D array"}},
	{"matrix empty", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\nmatrix = \"w0x2.npy\" #!\n", []string{"w0x2.npy has shape [0 2], want a non-empty 2-D array"}},
	{"too many weights", "[[group]]\nname = \"big\"\nsize = 4000\n[[crossbar]] #!\nname = \"W\"\nfrom = \"big\"\nto = \"big\"\ninit = \"constant\"\ng = 1\n",
		[]string{`crossbar "W"`, "too many crossbar conductances"}},

	// Rectifiers and amplifiers.
	{"rectifier missing high", "[[rectifier]] #!\nname = \"RH\"\ngroup = \"h\"\nmodel = \"d1\"\nlow = \"vlo\"\n", []string{`rectifier "RH"`, "missing high"}},
	{"rectifier unknown group", "[[rectifier]]\nname = \"RH\"\ngroup = \"hh\" #!\nmodel = \"d1\"\nhigh = \"a\"\nlow = \"0\"\n", []string{`no group or input named "hh"`}},
	{"rectifier unknown model", "[[rectifier]]\nname = \"RH\"\ngroup = \"h\"\nmodel = \"dx\" #!\nhigh = \"a\"\nlow = \"0\"\n", []string{`unknown model "dx"`}},
	{"amplifier sizes", "[[group]]\nname = \"o\"\nsize = 2\n[[amplifier]] #!\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 2\n",
		[]string{`amplifier "A"`, `from "h" has 4 nodes, to "o" has 2`}},
	{"amplifier negative swing", "[[group]]\nname = \"o\"\nsize = 4\n[[amplifier]]\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 2\nswing = -1 #!\n", []string{`amplifier "A"`, "swing must not be negative"}},
	{"amplifier negative rout", "[[group]]\nname = \"o\"\nsize = 4\n[[amplifier]]\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 2\nrout = \"-1k\" #!\n", []string{`amplifier "A"`, "rout must not be negative"}},
	{"amplifier zero gain", "[[group]]\nname = \"o\"\nsize = 4\n[[amplifier]]\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 0 #!\n", []string{"gain must not be zero"}},

	// Topology, from mna.Compile.
	{"vsource loop", "[[vsource]] #!\nname = \"V2\"\nnodes = [\"a\", \"0\"]\nv = 2\n", []string{`vsource "V2"`, "loop of voltage sources"}},
	{"vsource shorted", "[[vsource]] #!\nname = \"V2\"\nnodes = [\"b\", \"b\"]\nv = 2\n", []string{`vsource "V2"`, "shorted"}},
	{"no DC path", "[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1\n[[capacitor]]\nname = \"C1\"\nnodes = [\"a\", \"z\"]\nc = 1\n[[resistor]] #!\nname = \"R2\"\nnodes = [\"z\", \"y\"]\nr = 1\n",
		[]string{"no DC path to ground", "y, z", `resistor "R2"`}},
	{"no DC path in a group", "[[rectifier]]\nname = \"RH\"\ngroup = \"h\"\nmodel = \"d1\"\nhigh = \"a\"\nlow = \"a\"\n[[group]] #!\nname = \"o\"\nsize = 2\n[[crossbar]]\nname = \"W\"\nfrom = \"o\"\nto = \"o\"\ninit = \"constant\"\ng = 1\n",
		[]string{"no DC path to ground", "o[0], o[1]", `group "o"`}},
}

// errorSource returns the netlist of an error case.
func errorSource(src string) string {
	if strings.HasPrefix(src, "!") {
		return src[1:]
	}
	return okHead + src
}

// TestErrors checks that every kind of bad input gives an *Error naming
// the file, the line marked #! in the source (or none if unmarked) and
// the element, key or node at fault.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	writeNpyio(t, filepath.Join(dir, "w4x2.npy"), mat.NewDense(4, 2, []float64{1, 1, 1, 1, 1, 1, 1, 1}))
	writeNpyio(t, filepath.Join(dir, "w2x4.npy"), mat.NewDense(2, 4, []float64{1, 1, 1, 1, 1, 1, 1, 1}))
	writeNpyio(t, filepath.Join(dir, "wneg.npy"), mat.NewDense(4, 2, []float64{1, 1, 1, 1, 1, -1, 1, 1}))
	writeNpyio(t, filepath.Join(dir, "wnan.npy"), mat.NewDense(4, 2, []float64{1, 1, 1, math.NaN(), 1, 1, 1, 1}))
	writeNpyio(t, filepath.Join(dir, "v3.npy"), []float64{1, 2, 3})
	writeNpyio(t, filepath.Join(dir, "vinf.npy"), []float64{1, math.Inf(1)})
	os.WriteFile(filepath.Join(dir, "junk.npy"), []byte("not numpy at all"), 0o644)
	os.Mkdir(filepath.Join(dir, "adir.npy"), 0o755)
	os.WriteFile(filepath.Join(dir, "w0x2.npy"), encodeNpy([]int{0, 2}, nil), 0o644)

	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			src := errorSource(tc.src)
			path := filepath.Join(dir, "bad.toml")
			nl, err := Parse([]byte(src), path)
			if err == nil {
				t.Fatalf("no error; parsed %d elements", len(nl.Circuit.Elements))
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			msg := err.Error()
			t.Log(msg)
			want := path + ": "
			if line := lineOf(src); line > 0 {
				want = fmt.Sprintf("%s:%d: ", path, line)
			}
			if !strings.HasPrefix(msg, want) {
				t.Errorf("error %q does not start with %q", msg, want)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestParseFileMissing(t *testing.T) {
	_, err := ParseFile(filepath.Join(t.TempDir(), "none.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ParseFile of a missing file: %v, want fs.ErrNotExist", err)
	}
}

// TestErrorFormat checks the parts of Error's message.
func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "xor.toml", Line: 12, Kind: "resistor", Element: "R1", Msg: "both r and g given"}, `xor.toml:12: resistor "R1": both r and g given`},
		{Error{File: "xor.toml", Kind: "options", Msg: "m"}, `xor.toml: options: m`},
		{Error{Line: 3, Element: "x", Msg: "m"}, `line 3: "x": m`},
		{Error{Msg: "m"}, `m`},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	allowed := circuit.ResistorKind.Keys()
	for key, want := range map[string]string{
		"trainabel": "trainable", "nodse": "nodes", "Name": "name", "node": "nodes", "x": "", "resistance": "",
	} {
		got := tomlloc.Suggest(key, allowed)
		if want == "" && got != "" || want != "" && !strings.Contains(got, `"`+want+`"`) {
			t.Errorf("tomlloc.Suggest(%q) = %q, want %q", key, got, want)
		}
	}
}
