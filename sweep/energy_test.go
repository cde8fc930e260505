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

// TestSweepEnergyPerInference sweeps the XOR example's integration time
// with the energy per inference as the metric: with the equilibrium
// method an inference costs the mean power times the window, which every
// run of results.csv must show (its own mean_power column times its
// tau), and summary.csv and the plots carry the metric.
func TestSweepEnergyPerInference(t *testing.T) {
	xor, err := filepath.Abs("../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf("base = %q\nmetric = \"energy_per_inference\"\nseeds = [1, 2]\n[set]\n\"training.epochs\" = 2\n"+
		"[[axis]]\npath = \"training.sense.integration_time\"\nname = \"tau\"\nvalues = [1e-6, 1e-5]\n", xor)
	s := parse(t, writeSpec(t, t.TempDir(), "xor-inference.toml", spec))
	out := t.TempDir()
	if _, err := Run(context.Background(), s, Options{Out: out, Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, ResultsCSV))
	col := columns(rows)
	num := func(r []string, k string) float64 {
		t.Helper()
		v, err := strconv.ParseFloat(r[col[k]], 64)
		if err != nil {
			t.Fatalf("%s %q in %v", k, r[col[k]], r)
		}
		return v
	}
	if len(rows) != 5 {
		t.Fatalf("results.csv: %v", rows)
	}
	for _, r := range rows[1:] {
		tau, p, e := num(r, "tau"), num(r, "mean_power"), num(r, "energy_per_inference")
		if !(e > 0) || math.Abs(e-p*tau) > 1e-12*e || math.Abs(num(r, "chip_time_per_inference")-tau) > 1e-12*tau {
			t.Errorf("energy per inference %g J, mean power %g W times tau %g s: %v", e, p, tau, r)
		}
	}
	sum := readCSV(t, filepath.Join(out, SummaryCSV))
	if _, ok := columns(sum)["energy_per_inference_mean"]; !ok || len(sum) != 3 {
		t.Errorf("summary.csv: %v", sum)
	}
	if _, err := os.Stat(filepath.Join(out, "energy_per_inference-tau.png")); err != nil {
		t.Error(err)
	}
}
