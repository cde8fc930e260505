package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainInTime trains the test XOR network with transient phases,
// thermal noise at 300 K and a measurement window: the summary and every
// metrics row report the energy and chip time per sample and per inference
// (positive, the same in metrics.csv's columns and the summary, and per
// inference what eqsim eval measures on the trained netlist), and the same
// seed gives the same conductances and costs on 1 and 3 workers.
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
		ei, cti := sum["energy_per_inference"].(float64), sum["chip_time_per_inference"].(float64)
		if last := rows[len(rows)-1]; !(ei > 0) || !(cti > 1e-6) || mustFloat(t, last[len(last)-2]) != ei || mustFloat(t, last[len(last)-1]) != cti {
			t.Errorf("metrics.csv %v (%v), summary %v J, %v s per inference", last, rows[0], ei, cti)
		}
		code, evOut, stderr := eqsim("eval", "--json", filepath.Join(out, "xor.toml"))
		var ev map[string]any
		if lastJSON(t, evOut, &ev); code != 0 || ev["energy_per_inference"] != ei || ev["chip_time_per_inference"] != cti || ev["mean_power"] != sum["mean_power"] {
			t.Errorf("eval of the trained netlist: exit %d, %v (%s); summary %v", code, ev, stderr, sum)
		}
		outs = append(outs, out, fmt.Sprint(e, ct, ei, cti))
	}
	sameFiles(t, outs[0], outs[2], "xor.W1.npy", "xor.W2.npy")
	if outs[1] != outs[3] {
		t.Errorf("costs on 1 worker %s, on 3 workers %s", outs[1], outs[3])
	}
}
