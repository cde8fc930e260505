package spice_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/spice"
)

var updateExport = flag.Bool("update-export", false, "rewrite the golden decks in testdata/export")

// spiceChain returns a circuit whose nodes are named, in order, by names: a
// voltage source on the first, resistors along the chain and to ground.
func spiceChain(names ...string) *circuit.Circuit {
	c := &circuit.Circuit{}
	c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{names[0], "0"}, V: 1})
	for i := 1; i < len(names); i++ {
		c.Add(&circuit.Resistor{Name: "R" + names[i-1] + "_" + names[i], Nodes: [2]string{names[i-1], names[i]}, G: 1e-3})
	}
	for i, n := range names {
		c.Add(&circuit.Resistor{Name: "Rg" + string(rune('a'+i)), Nodes: [2]string{n, "0"}, G: 1e-3})
	}
	return c
}

func TestSpiceNodeNames(t *testing.T) {
	for _, tc := range []struct {
		nodes []string
		want  []string // SPICE names, in order
	}{
		{[]string{"a", "in1", "Out_2", "x_y_z"}, []string{"a", "in1", "Out_2", "x_y_z"}},
		{[]string{"h[3]", "h[12]"}, []string{"h_3_", "h_12_"}},
		// A name that stays is never taken by a mapped one, wherever it is.
		{[]string{"h[3]", "h_3_"}, []string{"h_3__2", "h_3_"}},
		{[]string{"3x", "_a", "-", "a b"}, []string{"n3x", "n_a", "n_", "a_b"}},
		// ngspice lower-cases names: the second of a pair that differ only
		// in case is renamed.
		{[]string{"Q", "q", "QQ", "qQ"}, []string{"Q", "q_2", "QQ", "qq_2"}},
		// Ground in any other case would be ground to ngspice; spiceKeywords
		// break its parser.
		{[]string{"GND", "Gnd", "value", "TABLE", "ac"}, []string{"gnd_2", "gnd_3", "value_2", "table_2", "ac_2"}},
		{[]string{"µ", "ü"}, []string{"n__", "n___2"}},
	} {
		d, err := spice.NamesOf(spiceChain(tc.nodes...))
		if err != nil {
			t.Fatalf("%q: %v", tc.nodes, err)
		}
		for i, n := range tc.nodes {
			if got := d.Nodes[n]; got != tc.want[i] {
				t.Errorf("%q: node %q is %q, want %q", tc.nodes, n, got, tc.want[i])
			}
		}
		if d.Nodes["0"] != "0" || d.Nodes["gnd"] != "0" {
			t.Errorf("ground maps to %q and %q", d.Nodes["0"], d.Nodes["gnd"])
		}
	}
}

func TestSpiceElementNames(t *testing.T) {
	m := circuit.DiodeModel{Name: "D1", IS: 1e-14, N: 1}
	c := &circuit.Circuit{}
	c.Add(
		&circuit.VSource{Name: "Vin", Nodes: [2]string{"a", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "b"}, G: 1},
		&circuit.Resistor{Name: "r1", Nodes: [2]string{"b", "0"}, G: 1},
		&circuit.Resistor{Name: "load", Nodes: [2]string{"b", "0"}, G: 1},
		&circuit.Resistor{Name: "w[0]", Nodes: [2]string{"b", "0"}, G: 1},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"b", "0"}, Model: m},
		&circuit.Diode{Name: "Rx", Nodes: [2]string{"b", "0"}, Model: m},
		&circuit.ISource{Name: "src", Nodes: [2]string{"0", "b"}, I: 1e-3},
		&circuit.VCVS{Name: "E1", Nodes: [2]string{"e", "0"}, Control: [2]string{"b", "0"}, Gain: 2},
		&circuit.Resistor{Name: "Re", Nodes: [2]string{"e", "0"}, G: 1},
		&circuit.CCCS{Name: "mirror", Nodes: [2]string{"e", "0"}, Control: "Vin", Gain: 2},
		// A block whose stem ("w1") would make names like rw1_0_0: the
		// single element below takes that, so the block's stem moves.
		&circuit.Resistor{Name: "rw1_0_0", Nodes: [2]string{"b", "0"}, G: 1},
		&circuit.Crossbar{Name: "W1", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(1, 1, []float64{1})},
		&circuit.Crossbar{Name: "w-1", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(1, 1, []float64{1})},
	)
	d, err := spice.NamesOf(c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Vin": "Vin", "R1": "R1", "r1": "rr1", "load": "rload", "w[0]": "rw_0_",
		"D1": "D1", "Rx": "drx", "src": "isrc", "E1": "E1", "mirror": "fmirror", "rw1_0_0": "rw1_0_0",
	}
	for i, e := range c.Elements {
		if w, ok := want[e.Label()]; ok && d.Cards[i] != w {
			t.Errorf("element %q is %q, want %q", e.Label(), d.Cards[i], w)
		}
	}
	if s := d.Stems[12]; s != "w1x2" {
		t.Errorf("stem of W1 is %q, want w1x2", s)
	}
	if s := d.Stems[13]; s != "w1x3" {
		t.Errorf("stem of w-1 is %q, want w1x3", s)
	}
}

// TestSpiceOwnModels checks the models of diodes whose model is their
// own (an unnamed model): one each, named after the card, and a named
// model shared.
func TestSpiceOwnModels(t *testing.T) {
	named := circuit.DiodeModel{Name: "D1", IS: 1e-14, N: 1}
	c := spiceChain("a", "b")
	c.Add(
		&circuit.Diode{Name: "Dx", Nodes: [2]string{"a", "0"}, Model: circuit.DiodeModel{IS: 2e-14, N: 1.5}},
		&circuit.Diode{Name: "y", Nodes: [2]string{"b", "0"}, Model: circuit.DiodeModel{IS: 2e-14, N: 1.5}},
		&circuit.Diode{Name: "D2", Nodes: [2]string{"a", "b"}, Model: named},
		&circuit.Diode{Name: "D3", Nodes: [2]string{"b", "a"}, Model: named},
	)
	var b strings.Builder
	if err := spice.WriteSpice(&b, c); err != nil {
		t.Fatal(err)
	}
	deck := b.String()
	for _, want := range []string{
		".model d1 D(IS=1e-14 N=1)\n.model mx D(IS=2e-14 N=1.5)\n.model my D(IS=2e-14 N=1.5)\n",
		"Dx a 0 mx\n", "dy b 0 my\n", "D2 a b d1\n", "D3 b a d1\n",
	} {
		if !strings.Contains(deck, want) {
			t.Errorf("deck lacks %q:\n%s", want, deck)
		}
	}
}

// spiceBlockCircuit has every element and block, with names that need mapping
// and a CCCS for each kind of control.
func spiceBlockCircuit() *circuit.Circuit {
	dm := circuit.DiodeModel{Name: "d1", IS: 1e-14, N: 1}
	c := &circuit.Circuit{Title: "every element\nand block", Temp: 310,
		Groups: []circuit.Group{{Name: "h", Size: 2}, {Name: "o", Size: 2}, {Name: "x", Size: 4}}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: c.Groups[2].Nodes(), Differential: true, Amplitude: 2, Values: []float64{0.35, -0.15}},
		&circuit.Crossbar{Name: "W1", From: c.Groups[2].Nodes(), To: c.Groups[0].Nodes(),
			G: mat.NewDense(4, 2, []float64{1e-3, 2e-3, 0, 5e-4, 3e-4, 0, 1e-4, 7e-4})},
		&circuit.VSource{Name: "Vhi", Nodes: [2]string{"HI", "0"}, V: 0.5},
		&circuit.VSource{Name: "vlo", Nodes: [2]string{"lo", "gnd"}, V: -0.5},
		&circuit.Rectifier{Name: "rect", Nodes: c.Groups[0].Nodes(), Model: dm, High: "HI", Low: "lo"},
		&circuit.Amplifier{Name: "A", From: c.Groups[0].Nodes(), To: c.Groups[1].Nodes(), Gain: 4},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"o[0]", "0"}, G: 1e-3},
		&circuit.Resistor{Name: "load", Nodes: [2]string{"o[1]", "value"}, G: 1e-3},
		&circuit.Resistor{Name: "r1", Nodes: [2]string{"value", "0"}, G: 1e-3},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"value", "GND"}, Model: dm},
		&circuit.Resistor{Name: "R9", Nodes: [2]string{"GND", "0"}, G: 1e-2},
		&circuit.Resistor{Name: "R10", Nodes: [2]string{"Value", "0"}, G: 1e-2},
		&circuit.VCVS{Name: "E1", Nodes: [2]string{"Value", "3x"}, Control: [2]string{"HI", "o[0]"}, Gain: 0.1},
		&circuit.Resistor{Name: "R11", Nodes: [2]string{"3x", "0"}, G: 1e-2},
		&circuit.VSource{Name: "Vf", Nodes: [2]string{"f", "3x"}, V: 0.2},
		&circuit.Resistor{Name: "R12", Nodes: [2]string{"f", "0"}, G: 1e-3},
		&circuit.CCCS{Name: "F1", Nodes: [2]string{"3x", "0"}, Control: "E1", Gain: 0.1},
		&circuit.CCCS{Name: "F2", Nodes: [2]string{"3x", "0"}, Control: "A[1]", Gain: 0.1},
		&circuit.CCCS{Name: "F3", Nodes: [2]string{"0", "3x"}, Control: "Vf", Gain: 0.5},
		&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "f"}, I: 2e-5},
		&circuit.Capacitor{Name: "C1", Nodes: [2]string{"3x", "0"}, C: 1e-12},
	)
	return c
}

// TestWriteSpiceGolden pins the deck format: run with -update-export to
// rewrite testdata/export/blocks.cir after a deliberate change, and read the
// diff.
func TestWriteSpiceGolden(t *testing.T) {
	var b bytes.Buffer
	if err := spice.WriteSpice(&b, spiceBlockCircuit()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export", "blocks.cir")
	if *updateExport {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("deck differs from %s (go test -run Golden -update-export rewrites it):\n%s", golden, b.String())
	}
}

// TestBlockCircuitNgspice runs the golden circuit, whose CCCS sense a VCVS
// and an amplifier channel, and checks ngspice's answer against eqsim's
// equations and solver.
func TestBlockCircuitNgspice(t *testing.T) {
	c := spiceBlockCircuit()
	op := ngspiceOrSkip(t, c)
	checkNgspiceKCL(t, "blocks", c, op)
	k := newtonCorrection(t, c, op)
	for i := range k.sys.NumFree() {
		if d := math.Abs(k.dx[i]); d > 1e-9 {
			t.Errorf("node %q: ngspice's %.15g V is %.3g V from the solution of eqsim's equations", k.sys.UnknownName(i), k.x[i], d)
		}
	}
	newtonAgrees(t, "blocks", c, op.Nodes)
}

func TestWriteSpiceDeterministic(t *testing.T) {
	for seed := range uint64(20) {
		c, _ := randomCircuit(seed)
		var a, b bytes.Buffer
		if err := spice.WriteSpice(&a, c); err != nil {
			t.Fatal(err)
		}
		if err := spice.WriteSpice(&b, c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("circuit %d: two exports differ", seed)
		}
		// Every node is in the deck under its mapped name, and no two
		// nodes share one.
		d, _ := spice.NamesOf(c)
		seen := map[string]string{}
		for _, n := range d.NodeList {
			s := strings.ToLower(d.Nodes[n])
			if o, dup := seen[s]; dup {
				t.Errorf("circuit %d: nodes %q and %q are both %s", seed, o, n, s)
			}
			seen[s] = n
			if !spice.IsSpiceName(s) || !strings.Contains(a.String(), " "+d.Nodes[n]+" ") {
				t.Errorf("circuit %d: node %q as %q is not in the deck", seed, n, d.Nodes[n])
			}
		}
	}
}

func TestWriteSpiceErrors(t *testing.T) {
	good := func() *circuit.Circuit { return spiceChain("a", "b") }
	for _, tc := range []struct {
		name   string
		mutate func(c *circuit.Circuit)
		want   string
	}{
		{"empty", func(c *circuit.Circuit) { c.Elements = nil }, "no elements"},
		{"source loop", func(c *circuit.Circuit) {
			c.Add(&circuit.VSource{Name: "V2", Nodes: [2]string{"a", "0"}, V: 2})
		}, "loop"},
		{"NaN conductance", func(c *circuit.Circuit) { c.Elements[1].(*circuit.Resistor).G = math.NaN() }, "conductance"},
		{"infinite voltage", func(c *circuit.Circuit) { c.Elements[0].(*circuit.VSource).V = math.Inf(1) }, "voltage"},
		{"bad IS", func(c *circuit.Circuit) {
			c.Add(&circuit.Diode{Name: "D", Nodes: [2]string{"a", "b"}, Model: circuit.DiodeModel{IS: 0, N: 1}})
		}, "saturation"},
		{"bad temperature", func(c *circuit.Circuit) { c.Temp = -1 }, "temperature"},
		// A conductance whose resistance overflows has no card either.
		{"subnormal conductance", func(c *circuit.Circuit) { c.Elements[1].(*circuit.Resistor).G = 5e-324 }, "conductance 5e-324"},
		{"crossbar conductance", func(c *circuit.Circuit) {
			c.Add(&circuit.Crossbar{Name: "W", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(1, 1, []float64{math.NaN()})})
		}, "part 0_0: conductance NaN"},
		{"wire resistance", func(c *circuit.Circuit) {
			c.Add(&circuit.Crossbar{Name: "W", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(1, 1, []float64{1}), WireR: 1e-320})
		}, "part r_0_0: conductance +Inf"},
		{"amplifier mirror gain", func(c *circuit.Circuit) {
			c.Add(&circuit.Amplifier{Name: "A", From: []string{"b"}, To: []string{"o"}, Gain: 1e-320},
				&circuit.Resistor{Name: "Ro", Nodes: [2]string{"o", "0"}, G: 1})
		}, "part 0: gain +Inf"},
		{"floating node", func(c *circuit.Circuit) {
			c.Add(&circuit.ISource{Name: "I", Nodes: [2]string{"0", "z"}, I: 1})
		}, "no DC path"},
	} {
		c := good()
		tc.mutate(c)
		var b bytes.Buffer
		err := spice.WriteSpice(&b, c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written despite the error", tc.name, b.Len())
		}
	}
}

// ngspiceOrSkip runs ngspice on c, skipping the test if it is not installed.
func ngspiceOrSkip(t *testing.T, c *circuit.Circuit) *spice.OperatingPoint {
	t.Helper()
	needNgspice(t)
	op, err := spice.RunOP(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// TestNgspiceClosedForm runs exported decks of hand-solvable circuits and
// checks ngspice's voltages against the closed forms, which pins the
// meaning of every card (source directions, controlled-source gains, the
// amplifier's mirror, temperature, crossbar orientation).
func TestNgspiceClosedForm(t *testing.T) {
	dm := circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1.5}
	for _, tc := range []struct {
		name string
		c    *circuit.Circuit
		want map[string]float64
	}{{
		name: "divider",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 1.5},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "mid"}, G: 1e-3},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"mid", "gnd"}, G: 0.5e-3},
		}},
		want: map[string]float64{"in": 1.5, "mid": 1},
	}, {
		// One node and no voltage source: ngspice has a single vector,
		// which print all would call "all".
		name: "lone vector",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 2e-3},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "0"}, G: 1e-3},
		}},
		want: map[string]float64{"a": 2},
	}, {
		// 1 mA into a diode at 350 K: V solves IS*(exp(V/(N*Vt))-1) + gmin*V = I.
		name: "diode at 350 K",
		c: &circuit.Circuit{Temp: 350, Elements: []circuit.Element{
			&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 1e-3},
			&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: dm},
		}},
		want: map[string]float64{"a": circuittest.Bisect(func(v float64) float64 { return circuittest.DiodeCurrent(dm, 350, 350, v) - 1e-3 }, 0, 2)},
	}, {
		// E1 holds p - q = 3*V(a) = 1.5 V; the current through R 1k and
		// R 2k in series puts q at -1 V.
		name: "floating vcvs",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V1", Nodes: [2]string{"a", "0"}, V: 0.5},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "0"}, G: 1e-3},
			&circuit.VCVS{Name: "E1", Nodes: [2]string{"p", "q"}, Control: [2]string{"a", "0"}, Gain: 3},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"p", "0"}, G: 1e-3},
			&circuit.Resistor{Name: "R3", Nodes: [2]string{"q", "0"}, G: 0.5e-3},
		}},
		want: map[string]float64{"a": 0.5, "p": 0.5, "q": -1},
	}, {
		// V1's branch current is -1 mA (1 mA leaves its + node into R1).
		// F1 carries 2 x (-1 mA) from 0 to b, so 2 mA flow out of b
		// through F1 and b sits at -2 V across R2 = 1k.
		name: "cccs",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V1", Nodes: [2]string{"a", "0"}, V: 1},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "0"}, G: 1e-3},
			&circuit.CCCS{Name: "F1", Nodes: [2]string{"0", "b"}, Control: "V1", Gain: 2},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"b", "0"}, G: 1e-3},
		}},
		want: map[string]float64{"a": 1, "b": -2},
	}, {
		// h = 0.7 V - 1k * I(o)/4 with I(o) = 4h/1k: h = 0.35 V, o = 1.4 V.
		name: "amplifier mirror",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V1", Nodes: [2]string{"x", "0"}, V: 0.7},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"x", "h"}, G: 1e-3},
			&circuit.Amplifier{Name: "A", From: []string{"h"}, To: []string{"o"}, Gain: 4},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"o", "0"}, G: 1e-3},
		}},
		want: map[string]float64{"x": 0.7, "h": 0.35, "o": 1.4},
	}, {
		// Differential inputs: +2*v then -2*v. The crossbar joins x[i] to
		// h[j] through G[i][j]; h[j] = sum_i G_ij x_i / (sum_i G_ij + 1e-3).
		name: "input and crossbar",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.Input{Name: "in", Nodes: []string{"x[0]", "x[1]", "x[2]", "x[3]"}, Differential: true, Amplitude: 2, Values: []float64{0.35, -0.15}},
			&circuit.Crossbar{Name: "W", From: []string{"x[0]", "x[1]", "x[2]", "x[3]"}, To: []string{"h[0]", "h[1]"},
				G: mat.NewDense(4, 2, []float64{1e-3, 0, 0, 2e-3, 1e-3, 1e-3, 0, 0})},
			&circuit.Resistor{Name: "L0", Nodes: [2]string{"h[0]", "0"}, G: 1e-3},
			&circuit.Resistor{Name: "L1", Nodes: [2]string{"h[1]", "0"}, G: 1e-3},
		}},
		want: map[string]float64{"x[0]": 0.7, "x[1]": -0.3, "x[2]": -0.7, "x[3]": 0.3,
			"h[0]": (0.7 - 0.7) / 3, "h[1]": (2*-0.3 - 0.7) / 4},
	}, {
		// 2 V through 10k into a node clamped by the rectifier's upper
		// diode to the 0.3 V rail; the lower diode is reverse biased by far
		// more than 3*N*Vt, where ngspice's reverse current is IS.
		name: "rectifier",
		c: &circuit.Circuit{Elements: []circuit.Element{
			&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 2},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "h"}, G: 1e-4},
			&circuit.VSource{Name: "Vh", Nodes: [2]string{"hi", "0"}, V: 0.3},
			&circuit.VSource{Name: "Vl", Nodes: [2]string{"lo", "0"}, V: -0.3},
			&circuit.Rectifier{Name: "rect", Nodes: []string{"h"}, Model: dm, High: "hi", Low: "lo"},
		}},
		want: map[string]float64{"in": 2, "hi": 0.3, "lo": -0.3, "h": circuittest.Bisect(func(h float64) float64 {
			// Leaving h: the upper diode's current, the lower one's reverse
			// current (about IS, and gmin's), and R1's.
			const temp = circuit.DefaultTemp
			return circuittest.DiodeCurrent(dm, temp, temp, h-0.3) - circuittest.DiodeCurrent(dm, temp, temp, -0.3-h) - (2-h)*1e-4
		}, 0, 2)},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			op := ngspiceOrSkip(t, tc.c)
			if len(op.Nodes) != len(tc.want) {
				t.Errorf("ngspice gave %d nodes, want %d: %v", len(op.Nodes), len(tc.want), op.Nodes)
			}
			for n, w := range tc.want {
				if got, ok := op.Nodes[n]; !ok || math.Abs(got-w) > 1e-10+1e-10*math.Abs(w) {
					t.Errorf("V(%s) = %.17g, want %.17g", n, got, w)
				}
			}
		})
	}
}

// TestNgspicePrecision checks that the deck prints enough digits: source
// values survive the round trip through the deck and ngspice's output to
// within a few units in the last place.
func TestNgspicePrecision(t *testing.T) {
	vals := []float64{0.1234567890123456, -1.000000000000001, 3.3333333333333335e-7, 123.45678901234567}
	c := &circuit.Circuit{}
	for i, v := range vals {
		n := string(rune('a' + i))
		c.Add(&circuit.VSource{Name: "V" + n, Nodes: [2]string{n, "0"}, V: v},
			&circuit.Resistor{Name: "R" + n, Nodes: [2]string{n, "0"}, G: 1})
	}
	op := ngspiceOrSkip(t, c)
	for i, v := range vals {
		n := string(rune('a' + i))
		// ngspice's number parser is not correctly rounded: allow 4 ulp.
		if got := op.Nodes[n]; math.Abs(got-v) > 4*math.Abs(v)*0x1p-52 {
			t.Errorf("V(%s) = %.17g, want %.17g", n, got, v)
		}
	}
}

// TestRunNgspiceErrors checks the errors: no ngspice, a failing one, one
// that prints nothing, and a circuit ngspice cannot solve.
func TestRunNgspiceErrors(t *testing.T) {
	c := spiceChain("a", "b")
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if _, err := spice.RunNgspice(context.Background(), c); !errors.Is(err, spice.ErrNoNgspice) {
		t.Errorf("without ngspice: error %v, want ErrNoNgspice", err)
	} else if !strings.Contains(err.Error(), "apt-get install -y ngspice") {
		t.Errorf("error %q does not say how to install ngspice", err)
	}

	fake := filepath.Join(dir, "ngspice")
	script := "#!/bin/sh\necho 'Error: something broke' >&2\necho 'on line 7' >&2\nexit 3\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := spice.RunNgspice(context.Background(), c)
	var ne *spice.NgspiceError
	if !errors.As(err, &ne) || !strings.Contains(ne.Stderr, "something broke\non line 7") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("failing ngspice: error %v, want an *NgspiceError with its stderr and exit status", err)
	}

	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'a = 1'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := spice.RunNgspice(context.Background(), c); !errors.As(err, &ne) || !strings.Contains(err.Error(), `node "b"`) {
		t.Errorf("silent ngspice: error %v, want one naming node b", err)
	}
}

func TestRunNgspiceNoOperatingPoint(t *testing.T) {
	needNgspice(t)
	// V(a) = 1 * V(a) + anything: eqsim compiles it (no loop of sources),
	// but the matrix is singular and ngspice finds no operating point.
	c := &circuit.Circuit{Elements: []circuit.Element{
		&circuit.VCVS{Name: "E1", Nodes: [2]string{"a", "0"}, Control: [2]string{"a", "0"}, Gain: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "0"}, G: 1e-3},
	}}
	_, err := spice.RunNgspice(context.Background(), c)
	var ne *spice.NgspiceError
	if !errors.As(err, &ne) || !strings.Contains(ne.Msg, "no DC operating point") || ne.Stderr == "" {
		t.Errorf("error %v, want an *NgspiceError saying there is no operating point, with stderr", err)
	}
}

func TestRunNgspiceCancel(t *testing.T) {
	needNgspice(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := spice.RunNgspice(ctx, spiceChain("a", "b")); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// TestExamplesNgspice exports every example, runs the deck exactly as
// documented (ngspice -b deck.cir), requires exit status 0 and a voltage
// for every node, and compares with eqsim's Newton solution within 1e-6 V.
func TestExamplesNgspice(t *testing.T) {
	needNgspice(t)
	files, err := filepath.Glob(filepath.Join("..", "examples", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "sweep-") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			nl, err := netlist.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c := nl.Circuit
			if testing.Short() && countParts(c) > 10000 {
				t.Skip("large network in -short mode")
			}
			if n := countParts(c); n > trainingScale {
				t.Skipf("training-scale network of %d parts: ngspice would take many minutes (netlist's TestTrainingExamples checks its solution)", n)
			}
			dir := t.TempDir()
			var b bytes.Buffer
			if err := spice.WriteSpice(&b, c); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "deck.cir"), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("ngspice", "-b", "deck.cir")
			cmd.Dir = dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("ngspice -b: %v\n%s", err, spice.LastLines(stderr.Bytes(), 20, 2000))
			}
			vals := spice.ParsePrint(stdout.Bytes())
			if n := spice.Vectors(c); len(vals) != n {
				t.Errorf("ngspice printed %d vectors, the deck counts %d", len(vals), n)
			}
			d, _ := spice.NamesOf(c)
			ng := map[string]float64{}
			for _, n := range d.NodeList {
				v, ok := vals[strings.ToLower(d.Nodes[n])]
				if !ok {
					t.Fatalf("ngspice printed no voltage for node %q", n)
				}
				ng[n] = v
			}
			sys, err := mna.Compile(c)
			if err != nil {
				t.Fatal(err)
			}
			r, err := solver.Newton(sys, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var worst float64
			for n, v := range eqsimVoltages(sys, r.X) {
				dv := math.Abs(v - ng[n])
				worst = math.Max(worst, dv)
				if !(dv <= 1e-6) {
					t.Errorf("node %q: eqsim %.12g V, ngspice %.12g V", n, v, ng[n])
				}
			}
			t.Logf("%d nodes, largest difference %.3g V", len(ng), worst)
		})
	}
}

// trainingScale is the number of SPICE parts above which an example is a
// network for training runs (examples/mnist-1024.toml, mnist-2h.toml), too
// large for ngspice in a test (784-500-10 takes ngspice 3 minutes) or for
// a round trip through a deck in one (80 s for 784-1024-10). The 784-200-10
// network of examples/mnist-chip.toml (314,000 parts) stays below it: ngspice
// takes 26 s on it.
const trainingScale = 320000

// countParts counts the parts of c's elements: the cards of its deck.
func countParts(c *circuit.Circuit) int {
	n := 0
	for _, e := range c.Elements {
		for range e.Parts() {
			n++
		}
	}
	return n
}

// TestKendallNgspice compares a small Kendall-style network, every block
// element at once, with ngspice.
func TestKendallNgspice(t *testing.T) {
	needNgspice(t)
	c := circuittest.KendallNetwork(64, 16, 4, 3)
	ng, err := spice.RunNgspice(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("largest difference %.3g V", newtonAgrees(t, "Kendall 64x16x4", c, ng))
}

// TestSpiceNonideal checks the deck of examples/nonideal.toml, a netlist
// with every nonideality: the temperatures, a model per varied diode, the
// wire segments and the channels' gains and offsets; and, with ngspice,
// that it is the circuit eqsim solves, internal nodes included.
func TestSpiceNonideal(t *testing.T) {
	nl, err := netlist.ParseFile(filepath.Join("..", "examples", "nonideal.toml"))
	if err != nil {
		t.Fatal(err)
	}
	c := nl.Circuit
	var b strings.Builder
	if err := spice.WriteSpice(&b, c); err != nil {
		t.Fatal(err)
	}
	deck := b.String()
	a := c.Element("A").(*circuit.Amplifier)
	rh := c.Element("RH").(*circuit.Rectifier)
	for _, want := range []string{
		".options temp=76.85 tnom=27 ",
		fmt.Sprintf(".model mrh_1_lo D(IS=%s N=%s)\n", spice.Num(rh.IS[3]), spice.Num(rh.N[3])),
		"drh_1_lo vlo h_1_ mrh_1_lo\n",
		"rw1_r_0_0 x_0_ w1_r_0__0_ 2500\n",
		"rw1_r_3_2 w1_r_3__1_ w1_r_3__2_ 2500\n",
		"rw1_c_3_1 w1_c_3__1_ h_1_ 2500\n",
		"rw1_c_0_1 w1_c_0__1_ w1_c_1__1_ 2500\n",
		fmt.Sprintf("ea_2 a_2_s 0 h_2_ 0 %s\n", spice.Num(a.Gains[2])),
		fmt.Sprintf("va_2 a_2_s ha_2_ %s\n", spice.Num(-a.Offsets[2])),
		fmt.Sprintf("fa_2 h_2_ 0 va_2 %s\n", spice.Num(1/a.Gains[2])),
		"* node \"W1.c[3][2]\" = w1_c_3__2_\n",
	} {
		if !strings.Contains(deck, want) {
			t.Errorf("deck lacks %q", want)
		}
	}
	if n := strings.Count(deck, "\nrw1_"); n != 4*3*3 {
		t.Errorf("%d resistor cards for W1, want 12 cells and 24 segments", n)
	}
	if n := strings.Count(deck, "\n.model "); n != 6 {
		t.Errorf("%d models, want one per diode of RH", n)
	}

	needNgspice(t)
	ng, err := spice.RunNgspice(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ng["W1.r[0][0]"]; !ok {
		t.Error("ngspice gave no internal node")
	}
	d := newtonAgrees(t, "nonideal netlist", c, ng)
	t.Logf("%d nodes, largest difference from ngspice %.3g V", len(ng), d)
	if math.IsNaN(d) {
		t.Error("NaN difference")
	}
}

var spiceBenchSizes = []int{100, 500}

// BenchmarkWriteSpice measures exporting a Kendall-style network.
func BenchmarkWriteSpice(b *testing.B) {
	for _, h := range spiceBenchSizes {
		c := circuittest.KendallNetwork(784, h, 10, 1)
		b.Run(fmt.Sprintf("784x%dx10", h), func(b *testing.B) {
			for b.Loop() {
				if err := spice.WriteSpice(io.Discard, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNgspice measures a DC solve by ngspice of the exported
// Kendall-style networks, process start and deck parsing included, the
// anchor eqsim's solver is compared with. 784x500x10 takes minutes and
// most of a gigabyte: run it with -benchtime=1x.
func BenchmarkNgspice(b *testing.B) {
	needNgspice(b)
	for _, h := range spiceBenchSizes {
		c := circuittest.KendallNetwork(784, h, 10, 1)
		b.Run(fmt.Sprintf("784x%dx10", h), func(b *testing.B) {
			for b.Loop() {
				if _, err := spice.RunNgspice(context.Background(), c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
