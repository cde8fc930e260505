package spice_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/spice"
	"github.com/eqsim/eqsim/spice/importer"
)

// roundTrip exports c, imports the deck and returns the circuit and the
// notes.
func roundTrip(t *testing.T, c *circuit.Circuit) (*importer.Deck, string) {
	t.Helper()
	var b bytes.Buffer
	if err := spice.WriteSpice(&b, c); err != nil {
		t.Fatal(err)
	}
	d, err := importer.Import(bytes.NewReader(b.Bytes()), "deck.cir")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return d, b.String()
}

// recordNotes returns the notes of an import that are about eqsim's records.
func recordNotes(d *importer.Deck) []string {
	var out []string
	for _, n := range d.Notes {
		if strings.Contains(n.Msg, "eqsim") {
			out = append(out, n.String())
		}
	}
	return out
}

// TestRoundTripExamples exports every example netlist and imports the
// deck: the circuit must come back bit for bit (circuit.Diff), block
// elements, groups, model names and temperatures included.
func TestRoundTripExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatal("no examples", err)
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
			if testing.Short() && countParts(nl.Circuit) > 10000 {
				t.Skip("large network in -short mode")
			}
			if n := countParts(nl.Circuit); n > trainingScale {
				t.Skipf("training-scale network of %d parts: mnist-kendall.toml's round trip covers its elements", n)
			}
			d, _ := roundTrip(t, nl.Circuit)
			if diff := circuit.Diff(nl.Circuit, d.Circuit); diff != "" {
				t.Errorf("after export and import: %s\nnotes: %q", diff, recordNotes(d))
			}
		})
	}
}

// netlistable makes c a circuit that a netlist can write, as only those
// have records that rebuild them: an input's nodes are the group of its
// name (the generators' inputs drive group x) and crossbar conductances
// are positive (the generators open some).
func netlistable(c *circuit.Circuit) {
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Input:
			e.Name = strings.TrimSuffix(e.Nodes[0], "[0]")
		case *circuit.Crossbar:
			raw := e.G.RawMatrix()
			for i, g := range raw.Data {
				if g == 0 {
					raw.Data[i] = 1e-9
				}
			}
		}
	}
}

// realAmplifiers gives every amplifier of c a swing, an output resistance
// or both, by seed (none for seed%4 == 0), of numbers with all their
// digits, so that the round trip must carry them exactly; it returns how
// many amplifiers saturate.
func realAmplifiers(c *circuit.Circuit, seed uint64) (saturating int) {
	rng := rand.New(rand.NewPCG(seed, 0x73776e67)) // "swng"
	for _, e := range c.Elements {
		a, ok := e.(*circuit.Amplifier)
		if !ok || seed%4 == 0 {
			continue
		}
		if seed%4 != 3 {
			a.Swing = 0.2 + 2*rng.Float64()
			saturating++
		}
		if seed%4 != 1 {
			a.Rout = math.Pow(10, 4*rng.Float64())
		}
	}
	return saturating
}

// TestRoundTripRandom exports random circuits, of element cards and of
// blocks with wire resistance, diode variation, amplifier gain errors,
// offsets, swings and output resistances and temperatures of their own,
// and imports them: every one that a netlist can write must come back bit
// for bit.
func TestRoundTripRandom(t *testing.T) {
	saturating := 0
	for seed := range uint64(40) {
		var c *circuit.Circuit
		if seed%2 == 0 {
			c, _ = randomCircuit(seed)
		} else {
			c = nonidealCircuit(seed)
		}
		netlistable(c)
		saturating += realAmplifiers(c, seed)
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			d, deck := roundTrip(t, c)
			if diff := circuit.Diff(c, d.Circuit); diff != "" {
				t.Errorf("after export and import: %s\nnotes: %q\n%s", diff, recordNotes(d), deck)
			}
		})
	}
	if saturating < 5 {
		t.Errorf("%d saturating amplifiers, want at least 5", saturating)
	}
}

// TestRoundTripEdited imports decks exported by eqsim and then edited: a
// record whose element's cards were changed, or that was removed or
// garbled, is not used, with a note, and the element's cards come in as
// they are; every other element is rebuilt. A crossbar's conductances are
// on its cards, not in its record: one changed there is the rebuilt
// crossbar's.
func TestRoundTripEdited(t *testing.T) {
	nl, err := netlist.ParseFile(filepath.Join("..", "examples", "xor.toml"))
	if err != nil {
		t.Fatal(err)
	}
	_, deck := roundTrip(t, nl.Circuit)
	lines := strings.Split(deck, "\n")
	edit := func(prefix string, f func(string) string) string {
		out := append([]string(nil), lines...)
		for i, l := range out {
			if strings.HasPrefix(l, prefix) {
				out[i] = f(l)
				return strings.Join(out, "\n")
			}
		}
		t.Fatalf("no line %q", prefix)
		return ""
	}
	for _, tc := range []struct {
		name, deck string
		cards      string // the element imported as cards
		note       string
	}{
		{"card moved", edit("rw1_0_0 ", func(string) string { return "rw1_0_0 x_0_ h_1_ 2.5e6" }), "W1", `crossbar "W1"`},
		{"source changed", edit("VBN ", func(string) string { return "VBN b_1_ 0 -2" }), "", `vsource "VBN"`},
		{"record removed", edit(`* eqsim element {"kind":"amplifier"`, func(string) string { return "* gone" }), "A", ""},
		{"record garbled", edit(`* eqsim element {"kind":"rectifier"`, func(l string) string { return l[:len(l)-2] }), "D", "element record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := importer.Import(strings.NewReader(tc.deck), "edited.cir")
			if err != nil {
				t.Fatal(err)
			}
			notes := recordNotes(d)
			if tc.note != "" && (len(notes) != 1 || !strings.Contains(notes[0], tc.note)) {
				t.Errorf("notes %q, want one about %s", notes, tc.note)
			}
			if tc.note == "" && len(notes) != 0 {
				t.Errorf("notes %q, want none", notes)
			}
			if v, ok := d.Circuit.Element("VBN").(*circuit.VSource); !ok || v.V != -2 && tc.cards == "" {
				t.Errorf("VBN is %v", d.Circuit.Element("VBN"))
			}
			for _, e := range nl.Circuit.Elements {
				got := d.Circuit.Element(e.Label())
				switch {
				case e.Label() == tc.cards && got != nil:
					t.Errorf("%s was rebuilt from its record", e.Label())
				case e.Label() != tc.cards && (got == nil || got.Kind() != e.Kind()):
					t.Errorf("%s was not rebuilt", e.Label())
				}
			}
		})
	}
	d, err := importer.Import(strings.NewReader(edit("rw1_0_0 ", func(string) string { return "rw1_0_0 x_0_ h_0_ 2.5e6" })), "edited.cir")
	if err != nil {
		t.Fatal(err)
	}
	w1, ok := d.Circuit.Element("W1").(*circuit.Crossbar)
	if !ok || w1.G.At(0, 0) != 1/2.5e6 || len(recordNotes(d)) > 0 {
		t.Errorf("a crossbar conductance changed on its card: W1 %v, notes %q", d.Circuit.Element("W1"), recordNotes(d))
	}
}

// TestRoundTripGolden round-trips the circuit of the golden deck, whose
// nodes and elements ngspice cannot take by their names and whose CCCS
// sense a VCVS and an amplifier channel through sense sources.
func TestRoundTripGolden(t *testing.T) {
	c := spiceBlockCircuit()
	netlistable(c)
	d, _ := roundTrip(t, c)
	if diff := circuit.Diff(c, d.Circuit); diff != "" {
		t.Errorf("after export and import: %s\nnotes: %q", diff, recordNotes(d))
	}
}
