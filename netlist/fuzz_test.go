package netlist

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// fuzzBlocks uses the sidecars in testdata.
const fuzzBlocks = `
[models.d]
type = "diode"
[[input]]
name = "x"
size = 2
encoding = "differential"
values = "v2.npy"
[[group]]
name = "h"
size = 3
[[crossbar]]
name = "W"
from = "x"
to = "h"
init = "uniform"
low = "1u"
high = "3u"
seed = 2
[[group]]
name = "q"
size = 2
[[crossbar]]
name = "M"
from = "q"
to = "h"
matrix = "w2x3.npy"
[[rectifier]]
name = "R"
group = "h"
model = "d"
high = "0"
low = "gnd"
`

const fuzzSmall = `
[[group]]
name = "a"
size = 2
[[group]]
name = "b"
size = 2
[[input]]
name = "in"
size = 2
values = [1, "2m"]
[[crossbar]]
name = "W"
from = "in"
to = "a"
init = "constant"
g = 1
[[amplifier]]
name = "A"
from = "a"
to = "b"
gain = -2
[[resistor]]
name = "R"
nodes = ["b[1]", "0"]
r = 1
`

// TestFuzzSeeds checks that the valid seeds are valid, so that fuzzing
// starts from netlists that reach the writer.
func TestFuzzSeeds(t *testing.T) {
	for i, src := range []string{allCards, fuzzBlocks, fuzzSmall, okHead} {
		if _, err := Parse([]byte(src), filepath.Join("testdata", "fuzz.toml")); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
	}
}

// FuzzParse checks that Parse never panics, that every failure is an
// *Error with a message, and that every netlist it accepts writes back
// (in memory) to a netlist that parses to the same circuit bit for bit.
func FuzzParse(f *testing.F) {
	f.Add([]byte(allCards))
	f.Add([]byte(fuzzBlocks))
	f.Add([]byte(fuzzSmall))
	f.Add([]byte(okHead))
	f.Add([]byte("resistor = [{name = \"R1\", nodes = [\"a\", \"0\"], r = 1}]\nvsource = [{name = \"V\", nodes = [\"a\", \"0\"], v = \"1k\"}]\n"))
	for _, tc := range errorCases {
		f.Add([]byte(errorSource(tc.src)))
	}
	examples, _ := filepath.Glob("../examples/*.toml")
	for _, e := range examples {
		if b, err := os.ReadFile(e); err == nil && len(b) < 1<<16 {
			f.Add(b)
		}
	}
	// Random valid netlists, with sidecars beside the fuzzed netlist along
	// with those of testdata, give the fuzzer deep inputs to mutate.
	dir := f.TempDir()
	for _, n := range []string{"v2.npy", "w2x3.npy"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for k := range 8 {
		b, err := os.ReadFile(randomNetlist(f, rng, dir, fmt.Sprintf("r%d-", k)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Small limits keep each input fast; the limits themselves are tested
	// in TestErrors.
	saved := limits
	limits.nodes, limits.weights = 4096, 1<<16
	defer func() { limits = saved }()

	f.Fuzz(func(t *testing.T, data []byte) {
		nl, err := Parse(data, filepath.Join(dir, "fuzz.toml"))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			if e.Msg == "" || e.File == "" {
				t.Fatalf("error without message or file: %#v", e)
			}
			return
		}
		if nl.Circuit == nil || len(nl.Circuit.Elements) == 0 {
			t.Fatal("accepted netlist without elements")
		}
		back, text := renderBack(t, nl, "mem")
		if d := Diff(nl.Circuit, back.Circuit); d != "" {
			t.Fatalf("written netlist differs: %s\n%s", d, text)
		}
	})
}
