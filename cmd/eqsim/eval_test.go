package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	code, stdout, stderr := eqsim("eval", "--json", xorNet)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ev map[string]any
	lastJSON(t, stdout, &ev)
	for _, k := range []string{"test_error", "test_loss", "samples", "mean_power", "energy_per_inference", "chip_time_per_inference"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("eval --json lacks %q: %s", k, stdout)
		}
	}
	// XOR's phases are equilibria without a window: they take no time.
	if ev["samples"] != 4.0 || ev["dataset"] != "xor" || !(ev["mean_power"].(float64) > 0) || ev["energy_per_inference"] != 0.0 || ev["chip_time_per_inference"] != 0.0 {
		t.Errorf("eval: %v", ev)
	}
	// The error rate is a whole number of the 4 samples.
	if e := ev["test_error"].(float64); e*4 != float64(int(e*4)) || ev["errors"] != e*4 {
		t.Errorf("test_error %v of 4 samples, errors %v", e, ev["errors"])
	}

	code, stdout, _ = eqsim("eval", "--test-subset", "2", xorNet)
	if code != 0 || !strings.Contains(stdout, "of 2 samples of xor") || !strings.Contains(stdout, "test error") ||
		!strings.Contains(stdout, "per inference: mean power") {
		t.Errorf("eval text: exit %d, %q", code, stdout)
	}
	// The same network evaluates the same on any number of workers.
	_, a, _ := eqsim("eval", "--json", "--workers", "1", xorNet)
	_, b, _ := eqsim("eval", "--json", "--workers", "3", xorNet)
	if a != b {
		t.Errorf("eval differs with the number of workers:\n%s%s", a, b)
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "../../examples/divider.toml"}, "[output]"},
		{[]string{"eval", "--test-subset", "-3", xorNet}, "--test-subset"},
		{[]string{"eval", "--workers", "-1", xorNet}, "--workers"},
		{[]string{"eval", "--epochs", "3", xorNet}, "epochs"},
		{[]string{"eval", filepath.Join(dir, "none.toml")}, "none.toml"},
		{[]string{"eval"}, "accepts 1 arg"},
	} {
		code, stdout, stderr := eqsim(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want status 2 and %q)", tc.args, code, stdout, stderr, tc.want)
		}
	}
}
