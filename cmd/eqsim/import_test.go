package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
)

// TestImportRoundTripExamples exports the examples to SPICE and imports
// the decks: the netlist written gives the same circuit, bit for bit, and
// simulate --json prints the same bytes for both.
func TestImportRoundTripExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.toml")
	dir := t.TempDir()
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".toml")
		if strings.HasPrefix(base, "sweep") {
			continue
		}
		t.Run(base, func(t *testing.T) {
			orig, err := netlist.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parts := 0
			for _, e := range orig.Circuit.Elements {
				for range e.Parts() {
					parts++
				}
			}
			if parts > 10000 {
				// Package spice's TestRoundTripExamples round-trips the
				// MNIST-sized networks bit for bit, which gives the same
				// output here.
				t.Skip("large network")
			}
			deck := filepath.Join(dir, base+".cir")
			mustRun(t, "export", "spice", f, "-o", deck)
			out := filepath.Join(dir, base, base+".toml")
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			mustRun(t, "import", "spice", deck, "-o", out)
			back, err := netlist.ParseFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if d := circuit.Diff(orig.Circuit, back.Circuit); d != "" {
				t.Errorf("imported netlist: %s", d)
			}
			a, _ := mustRun(t, "simulate", "--json", f)
			b, _ := mustRun(t, "simulate", "--json", out)
			if a != b {
				t.Errorf("simulate --json differs:\n%s\n%s", a, b)
			}
		})
	}
}

// TestImportSpice imports a deck written by hand: the netlist goes to
// stdout, notes to stderr; a card eqsim cannot represent is bad input
// that names the card and its line, and nothing is written.
func TestImportSpice(t *testing.T) {
	dir := t.TempDir()
	deck := writeFile(t, dir, "div.cir", `divider by hand
V1 in 0 DC 2
R1 in out 1k
R2 out 0 {2*rl}
.param rl = 500
.op
.end
`)
	code, stdout, stderr := eqsim("import", "spice", deck)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "note:") || !strings.Contains(stderr, ".op") {
		t.Errorf("stderr lacks the note on .op:\n%s", stderr)
	}
	nl, err := netlist.Parse([]byte(stdout), "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if r2, ok := nl.Circuit.Element("R2").(*circuit.Resistor); !ok || r2.G != 1e-3 || r2.Nodes != [2]string{"out", "0"} {
		t.Errorf("R2 is %+v", nl.Circuit.Element("R2"))
	}

	bad := writeFile(t, dir, "bad.cir", "bad\nV1 a 0 1\nR1 a b 1k\nL1 b 0 1u\n.end\n")
	out := filepath.Join(dir, "bad.toml")
	code, stdout, stderr = eqsim("import", "spice", bad, "-o", out)
	if code != 2 || !strings.Contains(stderr, "bad.cir:4") || !strings.Contains(stderr, "L1 b 0 1u") || stdout != "" {
		t.Errorf("an inductor: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a netlist was written")
	}
	if code, _, stderr := eqsim("import", "spice", deck, "-o", deck); code != 2 || !strings.Contains(stderr, "overwrite") {
		t.Errorf("-o the deck: exit %d: %s", code, stderr)
	}
	if code, _, stderr := eqsim("import", "spice", filepath.Join(dir, "missing.cir")); code != 2 || !strings.Contains(stderr, "missing.cir") {
		t.Errorf("a missing deck: exit %d: %s", code, stderr)
	}
}
