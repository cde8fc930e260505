package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/run"
)

// TestMain lets the tests run the command line in a child process: with
// EQSIM_TEST_MAIN=1 the test binary is eqsim, and with
// EQSIM_TEST_SIGINT_AFTER=N it sends itself SIGINT after N batches, with
// EQSIM_TEST_SWEEP_SIGINT_AFTER=N after N runs of a sweep; with
// EQSIM_TEST_PAUSE=FILE it waits after every batch or run while FILE
// exists.
func TestMain(m *testing.M) {
	if os.Getenv("EQSIM_TEST_MAIN") == "1" {
		if f := os.Getenv("EQSIM_TEST_PAUSE"); f != "" {
			pause := func() {
				for {
					if _, err := os.Stat(f); err != nil {
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			interruptHook = func(int, int) bool { pause(); return false }
			sweepHook = func(int) bool { pause(); return false }
		}
		if n, _ := strconv.Atoi(os.Getenv("EQSIM_TEST_SIGINT_AFTER")); n > 0 {
			batches := 0
			interruptHook = func(epoch, done int) bool {
				if batches++; batches == n {
					syscall.Kill(os.Getpid(), syscall.SIGINT)
					// Let the signal arrive before the next batch.
					time.Sleep(300 * time.Millisecond)
				}
				return false
			}
		}
		if n, _ := strconv.Atoi(os.Getenv("EQSIM_TEST_SWEEP_SIGINT_AFTER")); n > 0 {
			sweepHook = func(done int) bool {
				if done == n {
					syscall.Kill(os.Getpid(), syscall.SIGINT)
					time.Sleep(300 * time.Millisecond)
				}
				return false
			}
		}
		os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

const xorNet = "testdata/xor.toml"

// tinyMNIST is a 784-8-10 network on MNIST: differential inputs, a
// rectifier, amplifiers and a bias group, 60 training and 30 test samples.
const tinyMNIST = "../../testdata/mnist-784x8x10.toml"

// mustTrain runs eqsim train with args and fails the test unless it exits
// with status 0.
func mustTrain(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	return mustRun(t, "train", args...)
}

// mustRun runs eqsim with the command and args and fails the test unless
// it exits with status 0.
func mustRun(t *testing.T, command string, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := eqsim(append([]string{command}, args...)...)
	if code != 0 {
		t.Fatalf("eqsim %s %v: exit %d\n%s", command, args, code, stderr)
	}
	return stdout, stderr
}

// lastJSON decodes the last line of stdout.
func lastJSON(t *testing.T, stdout string, v any) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		t.Fatalf("last line of stdout is not one JSON object: %v\n%s", err, stdout)
	}
}

func readMetricsCSV(t *testing.T, dir string) [][]string {
	t.Helper()
	return readCSV(t, filepath.Join(dir, run.MetricsCSV))
}

// deterministic returns the columns of metrics.csv that do not depend on
// the wall clock.
func deterministic(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r[:5], ",") + "\n")
	}
	return b.String()
}

func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, n := range names {
		x, err := os.ReadFile(filepath.Join(a, n))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
}

func TestTrainOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	stdout, stderr := mustTrain(t, xorNet, "--epochs", "3", "--out", out, "--json")
	var sum map[string]any
	lastJSON(t, stdout, &sum)
	for _, k := range []string{"test_error", "train_error", "epochs", "seconds", "samples_per_second", "test_loss", "train_loss", "out"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %q: %s", k, stdout)
		}
	}
	if sum["epochs"] != 3.0 || sum["out"] != out {
		t.Errorf("summary %v", sum)
	}
	// One line per epoch on stderr, no bar.
	for e := 1; e <= 3; e++ {
		if !strings.Contains(stderr, fmt.Sprintf("epoch %d/3: train loss", e)) {
			t.Errorf("stderr lacks the line of epoch %d:\n%s", e, stderr)
		}
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("a progress bar on a stderr that is not a terminal:\n%q", stderr)
	}

	for _, f := range []string{"xor.toml", "xor.W1.npy", "xor.W2.npy", run.MetricsCSV, run.MetricsJSONL, run.CurvesPNG, run.CurvesSVG, "checkpoint/state.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	rows := readMetricsCSV(t, out)
	if want := "epoch,train_loss,train_error,test_loss,test_error,seconds,samples_per_second,mean_power,energy_per_sample,chip_time_per_sample,energy_per_inference,chip_time_per_inference"; strings.Join(rows[0], ",") != want || len(rows) != 4 {
		t.Fatalf("metrics.csv: %v", rows)
	}
	jl, _ := os.ReadFile(filepath.Join(out, run.MetricsJSONL))
	lines := strings.Split(strings.TrimSpace(string(jl)), "\n")
	if len(lines) != 3 {
		t.Fatalf("metrics.jsonl has %d lines", len(lines))
	}
	prev := 0.0
	for i, l := range lines {
		var r map[string]float64
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r["epoch"] != float64(i+1) || len(r) != 12 || !(r["mean_power"] > 0) {
			t.Errorf("metrics.jsonl line %d: %v", i, r)
		}
		if r["seconds"] < prev || r["samples_per_second"] <= 0 {
			t.Errorf("metrics.jsonl line %d: seconds %v after %v, rate %v", i, r["seconds"], prev, r["samples_per_second"])
		}
		prev = r["seconds"]
		if got := strconv.FormatFloat(r["test_error"], 'g', -1, 64); got != rows[i+1][4] {
			t.Errorf("jsonl test_error %s, csv %s", got, rows[i+1][4])
		}
	}
	if sum["test_error"] != mustFloat(t, rows[3][4]) || sum["train_loss"] != mustFloat(t, rows[3][1]) {
		t.Errorf("summary %v disagrees with the last row %v", sum, rows[3])
	}

	// The trained netlist reads back with the run's settings and tests as
	// the last epoch did.
	nl, err := netlist.ParseFile(filepath.Join(out, "xor.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if tr := nl.Training; tr == nil || tr.Config.Epochs != 3 || tr.Dataset != "xor" || tr.Config.Estimator != "centered" || tr.Config.Workers != 0 {
		t.Errorf("trained netlist's training section: %+v", nl.Training)
	}
	code, evOut, evErr := eqsim("eval", "--json", filepath.Join(out, "xor.toml"))
	if code != 0 {
		t.Fatalf("eval of the trained netlist: exit %d: %s", code, evErr)
	}
	var ev run.EvalReport
	lastJSON(t, evOut, &ev)
	if strconv.FormatFloat(ev.TestLoss, 'g', -1, 64) != rows[3][3] || strconv.FormatFloat(ev.TestError, 'g', -1, 64) != rows[3][4] {
		t.Errorf("eval of the trained netlist: %+v, last epoch tested %v", ev, rows[3])
	}
	// The input netlist's conductances differ from the trained ones.
	code, ev0, _ := eqsim("eval", "--json", xorNet)
	if code != 0 || ev0 == evOut {
		t.Errorf("eval of the untrained netlist: exit %d, %s", code, ev0)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTrainDeterministic: the same seed gives the same metrics and
// conductances whatever the number of workers; another seed does not.
func TestTrainDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	mustTrain(t, xorNet, "--epochs", "4", "--batch-size", "1", "--seed", "5", "--workers", "1", "--out", a)
	mustTrain(t, xorNet, "--epochs", "4", "--batch-size", "1", "--seed", "5", "--workers", "2", "--out", b)
	mustTrain(t, xorNet, "--epochs", "4", "--batch-size", "1", "--seed", "6", "--workers", "2", "--out", c)
	sameFiles(t, a, b, "xor.W1.npy", "xor.W2.npy")
	if ra, rb := deterministic(readMetricsCSV(t, a)), deterministic(readMetricsCSV(t, b)); ra != rb {
		t.Errorf("metrics differ:\n%s\n%s", ra, rb)
	}
	x, _ := os.ReadFile(filepath.Join(a, "xor.W1.npy"))
	y, _ := os.ReadFile(filepath.Join(c, "xor.W1.npy"))
	if bytes.Equal(x, y) {
		t.Errorf("seeds 5 and 6 give the same conductances")
	}
}

// TestTrainResume interrupts runs at several points, resumes them, and
// requires the conductances and metrics of a run never interrupted.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	args := []string{xorNet, "--epochs", "3", "--batch-size", "1", "--seed", "9"}
	ref := filepath.Join(dir, "ref")
	mustTrain(t, append(args, "--out", ref)...)
	refRows := deterministic(readMetricsCSV(t, ref))

	for _, stop := range []struct{ epoch, done int }{{1, 1}, {2, 3}, {3, 4}} {
		t.Run(fmt.Sprintf("epoch%d-sample%d", stop.epoch, stop.done), func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprintf("cut%d-%d", stop.epoch, stop.done))
			interruptHook = func(epoch, done int) bool { return epoch == stop.epoch && done == stop.done }
			code, _, stderr := eqsim(append([]string{"train"}, append(args, "--out", out, "--workers", "2")...)...)
			interruptHook = nil
			if code != 1 {
				t.Fatalf("interrupted run: exit %d, want 1\n%s", code, stderr)
			}
			want := "eqsim train " + xorNet + " --batch-size 1 --epochs 3 --seed 9 --resume " + out
			if !strings.Contains(stderr, "interrupted") || !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say how to resume (%q):\n%s", want, stderr)
			}
			if _, err := os.Stat(filepath.Join(out, "checkpoint", "state.json")); err != nil {
				t.Fatal(err)
			}
			// Without --resume, the unfinished run is not overwritten.
			code, _, stderr = eqsim(append([]string{"train"}, append(args, "--out", out)...)...)
			if code != 2 || !strings.Contains(stderr, "--resume") {
				t.Errorf("training again into an unfinished run: exit %d\n%s", code, stderr)
			}
			stdout, _ := mustTrain(t, append(args, "--resume", out, "--workers", "1", "--json")...)
			var sum run.Summary
			lastJSON(t, stdout, &sum)
			if sum.Epochs != 3 {
				t.Errorf("resumed run reports %d epochs", sum.Epochs)
			}
			sameFiles(t, ref, out, "xor.W1.npy", "xor.W2.npy")
			if rows := deterministic(readMetricsCSV(t, out)); rows != refRows {
				t.Errorf("metrics of the resumed run:\n%s\nwant\n%s", rows, refRows)
			}
		})
	}

	// Resuming a finished run with more epochs continues it.
	more := filepath.Join(dir, "more")
	mustTrain(t, xorNet, "--epochs", "2", "--batch-size", "1", "--seed", "9", "--out", more)
	mustTrain(t, append(args, "--resume", more)...)
	sameFiles(t, ref, more, "xor.W1.npy", "xor.W2.npy")
}

// TestTrainResumeMismatch: a resume with other settings says what
// differs, and changes nothing.
func TestTrainResumeMismatch(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	interruptHook = func(epoch, done int) bool { return epoch == 1 }
	code, _, stderr := eqsim("train", xorNet, "--epochs", "2", "--out", out)
	interruptHook = nil
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	state, _ := os.ReadFile(filepath.Join(out, "checkpoint", "state.json"))
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{xorNet, "--epochs", "2", "--beta", "2u", "--lr", "1e-11", "--resume", out}, []string{"beta: checkpoint 1e-06, now 2e-06", "learning_rate: checkpoint 1e-10, now 1e-11"}},
		{[]string{xorNet, "--epochs", "2", "--estimator", "chl", "--resume", out}, []string{`estimator: checkpoint "centered", now "chl"`}},
		{[]string{xorNet, "--epochs", "2", "--lr-decay", "0.5", "--resume", out}, []string{"lr_decay: checkpoint 0, now 0.5"}},
		{[]string{xorNet, "--epochs", "2", "--shift", "1", "--resume", out}, []string{"shift: checkpoint 0, now 1"}},
		{[]string{xorNet, "--epochs", "2", "--input-dropout", "0.1", "--resume", out}, []string{"input_dropout: checkpoint 0, now 0.1"}},
		{[]string{xorNet, "--epochs", "2", "--weight-decay", "1e3", "--resume", out}, []string{"weight_decay: checkpoint 0, now 1000"}},
		{[]string{xorNet, "--epochs", "2", "--dynamics", "transient", "--resume", out}, []string{`dynamics: checkpoint "", now "transient"`}},
		{[]string{xorNet, "--epochs", "2", "--resume", filepath.Join(dir, "none")}, []string{"no checkpoint"}},
		{[]string{xorNet, "--resume", out, "--out", filepath.Join(dir, "other")}, []string{"--resume"}},
	} {
		code, _, stderr := eqsim(append([]string{"train"}, tc.args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
	if now, _ := os.ReadFile(filepath.Join(out, "checkpoint", "state.json")); !bytes.Equal(now, state) {
		t.Errorf("a refused resume changed the checkpoint")
	}
	if _, err := os.Stat(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused resume created its folder")
	}

	// A changed netlist is refused too.
	src, _ := os.ReadFile(xorNet)
	changed := filepath.Join(dir, "xor.toml")
	os.WriteFile(changed, bytes.Replace(src, []byte("v = 1\n"), []byte("v = 0.9\n"), 1), 0o644)
	code, _, stderr = eqsim("train", changed, "--epochs", "2", "--resume", out)
	if code != 2 || !strings.Contains(stderr, "not the one the run started from") {
		t.Errorf("resume with a changed netlist: exit %d\n%s", code, stderr)
	}
}

// TestTrainSIGINT sends a real SIGINT to a training eqsim process: it
// writes the checkpoint, exits with status 1, and resuming it ends where
// a run never interrupted does.
func TestTrainSIGINT(t *testing.T) {
	dir := t.TempDir()
	args := []string{"train", xorNet, "--epochs", "6", "--batch-size", "1"}
	ref := filepath.Join(dir, "ref")
	mustTrain(t, append(args[1:], "--out", ref)...)

	out := filepath.Join(dir, "run")
	cmd := exec.Command(os.Args[0], append(args, "--out", out)...)
	cmd.Env = append(os.Environ(), "EQSIM_TEST_MAIN=1", "EQSIM_TEST_SIGINT_AFTER=5")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("eqsim after SIGINT: %v, want exit status 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stderr.String(), "--resume "+out) {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	ck, st, err := run.ReadCheckpoint(filepath.Join(out, run.CheckpointDir))
	if err != nil {
		t.Fatal(err)
	}
	if done := st.Epoch*4 + st.Batch; done < 5 || done >= 24 {
		t.Errorf("the checkpoint is at epoch %d batch %d, not just after the 5th batch", st.Epoch, st.Batch)
	}
	if len(ck.Rows) != st.Epoch {
		t.Errorf("checkpoint has %d metrics rows at epoch %d", len(ck.Rows), st.Epoch)
	}
	mustTrain(t, append(args[1:], "--resume", out)...)
	sameFiles(t, ref, out, "xor.W1.npy", "xor.W2.npy")
}

// TestTrainBadInput: bad netlists, flags and data exit with status 2 and
// write nothing.
func TestTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(xorNet)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	noOutput := writeFile(t, dir, "nooutput.toml", text[:strings.Index(text, "[output]")])
	noData := writeFile(t, dir, "nodata.toml", strings.Replace(text, "dataset = \"xor\"\n", "", 1))
	csvNet := writeFile(t, dir, "csv3.toml", strings.Replace(text, "dataset = \"xor\"\n", "dataset = \"csv\"\ntrain_file = \"three.csv\"\n", 1))
	writeFile(t, dir, "three.csv", "1,2,3,0\n4,5,6,1\n1,2,3,0\n4,5,6,1\n1,2,3,0\n4,5,6,1\n")
	badCSV := writeFile(t, dir, "badcsv.toml", strings.Replace(text, "dataset = \"xor\"\n", "dataset = \"csv\"\ntrain_file = \"bad.csv\"\n", 1))
	writeFile(t, dir, "bad.csv", "1,2,0\n1,x,1\n")
	manyClasses := writeFile(t, dir, "classes.toml", strings.Replace(text, "dataset = \"xor\"\n", "dataset = \"csv\"\ntrain_file = \"classes.csv\"\n", 1))
	writeFile(t, dir, "classes.csv", "0,0,0\n0,1,1\n1,0,2\n1,1,0\n0,0,1\n")
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{noOutput}, []string{"nooutput.toml", "[output]"}},
		{[]string{noData}, []string{"nodata.toml", "no data set"}},
		{[]string{csvNet}, []string{"3 features", `input "x" takes 2`}},
		{[]string{badCSV}, []string{"bad.csv"}},
		{[]string{manyClasses}, []string{"3 classes", "only 2"}},
		{[]string{xorNet, "--estimator", "forward"}, []string{`estimator "forward"`}},
		{[]string{xorNet, "--dynamics", "langevin"}, []string{`--dynamics "langevin"`, "equilibrium or transient"}},
		{[]string{xorNet, "--estimator", "continuous"}, []string{`estimator "continuous" learns in time`}},
		{[]string{xorNet, "--epochs", "0"}, []string{"--epochs"}},
		{[]string{xorNet, "--batch-size", "-1"}, []string{"--batch-size"}},
		{[]string{xorNet, "--workers", "-1"}, []string{"--workers"}},
		{[]string{xorNet, "--subset", "-1"}, []string{"--subset"}},
		{[]string{xorNet, "--beta", "big"}, []string{"--beta"}},
		{[]string{xorNet, "--beta", "-1u"}, []string{"--beta"}},
		{[]string{xorNet, "--lr", "0"}, []string{"--lr"}},
		{[]string{xorNet, "--lr-decay", "1.5"}, []string{"--lr-decay", "(0, 1]"}},
		{[]string{xorNet, "--lr-decay", "0"}, []string{"--lr-decay"}},
		{[]string{xorNet, "--shift", "-1"}, []string{"--shift"}},
		{[]string{xorNet, "--input-dropout", "1"}, []string{`--input-dropout "1"`, "[0, 1)"}},
		{[]string{xorNet, "--weight-decay", "-1e3"}, []string{`--weight-decay "-1e3"`, "not below 0"}},
		{[]string{xorNet, "--weight-decay", "1e30"}, []string{"weight_decay = 1e+30", "product must be below 1"}},
		{[]string{xorNet, "--shift", "1"}, []string{"shift = 1", "not a square image"}},
		{[]string{xorNet, "--flip"}, []string{"flip = true", "not a square image"}},
		{[]string{xorNet, "--seed", "x"}, []string{"seed"}},
		{[]string{xorNet, "--input-offset", "gray"}, []string{`--input-offset "gray"`, "a number or mean"}},
		{[]string{xorNet, "--input-offset", "nan"}, []string{`--input-offset "nan"`}},
		{[]string{xorNet, "--backend", "spice"}, []string{`backend "spice"`, "ngspice"}},
		{[]string{filepath.Join(dir, "missing.toml")}, []string{"missing.toml"}},
		{[]string{xorNet, "extra"}, []string{"accepts 1 arg"}},
	} {
		args := append([]string{"train", "--out", out}, tc.args...)
		code, stdout, stderr := eqsim(args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
		if stdout != "" {
			t.Errorf("%v: stdout %q", tc.args, stdout)
		}
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v: the output folder was created", tc.args)
		}
	}
	// The netlist's own folder as --out.
	cp := writeFile(t, dir, "xor.toml", text)
	code, _, stderr := eqsim("train", cp, "--out", dir)
	if code != 2 || !strings.Contains(stderr, "own folder") {
		t.Errorf("--out the netlist's folder: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(cp); string(b) != text {
		t.Errorf("the input netlist was changed")
	}
}

// TestTrainMissingMNIST: data that is not there is a failed run (status
// 1) whose message says where it looked.
func TestTrainMissingMNIST(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	net := tinyMNIST
	for _, cmd := range [][]string{
		{"train", net, "--data", empty, "--out", filepath.Join(dir, "out")},
		{"eval", net, "--data", empty},
		{"gradcheck", net, "--data", empty},
	} {
		code, _, stderr := eqsim(cmd...)
		if code != 1 || !strings.Contains(stderr, empty) || !strings.Contains(stderr, "mnist") {
			t.Errorf("%v: exit %d, want 1\n%s", cmd, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the output folder was created")
	}
}

// TestTrainMNISTResume trains a small network on an MNIST subset for two
// epochs, straight and interrupted in the middle of the first, and
// compares the conductances bit for bit.
func TestTrainMNISTResume(t *testing.T) {
	if _, _, err := dataset.Load(dataset.Spec{Name: "mnist", TrainSubset: 1, TestSubset: 1}); err != nil {
		if errors.Is(err, fs.ErrNotExist) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	net := tinyMNIST
	ref, out := filepath.Join(dir, "ref"), filepath.Join(dir, "run")
	stdout, _ := mustTrain(t, net, "--out", ref, "--json")
	var sum run.Summary
	lastJSON(t, stdout, &sum)
	if sum.Epochs != 2 || sum.TestError < 0 || sum.TestError > 1 {
		t.Errorf("summary %+v", sum)
	}
	interruptHook = func(epoch, done int) bool { return epoch == 1 && done == 30 }
	code, _, stderr := eqsim("train", net, "--out", out)
	interruptHook = nil
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mustTrain(t, net, "--resume", out, "--workers", "1")
	sameFiles(t, ref, out, "mnist-784x8x10.W1.npy", "mnist-784x8x10.W2.npy")
	if a, b := deterministic(readMetricsCSV(t, ref)), deterministic(readMetricsCSV(t, out)); a != b {
		t.Errorf("metrics differ:\n%s\n%s", a, b)
	}
}

// TestTrainCSV trains on CSV files beside the netlist, writes the trained
// netlist elsewhere, and evaluates it from there: the data paths follow.
func TestTrainCSV(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile(xorNet)
	text := strings.Replace(string(src), "dataset = \"xor\"\n", "dataset = \"csv\"\ntrain_file = \"data/train.csv\"\ntest_file = \"data/test.csv\"\n", 1)
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	net := writeFile(t, dir, "xorcsv.toml", text)
	rows := "a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.1,0.1,0\n0.9,0.1,1\n"
	writeFile(t, filepath.Join(dir, "data"), "train.csv", rows)
	writeFile(t, filepath.Join(dir, "data"), "test.csv", rows)
	out := filepath.Join(t.TempDir(), "elsewhere")
	stdout, _ := mustTrain(t, net, "--epochs", "2", "--out", out, "--json")
	var sum run.Summary
	lastJSON(t, stdout, &sum)
	code, evOut, stderr := eqsim("eval", "--json", filepath.Join(out, "xorcsv.toml"))
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s", code, stderr)
	}
	var ev run.EvalReport
	lastJSON(t, evOut, &ev)
	if ev.Samples != 6 || ev.TestError != sum.TestError || ev.TestLoss != sum.TestLoss {
		t.Errorf("eval %+v, training ended with %+v", ev, sum)
	}
}
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"examples/xor.toml": "examples/xor.toml",
		"a b":               "'a b'",
		"it's":              `'it'\''s'`,
		"":                  "''",
		"1e-12":             "1e-12",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
