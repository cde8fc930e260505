package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/run"
	"github.com/eqsim/eqsim/sweep"
)

const sweepXOR = "../../examples/sweep-xor.toml"

// readCSV returns the rows of a CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// withoutSeconds drops the wall-time column of results.csv, the only one
// that differs between runs of one sweep.
func withoutSeconds(t *testing.T, rows [][]string) string {
	t.Helper()
	col := -1
	for i, h := range rows[0] {
		if h == "seconds" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("results.csv has no seconds column: %v", rows[0])
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(append(append([]string(nil), r[:col]...), r[col+1:]...), ",") + "\n")
	}
	return b.String()
}

func mustSweep(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	return mustRun(t, "sweep", args...)
}

// TestSweepXOR runs the example sweep and checks its tables, its plots and
// the effect it measures: XOR learns with 256 conductance levels and not
// with 4, whose spacing (2.5 uS) swallows every update.
func TestSweepXOR(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sw")
	mustSweep(t, sweepXOR, "--out", out, "--jobs", "2")
	rows := readCSV(t, filepath.Join(out, sweep.ResultsCSV))
	wantHead := "point,seed,levels,write_noise,status,test_error,train_error,test_loss,train_loss,mean_power,energy_per_sample,chip_time_per_sample,energy_per_inference,chip_time_per_inference,epochs,seconds,error"
	if h := strings.Join(rows[0], ","); h != wantHead {
		t.Fatalf("results.csv header\n%s\nwant\n%s", h, wantHead)
	}
	if len(rows) != 1+12 {
		t.Fatalf("results.csv has %d runs, want 12 (3 x 2 points, 2 seeds)", len(rows)-1)
	}
	for _, r := range rows[1:] {
		if r[4] != "ok" || r[14] != "300" {
			t.Errorf("run %v did not finish its 300 epochs", r)
		}
		switch r[2] {
		case "4":
			if r[6] != "0.5" {
				t.Errorf("levels 4: train error %s, want 0.5 (no update survives the rounding)", r[6])
			}
		case "256":
			if r[6] != "0" {
				t.Errorf("levels 256: train error %s, want 0", r[6])
			}
		}
	}
	sum := readCSV(t, filepath.Join(out, sweep.SummaryCSV))
	if len(sum) != 1+6 || strings.Join(sum[0], ",") != "point,levels,write_noise,runs,failed,train_error_mean,train_error_std" {
		t.Errorf("summary.csv:\n%v", sum)
	}
	for _, name := range []string{"train_error-levels", "train_error-write_noise", "train_error-heatmap", "train_error-axes"} {
		for _, ext := range []string{".png", ".svg"} {
			if fi, err := os.Stat(filepath.Join(out, name+ext)); err != nil || fi.Size() < 1000 {
				t.Errorf("plot %s%s: %v", name, ext, err)
			}
		}
	}
	// Another metric for the same runs: nothing to train, other plots.
	spec, err := os.ReadFile(sweepXOR)
	if err != nil {
		t.Fatal(err)
	}
	xor, _ := filepath.Abs("../../examples/xor.toml")
	text := strings.Replace(strings.Replace(string(spec), `metric = "train_error"`, `metric = "test_loss"`, 1), `base = "xor.toml"`, `base = "`+xor+`"`, 1)
	other := writeFile(t, t.TempDir(), "loss.toml", text)
	if _, stderr := mustSweep(t, other, "--out", out); !strings.Contains(stderr, "12 finished before") {
		t.Errorf("the same runs under another metric were run again:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "test_loss-levels.png")); err != nil {
		t.Errorf("no plot of the new metric: %v", err)
	}
	if s := readCSV(t, filepath.Join(out, sweep.SummaryCSV)); s[0][len(s[0])-1] != "test_loss_std" {
		t.Errorf("summary.csv header %v", s[0])
	}
	// A second run has nothing to do and changes nothing.
	before := readCSV(t, filepath.Join(out, sweep.ResultsCSV))
	_, stderr := mustSweep(t, sweepXOR, "--out", out)
	if !strings.Contains(stderr, "12 finished before") {
		t.Errorf("rerun log:\n%s", stderr)
	}
	if a, b := withoutSeconds(t, before), withoutSeconds(t, readCSV(t, filepath.Join(out, sweep.ResultsCSV))); a != b {
		t.Errorf("rerun changed results.csv")
	}
}

// TestSweepShards: shards, from --shard, SLURM's array variables and a
// Kubernetes index, merged, give the results of one run.
func TestSweepShards(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one")
	mustSweep(t, sweepXOR, "--out", one)
	want := withoutSeconds(t, readCSV(t, filepath.Join(one, sweep.ResultsCSV)))

	s0, s1, s2 := filepath.Join(dir, "s0"), filepath.Join(dir, "s1"), filepath.Join(dir, "s2")
	stdout, _ := mustSweep(t, sweepXOR, "--out", s0, "--shard", "0/3")
	if !strings.Contains(stdout, "shard 0/3 done") || !strings.Contains(stdout, "eqsim sweep merge") {
		t.Errorf("shard stdout:\n%s", stdout)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "2") // an array --array=1-3
	t.Setenv("SLURM_ARRAY_TASK_MIN", "1")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "3")
	mustSweep(t, sweepXOR, "--out", s1)
	os.Unsetenv("SLURM_ARRAY_TASK_ID")
	t.Setenv("JOB_COMPLETION_INDEX", "2")
	mustSweep(t, sweepXOR, "--out", s2, "--shard-count", "3")
	for k, d := range []string{s0, s1, s2} {
		runs, err := sweep.ReadRuns(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 4 {
			t.Errorf("shard %d holds %d runs, want 4 of 12", k, len(runs))
		}
		if _, err := os.Stat(filepath.Join(d, sweep.ResultsCSV)); err != nil {
			t.Errorf("shard %d: %v", k, err)
		}
	}
	merged := filepath.Join(dir, "merged")
	code, stdout, stderr := eqsim("sweep", "merge", s0, s1, s2, "--out", merged)
	if code != 0 || !strings.Contains(stdout, "12 of 12 runs") {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := withoutSeconds(t, readCSV(t, filepath.Join(merged, sweep.ResultsCSV))); got != want {
		t.Errorf("merged shards:\n%s\none run:\n%s", got, want)
	}
	// Two shards of three: the tables of what there is and a warning.
	code, _, stderr = eqsim("sweep", "merge", s0, s2, "--out", filepath.Join(dir, "part"))
	if code != 0 || !strings.Contains(stderr, "4 of 12 runs are missing") {
		t.Errorf("partial merge: exit %d\n%s", code, stderr)
	}
}

func TestShardOf(t *testing.T) {
	for _, tc := range []struct {
		flag     string
		count    int
		countSet bool
		env      map[string]string
		i, n     int
		err      string
	}{
		{i: 0, n: 1},
		{flag: "3/4", i: 3, n: 4},
		{flag: "4/4", err: "0 <= I < N"},
		{flag: "1", err: "want I/N"},
		{flag: "1/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"}, i: 1, n: 4},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"}, i: 0, n: 2},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"}, i: 7, n: 8},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "3"}, err: "SLURM_ARRAY_TASK_COUNT"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "5"}, count: 6, countSet: true, i: 5, n: 6},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "6"}, count: 6, countSet: true, err: "0 <= I < N"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "1"}, err: "--shard-count"},
		{count: 3, countSet: true, err: "JOB_COMPLETION_INDEX"},
		{count: 0, countSet: true, err: "positive"},
	} {
		s, err := shardOf(tc.flag, tc.count, tc.countSet, func(k string) string { return tc.env[k] })
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v: error %v, want one containing %q", tc, err, tc.err)
			}
		case err != nil || s.String() != fmt.Sprintf("%d/%d", tc.i, tc.n):
			t.Errorf("%+v: %v %v, want %d/%d", tc, s, err, tc.i, tc.n)
		}
	}
}

// TestSweepKilled: a sweep interrupted by SIGINT keeps its finished runs,
// and the same command finishes the sweep without redoing them.
func TestSweepKilled(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sw")
	cmd := exec.Command(os.Args[0], "sweep", sweepXOR, "--out", out, "--jobs", "1")
	cmd.Env = append(os.Environ(), "EQSIM_TEST_MAIN=1", "EQSIM_TEST_SWEEP_SIGINT_AFTER=5")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("sweep after SIGINT: %v, want exit status 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted after") || !strings.Contains(stderr.String(), "eqsim sweep "+sweepXOR+" --out "+out) {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, sweep.ResultsCSV)); err == nil {
		t.Errorf("an interrupted sweep wrote results.csv")
	}
	first, err := sweep.ReadRuns(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < 5 || len(first) >= 12 {
		t.Fatalf("%d runs finished before the interrupt, want 5 to 11", len(first))
	}
	files := map[string][]byte{}
	for key := range first {
		b, err := os.ReadFile(filepath.Join(out, sweep.PointDir, key+".json"))
		if err != nil {
			t.Fatal(err)
		}
		files[key] = b
	}
	_, log := mustSweep(t, sweepXOR, "--out", out)
	if !strings.Contains(log, "finished before") {
		t.Errorf("rerun log:\n%s", log)
	}
	for key, b := range files {
		// The wall time in each file would differ had the run been redone.
		now, _ := os.ReadFile(filepath.Join(out, sweep.PointDir, key+".json"))
		if !bytes.Equal(now, b) {
			t.Errorf("run %s was redone", key)
		}
		if strings.Contains(log, key+" ") {
			t.Errorf("run %s was redone:\n%s", key, log)
		}
	}
	all, err := sweep.ReadRuns(out)
	if err != nil || len(all) != 12 {
		t.Fatalf("after the rerun: %d runs, %v", len(all), err)
	}
	ref := filepath.Join(dir, "ref")
	mustSweep(t, sweepXOR, "--out", ref)
	if a, b := withoutSeconds(t, readCSV(t, filepath.Join(ref, sweep.ResultsCSV))), withoutSeconds(t, readCSV(t, filepath.Join(out, sweep.ResultsCSV))); a != b {
		t.Errorf("resumed sweep:\n%s\none run:\n%s", b, a)
	}
}

// TestSweepBadInput: bad specs and bad values exit with status 2, name the
// file and line or the point, and write nothing.
func TestSweepBadInput(t *testing.T) {
	dir := t.TempDir()
	xor, err := filepath.Abs("../../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	head := "base = \"" + xor + "\"\n"
	axis := "[[axis]]\npath = \"training.device.levels\"\nvalues = [4, 8]\n"
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"nobase", axis, []string{"nobase.toml", "missing base"}},
		{"missingbase", "base = \"nope.toml\"\n" + axis, []string{"missingbase.toml:1", "nope.toml"}},
		{"noaxis", head, []string{"no [[axis]]"}},
		{"metric", head + "metric = \"test_eror\"\n" + axis, []string{"metric.toml:2", "test_error"}},
		{"mode", head + "mode = \"all\"\n" + axis, []string{"mode.toml:2", "grid"}},
		{"seeds", head + "seeds = [1, 1]\n" + axis, []string{"seeds.toml:2", "twice"}},
		{"key", head + "[[axis]]\npath = \"training.epochs\"\nvalus = [1]\n", []string{"key.toml:4", "values"}},
		{"path", head + "[[axis]]\npath = \"crossbar[W1\"\nvalues = [1]\n", []string{"path.toml:3", "kind[name]"}},
		{"grid", head + "[[axis]]\npath = \"training.epochs\"\nfrom = 1\nto = 10\ncount = 1\n", []string{"grid.toml:6", "count"}},
		{"log", head + "[[axis]]\npath = \"options.temp\"\nvalues = [0, 300]\nscale = \"log\"\n", []string{"log.toml:5", "positive"}},
		{"value", head + "[[axis]]\npath = \"training.device.levels\"\nvalues = [4, -3]\n", []string{"point 1", "levels=-3", "levels"}},
		{"elem", head + "[[axis]]\npath = \"crossbar[W9].wire_r\"\nvalues = [1]\n", []string{"point 0", "W9"}},
	} {
		spec := writeFile(t, dir, tc.name+".toml", tc.spec)
		out := filepath.Join(dir, tc.name+"-out")
		code, _, stderr := eqsim("sweep", spec, "--out", out)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2\n%s", tc.name, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", tc.name, stderr, w)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: %s was written", tc.name, out)
		}
	}
	// A folder holds one sweep: another spec cannot write into it, and
	// merge refuses folders of different sweeps.
	a := writeFile(t, dir, "a.toml", head+"[set]\n\"training.epochs\" = 5\n"+axis)
	b := writeFile(t, dir, "b.toml", head+"[set]\n\"training.epochs\" = 6\n"+axis)
	outA, outB := filepath.Join(dir, "outA"), filepath.Join(dir, "outB")
	mustSweep(t, a, "--out", outA)
	mustSweep(t, b, "--out", outB)
	if code, _, stderr := eqsim("sweep", b, "--out", outA); code != 2 || !strings.Contains(stderr, "another sweep") {
		t.Errorf("other spec into a sweep folder: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := eqsim("sweep", "merge", outA, outB, "--out", filepath.Join(dir, "m")); code != 2 || !strings.Contains(stderr, "different sweeps") {
		t.Errorf("merge of different sweeps: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := eqsim("sweep", "merge", outA); code != 2 || !strings.Contains(stderr, "--out") {
		t.Errorf("merge without --out: exit %d\n%s", code, stderr)
	}
}

// TestClusterExamples runs the SLURM script of examples/cluster as a job
// array of two tasks would, on the XOR sweep, and checks the merged shards
// against one run; and it checks that the Kubernetes Job's shard count is
// its number of completions.
func TestClusterExamples(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	shards := filepath.Join(dir, "shards")
	for task := 1; task <= 2; task++ {
		cmd := exec.Command("bash", "../../examples/cluster/sweep.sbatch")
		cmd.Env = append(os.Environ(), "EQSIM_TEST_MAIN=1", "EQSIM="+os.Args[0], "SPEC="+sweepXOR, "OUT="+shards,
			"SLURM_ARRAY_TASK_ID="+strconv.Itoa(task), "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=2", "SLURM_CPUS_PER_TASK=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("task %d: %v\n%s", task, err, out)
		}
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := eqsim("sweep", "merge", filepath.Join(shards, "shard-1"), filepath.Join(shards, "shard-2"), "--out", merged); code != 0 {
		t.Fatalf("merge: %s", stderr)
	}
	one := filepath.Join(dir, "one")
	mustSweep(t, sweepXOR, "--out", one)
	if a, b := withoutSeconds(t, readCSV(t, filepath.Join(one, sweep.ResultsCSV))), withoutSeconds(t, readCSV(t, filepath.Join(merged, sweep.ResultsCSV))); a != b {
		t.Errorf("SLURM shards merged:\n%s\none run:\n%s", b, a)
	}

	job, err := os.ReadFile("../../examples/cluster/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	completions := regexp.MustCompile(`(?m)^\s*completions:\s*(\d+)`).FindSubmatch(job)
	count := regexp.MustCompile(`--shard-count (\d+)`).FindSubmatch(job)
	spec := regexp.MustCompile(`eqsim sweep (\S+\.toml)`).FindSubmatch(job)
	if completions == nil || count == nil || string(completions[1]) != string(count[1]) {
		t.Errorf("sweep-job.yaml: completions %q, --shard-count %q: they must be equal", completions, count)
	}
	if spec == nil {
		t.Fatalf("sweep-job.yaml runs no eqsim sweep")
	}
	if _, err := os.Stat(filepath.Join("../..", string(spec[1]))); err != nil {
		t.Errorf("sweep-job.yaml sweeps %s: %v", spec[1], err)
	}
}

// TestSweepRunIsTraining: a sweep's run gives what eqsim train gives on the
// netlist with the point's values.
func TestSweepRunIsTraining(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sw")
	mustSweep(t, sweepXOR, "--out", out)
	runs, err := sweep.ReadRuns(out)
	if err != nil {
		t.Fatal(err)
	}
	r := runs[sweep.Key(5, 2)] // levels 256, write noise 2, seed 2
	if r == nil || r.Status != "ok" {
		t.Fatalf("run p0005-s2: %+v", r)
	}
	data, err := os.ReadFile("../../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	text, err := netlist.Overridden(data, []netlist.Override{
		{Path: "training.epochs", Value: int64(300)}, {Path: "training.device.kind", Value: "ideal"},
		{Path: "training.device.levels", Value: int64(256)}, {Path: "training.device.dw_min_std", Value: 2.0},
		{Path: "training.seed", Value: int64(2)},
	})
	if err != nil {
		t.Fatal(err)
	}
	nl := writeFile(t, dir, "point.toml", string(text))
	stdout, _ := mustTrain(t, nl, "--out", filepath.Join(dir, "train"), "--json")
	var sum run.Summary
	lastJSON(t, stdout, &sum)
	if sum.TrainError != *r.TrainError || sum.TestError != *r.TestError || math.Abs(sum.TestLoss-*r.TestLoss) > 1e-9*sum.TestLoss {
		t.Errorf("eqsim train: train error %v test error %v loss %v; the sweep's run: %v %v %v",
			sum.TrainError, sum.TestError, sum.TestLoss, *r.TrainError, *r.TestError, *r.TestLoss)
	}
}

// TestNonidealitiesOff: a netlist that names every nonideality with its
// "off" value trains to the same conductances, bit for bit, as the plain
// netlist.
func TestNonidealitiesOff(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	plain := writeFile(t, dir, "plain.toml", string(data))
	text, err := netlist.Overridden(data, []netlist.Override{
		{Path: "options.temp", Value: 300.15}, {Path: "options.tnom", Value: 300.15},
		{Path: "crossbar[*].wire_r", Value: 0.0},
		{Path: "rectifier[*].is_spread", Value: 0.0}, {Path: "rectifier[*].n_spread", Value: 0.0},
		{Path: "amplifier[*].gain_error", Value: 0.0}, {Path: "amplifier[*].offset", Value: 0.0},
		{Path: "training.device.kind", Value: "ideal"}, {Path: "training.device.levels", Value: int64(0)},
		{Path: "training.device.dw_min_std", Value: 0.0}, {Path: "training.device.stuck_fraction", Value: 0.0},
		{Path: "training.device.up_down", Value: 0.0},
		{Path: "training.sense.noise", Value: 0.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	off := writeFile(t, dir, "off.toml", string(text))
	mustTrain(t, plain, "--epochs", "50", "--out", filepath.Join(dir, "a"))
	mustTrain(t, off, "--epochs", "50", "--out", filepath.Join(dir, "b"))
	for _, w := range []string{"W1", "W2"} {
		a, errA := os.ReadFile(filepath.Join(dir, "a", "plain."+w+".npy"))
		b, errB := os.ReadFile(filepath.Join(dir, "b", "off."+w+".npy"))
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs with every nonideality off", w)
		}
	}
}
