package run

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop"
)

// TestTrainEnergyPerInference trains XOR with transient phases on 1 and 2
// workers and checks the energy and chip time per inference: in every
// metrics row (metrics.csv's last two columns, metrics.jsonl) and in the
// summary, positive, the same for both worker counts, and equal to the
// cost of the free phase of every test sample measured directly on the
// trained netlist read back from its file; Evaluate reports the same.
func TestTrainEnergyPerInference(t *testing.T) {
	var sums []*Summary
	for _, w := range []int{1, 2} {
		out := filepath.Join(t.TempDir(), "run")
		o := Overrides{Epochs: ptr(2), BatchSize: ptr(2), Workers: ptr(w), Dynamics: ptr("transient")}
		sum, err := Train(context.Background(), open(t, o), Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
		f, err := os.Open(filepath.Join(out, MetricsCSV))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		head := rows[0]
		if n := len(head); n != 12 || head[9] != "chip_time_per_sample" || head[10] != "energy_per_inference" || head[11] != "chip_time_per_inference" {
			t.Fatalf("metrics.csv header %v", head)
		}
		for i, r := range sum.Rows {
			e, _ := strconv.ParseFloat(rows[i+1][10], 64)
			ct, _ := strconv.ParseFloat(rows[i+1][11], 64)
			if !(r.EnergyPerInference > 0) || !(r.ChipTimePerInference > 0) || e != r.EnergyPerInference || ct != r.ChipTimePerInference {
				t.Errorf("epoch %d: %g J, %g s per inference; metrics.csv %v", r.Epoch, r.EnergyPerInference, r.ChipTimePerInference, rows[i+1])
			}
		}
		jl, err := os.ReadFile(filepath.Join(out, MetricsJSONL))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]float64
		lines := strings.Split(strings.TrimSpace(string(jl)), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
			t.Fatal(err)
		}
		if m["energy_per_inference"] != sum.EnergyPerInference || m["chip_time_per_inference"] != sum.ChipTimePerInference {
			t.Errorf("metrics.jsonl %v, summary %+v", m, sum)
		}
	}
	if a, b := sums[0], sums[1]; a.EnergyPerInference != b.EnergyPerInference || a.ChipTimePerInference != b.ChipTimePerInference || a.EnergyPerInference == 0 {
		t.Errorf("1 worker: %g J, %g s; 2 workers: %g J, %g s per inference", a.EnergyPerInference, a.ChipTimePerInference, b.EnergyPerInference, b.ChipTimePerInference)
	}

	// The reference: the trained netlist, sample by sample.
	s, err := Open(sums[0].Netlist, Overrides{Dynamics: ptr("transient")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	var want eqprop.Cost
	for i := range s.Test.Len() {
		s.Net.Reset()
		s.Net.SetInput(s.Test.Sample(i))
		if err := s.Net.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		want.Energy += s.Net.Cost().Energy
		want.Time += s.Net.Cost().Time
	}
	m := float64(s.Test.Len())
	if e, ct := want.Energy/m, want.Time/m; e != sums[0].EnergyPerInference || ct != sums[0].ChipTimePerInference {
		t.Errorf("summary %g J, %g s per inference; the trained netlist's free phases %g J, %g s", sums[0].EnergyPerInference, sums[0].ChipTimePerInference, e, ct)
	}
	rep, err := Evaluate(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rep.EnergyPerInference != sums[0].EnergyPerInference || rep.ChipTimePerInference != sums[0].ChipTimePerInference ||
		rep.MeanPower == nil || *rep.MeanPower != sums[0].MeanPower || rep.TestError != sums[0].TestError || rep.Samples != s.Test.Len() {
		t.Errorf("Evaluate %+v, summary %+v", rep, sums[0])
	}
}

// TestEvaluateEquilibrium: with the equilibrium method and no window an
// inference costs nothing on the chip, and a backend that does not
// measure power (ngspice) reports none: JSON null, not 0.
func TestEvaluateEquilibrium(t *testing.T) {
	s := open(t, Overrides{})
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(context.Background(), s, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.EnergyPerInference != 0 || rep.ChipTimePerInference != 0 || rep.MeanPower == nil || !(*rep.MeanPower > 0) {
		t.Errorf("equilibrium method: %+v", rep)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "energy 0 J, chip time 0 s") {
		t.Errorf("text %q", b.String())
	}
	ng, err := Open(xorNet, Overrides{Backend: ptr("ngspice")})
	if err != nil {
		t.Skip(err)
	}
	if err := ng.Load(); err != nil {
		t.Fatal(err)
	}
	if rep, err = Evaluate(context.Background(), ng, 1); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rep)
	if !regexp.MustCompile(`"mean_power":null`).Match(js) {
		t.Errorf("ngspice backend: %s", js)
	}
}

// TestCheckpointWithoutInferenceCost resumes a run whose checkpoint was
// written before the cost per inference was measured: its rows lack the
// keys and read as 0, the epochs after the resume have them. A row with a
// negative energy per inference is refused.
func TestCheckpointWithoutInferenceCost(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	o := Overrides{Epochs: ptr(1), BatchSize: ptr(2), Dynamics: ptr("transient")}
	if _, err := Train(context.Background(), open(t, o), Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(out, CheckpointDir, checkpointFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`(?m),\s*"(energy|chip_time)_per_inference":\s*[^,}\n]*`)
	old := key.ReplaceAll(b, nil)
	if strings.Contains(string(old), "per_inference") || len(old) == len(b) {
		t.Fatalf("the keys are still in %s", old)
	}
	bad := regexp.MustCompile(`"energy_per_inference":\s*`).ReplaceAllString(string(b), `"energy_per_inference":-`)
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCheckpoint(filepath.Dir(p)); err == nil || !strings.Contains(err.Error(), "energy per inference") {
		t.Errorf("a negative energy per inference: %v", err)
	}
	if err := os.WriteFile(p, old, 0o644); err != nil {
		t.Fatal(err)
	}
	o.Epochs = ptr(2)
	sum, err := Train(context.Background(), open(t, o), Options{Out: out, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := sum.Rows; len(r) != 2 || r[0].EnergyPerInference != 0 || r[0].ChipTimePerInference != 0 || !(r[1].EnergyPerInference > 0) || sum.EnergyPerInference != r[1].EnergyPerInference {
		t.Errorf("rows %+v", r)
	}
}
