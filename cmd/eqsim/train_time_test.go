package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainInTime trains the test XOR network with transient phases,
// thermal noise at 300 K and a measurement window: the summary and every
// metrics row report the energy and chip time per sample (positive, the
// same in metrics.csv and the summary), and the same seed gives the same
// conductances on 1 and 3 workers.
func TestTrainInTime(t *testing.T) {
	src, err := os.ReadFile(xorNet)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "[models.d]", "[options]\ntemp = 300\nthermal_noise = true\n\n[models.d]", 1) +
		"\n[training.dynamics]\nmethod = \"transient\"\nnudge_time = \"50n\"\n\n[training.sense]\nintegration_time = \"1u\"\n"
	dir := t.TempDir()
	net := filepath.Join(dir, "xor.toml")
	if err := os.WriteFile(net, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, w := range []string{"1", "3"} {
		out := filepath.Join(dir, "run"+w)
		stdout, _ := mustTrain(t, net, "--epochs", "2", "--out", out, "--json", "--workers", w)
		var sum map[string]any
		lastJSON(t, stdout, &sum)
		e, ct := sum["energy_per_sample"].(float64), sum["chip_time_per_sample"].(float64)
		if !(e > 0) || !(ct > 2e-6) {
			t.Errorf("summary: energy %v J, chip time %v s per sample", sum["energy_per_sample"], sum["chip_time_per_sample"])
		}
		rows := readMetricsCSV(t, out)
		col := map[string]int{}
		for k, h := range rows[0] {
			col[h] = k
		}
		if last := rows[len(rows)-1]; mustFloat(t, last[col["energy_per_sample"]]) != e || mustFloat(t, last[col["chip_time_per_sample"]]) != ct {
			t.Errorf("metrics.csv %v, summary %v J, %v s", last, e, ct)
		}
		outs = append(outs, out)
	}
	sameFiles(t, outs[0], outs[1], "xor.W1.npy", "xor.W2.npy")
}
