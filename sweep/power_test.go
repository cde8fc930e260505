package sweep

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestSweepMeanPower sweeps the XOR example's input amplitude with the
// mean power per inference as the metric: every run reports it, and it
// grows with the amplitude (the inputs deliver their voltage squared
// times the conductances, diodes aside).
func TestSweepMeanPower(t *testing.T) {
	xor, err := filepath.Abs("../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf("base = %q\nmetric = \"mean_power\"\nseeds = [1]\n[set]\n\"training.epochs\" = 3\n[[axis]]\npath = \"input[x].amplitude\"\nvalues = [0.5, 1, 2]\n", xor)
	s := parse(t, writeSpec(t, t.TempDir(), "xor-amp.toml", spec))
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), s, Options{Out: out, Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "results.csv"))
	col, ok := columns(rows)["mean_power"]
	if !ok {
		col = -1
	}
	if col < 0 || len(rows) != 4 {
		t.Fatalf("results.csv: %v", rows)
	}
	prev := 0.0
	for _, r := range rows[1:] {
		p, err := strconv.ParseFloat(r[col], 64)
		if err != nil || !(p > prev) {
			t.Errorf("mean power %q after %g W: want it to grow with the amplitude (%v)", r[col], prev, r)
		}
		prev = p
	}
	if _, err := os.Stat(filepath.Join(out, "mean_power-amplitude.png")); err != nil {
		t.Error(err)
	}
}
