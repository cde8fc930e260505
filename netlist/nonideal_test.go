package netlist

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// nonidealNet is examples/nonideal.toml: a small layered network with
// every circuit nonideality.
var nonidealNet = func() string {
	b, err := os.ReadFile("../examples/nonideal.toml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

func TestParseNonideal(t *testing.T) {
	nl, err := Parse([]byte(nonidealNet), "")
	if err != nil {
		t.Fatal(err)
	}
	c := nl.Circuit
	if c.Temp != 350 || c.TNom != 300.15 {
		t.Errorf("temp %g K, tnom %g K", c.Temp, c.TNom)
	}
	w1 := c.Element("W1").(*circuit.Crossbar)
	if w1.WireR != 2500 || c.Element("W2").(*circuit.Crossbar).WireR != 0 {
		t.Errorf("wire resistances %g and %g ohms", w1.WireR, c.Element("W2").(*circuit.Crossbar).WireR)
	}
	rh := c.Element("RH").(*circuit.Rectifier)
	wantD := circuit.DiodeVariation{ISSpread: 0.5, NSpread: 0.05, Seed: 7}
	is, n := wantD.Draw(rh.Model, 6)
	if rh.Variation != wantD || !reflect.DeepEqual(rh.IS, is) || !reflect.DeepEqual(rh.N, n) {
		t.Errorf("rectifier %+v", rh)
	}
	a := c.Element("A").(*circuit.Amplifier)
	wantA := circuit.AmplifierVariation{GainError: 0.05, Offset: 0.01, Seed: 1}
	g, o := wantA.Draw(4, 3)
	if a.Variation != wantA || !reflect.DeepEqual(a.Gains, g) || !reflect.DeepEqual(a.Offsets, o) || a.Gain != 4 {
		t.Errorf("amplifier %+v", a)
	}

	// Without the keys nothing varies: no per-device slices at all.
	plain := strings.NewReplacer("wire_r = \"2.5k\"\n", "", "is_spread = 0.5\n", "", "n_spread = 0.05\n", "", "seed = 7\n", "",
		"gain_error = \"50m\"\n", "", "offset = \"10m\"\n", "", "tnom = 300.15\n", "").Replace(nonidealNet)
	nl, err = Parse([]byte(plain), "")
	if err != nil {
		t.Fatal(err)
	}
	c = nl.Circuit
	rh, a = c.Element("RH").(*circuit.Rectifier), c.Element("A").(*circuit.Amplifier)
	if c.TNom != 0 || c.Element("W1").(*circuit.Crossbar).WireR != 0 || rh.IS != nil || rh.N != nil ||
		rh.Variation != (circuit.DiodeVariation{}) || a.Gains != nil || a.Offsets != nil || a.Variation != (circuit.AmplifierVariation{}) {
		t.Errorf("nominal netlist has nonidealities: %+v %+v", rh, a)
	}
}

// nonidealErrors are bad netlists in the manner of errorCases.
var nonidealErrors = []struct {
	name, src string
	want      []string
}{
	{"negative wire", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"constant\"\ng = 1\nwire_r = -1 #!\n", []string{`crossbar "W"`, "wire_r must not be negative"}},
	{"wire not a number", "[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"constant\"\ng = 1\nwire_r = \"1kohm\" #!\n", []string{`crossbar "W"`, "wire_r"}},
	{"tnom zero", "[options]\ntnom = 0 #!\n", []string{"options", "tnom must be positive"}},
	{"is_spread negative", "[[rectifier]]\nname = \"RH\"\ngroup = \"h\"\nmodel = \"d1\"\nhigh = \"a\"\nlow = \"0\"\nis_spread = -0.1 #!\n", []string{`rectifier "RH"`, "is_spread must not be negative"}},
	{"n_spread too big", "[[rectifier]]\nname = \"RH\"\ngroup = \"h\"\nmodel = \"d1\"\nhigh = \"a\"\nlow = \"0\"\nn_spread = 0.5 #!\n", []string{`rectifier "RH"`, "n_spread = 0.5 is above its bound 0.3"}},
	{"seed negative", "[[rectifier]]\nname = \"RH\"\ngroup = \"h\"\nmodel = \"d1\"\nhigh = \"a\"\nlow = \"0\"\nis_spread = 1\nseed = -2 #!\n", []string{`rectifier "RH"`, "seed must not be negative"}},
	{"gain_error too big", "[[group]]\nname = \"o\"\nsize = 4\n[[amplifier]]\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 2\ngain_error = 0.4 #!\n", []string{`amplifier "A"`, "gain_error = 0.4 is above its bound"}},
	{"offset negative", "[[group]]\nname = \"o\"\nsize = 4\n[[amplifier]]\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 2\noffset = \"-1m\" #!\n", []string{`amplifier "A"`, "offset must not be negative"}},
	{"seed not integer", "[[group]]\nname = \"o\"\nsize = 4\n[[amplifier]]\nname = \"A\"\nfrom = \"h\"\nto = \"o\"\ngain = 2\nseed = 1.5 #!\n", []string{`amplifier "A"`, "seed must be an integer"}},
}

func TestNonidealErrors(t *testing.T) {
	for _, tc := range nonidealErrors {
		t.Run(tc.name, func(t *testing.T) {
			src := errorSource(tc.src)
			_, err := Parse([]byte(src), "bad.toml")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want an *Error", err)
			}
			msg := err.Error()
			if want := fmt.Sprintf("bad.toml:%d: ", lineOf(src)); !strings.HasPrefix(msg, want) {
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

// TestWiredNodeLimit checks that the internal nodes of wired crossbars
// count towards the node limit: group h's 4 nodes and W's 2*4*4.
func TestWiredNodeLimit(t *testing.T) {
	defer func(n int) { limits.nodes = n }(limits.nodes)
	src := okHead + "[[rectifier]]\nname = \"RH\"\ngroup = \"h\"\nmodel = \"d1\"\nhigh = \"a\"\nlow = \"0\"\n" +
		"[[crossbar]]\nname = \"W\"\nfrom = \"h\"\nto = \"h\"\ninit = \"constant\"\ng = 1\nwire_r = 1 #!\n"
	limits.nodes = 35
	_, err := Parse([]byte(src), "")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d: ", lineOf(src))) || !strings.Contains(err.Error(), "the crossbar has 32 internal nodes") {
		t.Errorf("error %v, want one about W's internal nodes", err)
	}
	limits.nodes = 36
	if _, err := Parse([]byte(src), ""); err != nil {
		t.Error(err)
	}
}

// TestRoundTripNonideal writes netlists with random nonidealities back and
// reads them again: the same circuit bit for bit, and the keys, not the
// drawn values, in the file.
func TestRoundTripNonideal(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for k := range 30 {
		src := nonidealNet
		rep := func(key, val string) {
			src = strings.Replace(src, key, val, 1)
		}
		rep("wire_r = \"2.5k\"", "wire_r = "+formatNumber(rng.ExpFloat64()*100))
		rep("tnom = 300.15", []string{"tnom = 300.15", "", "tnom = " + formatNumber(250+100*rng.Float64())}[k%3])
		rep("is_spread = 0.5", []string{"", "is_spread = " + formatNumber(rng.Float64())}[k%2])
		rep("n_spread = 0.05", []string{"", "n_spread = " + formatNumber(0.3*rng.Float64())}[k/2%2])
		rep("seed = 7", []string{"", "seed = 0", fmt.Sprintf("seed = %d", rng.IntN(1<<20))}[k%3])
		rep("gain_error = \"50m\"", []string{"", "gain_error = " + formatNumber(0.3*rng.Float64())}[k/3%2])
		rep("offset = \"10m\"", []string{"", "offset = " + formatNumber(0.1*rng.Float64())}[k/5%2])
		dir := t.TempDir()
		in := filepath.Join(dir, "in.toml")
		os.WriteFile(in, []byte(src), 0o644)
		nl, err := ParseFile(in)
		if err != nil {
			t.Fatalf("netlist %d: %v\n%s", k, err, src)
		}
		what := fmt.Sprint("netlist ", k)
		back, _ := writeBack(t, what, nl, filepath.Join(dir, "out.toml"))
		sameCircuit(t, what, nl.Circuit, back.Circuit)
	}
	// The keys as written.
	nl, err := Parse([]byte(nonidealNet), "")
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := render(nl, "w")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tnom = 300.15\n", "wire_r = 2500.0\n", "is_spread = 0.5\nn_spread = 0.05\nseed = 7\n", "gain_error = 0.05\noffset = 0.01\nseed = 1\n"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("written netlist lacks %q:\n%s", want, text)
		}
	}
}

// TestWriteRejectsUndrawn checks that per-device values that no variation
// of the format draws are refused, not silently replaced.
func TestWriteRejectsUndrawn(t *testing.T) {
	nl, err := Parse([]byte(nonidealNet), "")
	if err != nil {
		t.Fatal(err)
	}
	rh := nl.Circuit.Element("RH").(*circuit.Rectifier)
	rh.IS[2] *= 2
	out := filepath.Join(t.TempDir(), "w.toml")
	if err := WriteFile(out, nl); err == nil || !strings.Contains(err.Error(), "per-diode parameters") {
		t.Errorf("WriteFile: %v, want an error about per-diode parameters", err)
	}
	rh.Vary(rh.Variation)
	a := nl.Circuit.Element("A").(*circuit.Amplifier)
	a.Offsets = nil
	if err := WriteFile(out, nl); err == nil || !strings.Contains(err.Error(), "channel gains and offsets") {
		t.Errorf("WriteFile: %v, want an error about channel offsets", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused netlist was written: %v", err)
	}
}

// TestNegativeZeroKeys checks that keys written as -0 mean what 0 means
// and write back.
func TestNegativeZeroKeys(t *testing.T) {
	src := strings.NewReplacer("wire_r = \"2.5k\"", "wire_r = -0.0", "is_spread = 0.5", "is_spread = -0.0",
		"n_spread = 0.05", "", "gain_error = \"50m\"", "gain_error = -0.0", "offset = \"10m\"", "offset = -0.0").Replace(nonidealNet)
	nl, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "w.toml"), nl); err != nil {
		t.Error(err)
	}
}
