package sweep

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestSweepEnergy sweeps the XOR example's integration time, with two
// metrics: the energy per training sample, which must grow in proportion
// to the window (the equilibrium method: three phases of a window each at
// their DC power, the same circuit at both points for the one epoch of
// one batch before the update), and the test error. summary.csv holds
// both; the plots include the page of both metrics against the axis.
func TestSweepEnergy(t *testing.T) {
	xor, err := filepath.Abs("../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf("base = %q\nmetric = [\"test_error\", \"energy_per_sample\"]\n[set]\n\"training.epochs\" = 1\n"+
		"[[axis]]\npath = \"training.sense.integration_time\"\nname = \"tau\"\nvalues = [1e-6, 1e-5]\n"+
		"[[axis]]\npath = \"training.beta\"\nvalues = [1e-6]\n", xor)
	s := parse(t, writeSpec(t, t.TempDir(), "xor-energy.toml", spec))
	if s.Metric != "test_error" || len(s.Also) != 1 || s.Also[0] != "energy_per_sample" {
		t.Fatalf("metrics %q, also %q", s.Metric, s.Also)
	}
	out := t.TempDir()
	if _, err := Run(context.Background(), s, Options{Out: out, Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, SummaryCSV))
	col := columns(rows)
	for _, k := range []string{"test_error_mean", "energy_per_sample_mean", "energy_per_sample_std"} {
		if _, ok := col[k]; !ok {
			t.Fatalf("summary.csv lacks %s: %v", k, rows[0])
		}
	}
	e := map[string]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[col["energy_per_sample_mean"]], 64)
		if err != nil || !(v > 0) {
			t.Fatalf("energy per sample %q in %v", r[col["energy_per_sample_mean"]], r)
		}
		e[r[col["tau"]]] = v
	}
	if r := e["1e-05"] / e["1e-06"]; math.Abs(r-10) > 1e-9 {
		t.Errorf("energy per sample %v: not proportional to the window", e)
	}
	for _, name := range []string{"metrics-axes.png", "energy_per_sample-tau.png", "test_error-tau.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}
