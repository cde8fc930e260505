package sweep

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestSweepCosine sweeps the wire resistance of the XOR example with the
// cosine metric (gradcheck): results.csv gets a cosine column, the cosine
// is near 1 with ideal wires (EqProp measures where the devices are) and
// falls with wire resistance (the trainer measures at the periphery, the
// devices sit between the wires), and the cosine plots are written beside
// the metric's.
func TestSweepCosine(t *testing.T) {
	xor, err := filepath.Abs("../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf("base = %q\nmetric = \"train_error\"\ngradcheck = 4\n[set]\n\"training.epochs\" = 2\n"+
		"[[axis]]\npath = \"crossbar[W1].wire_r\"\nname = \"wire_r\"\nvalues = [0, 100000, 1000000]\n", xor)
	path := writeSpec(t, t.TempDir(), "xor-wires.toml", spec)
	s := parse(t, path)
	if s.GradCheck != 4 {
		t.Fatalf("gradcheck %d", s.GradCheck)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), s, Options{Out: out, Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, ResultsCSV))
	col, ok := columns(rows)[Cosine]
	if !ok {
		col = -1
	}
	if col < 0 || len(rows) != 4 {
		t.Fatalf("results: %v", rows)
	}
	var cos []float64
	for _, r := range rows[1:] {
		c, err := strconv.ParseFloat(r[col], 64)
		if err != nil {
			t.Fatalf("row %v: %v", r, err)
		}
		cos = append(cos, c)
	}
	t.Logf("cosine by wire_r 0, 100k, 1meg: %v", cos)
	if !(cos[0] > 0.999) || !(cos[2] < cos[1]) || !(cos[1] < cos[0]) {
		t.Errorf("cosines %v: want near 1 with ideal wires, falling with wire resistance", cos)
	}
	for _, name := range []string{"cosine-wire_r.png", "train_error-wire_r.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}

// TestSweepCosineNeedsGradcheck checks that the cosine metric without
// gradcheck is bad input.
func TestSweepCosineNeedsGradcheck(t *testing.T) {
	path := writeSpec(t, t.TempDir(), "bad.toml", "base = \"x.toml\"\nmetric = \"cosine\"\n[[axis]]\npath = \"training.epochs\"\nvalues = [1]\n")
	if _, err := ParseFile(path); err == nil {
		t.Error("metric cosine without gradcheck: no error")
	}
}
