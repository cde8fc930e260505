package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainNgspiceBackend trains examples/xor.toml in ngspice for 20
// epochs, by which eqsim's own solver has reached 0% error, and requires
// 0% error too.
func TestTrainNgspiceBackend(t *testing.T) {
	if _, err := exec.LookPath("ngspice"); err != nil {
		t.Skip("ngspice not installed (apt-get install -y ngspice)")
	}
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := eqsim("train", "../../examples/xor.toml", "--backend", "ngspice", "--epochs", "20", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var res struct {
		TestError  *float64 `json:"test_error"`
		TrainError *float64 `json:"train_error"`
		Epochs     int      `json:"epochs"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, stdout)
	}
	if res.TestError == nil || *res.TestError != 0 || res.TrainError == nil || *res.TrainError != 0 || res.Epochs != 20 {
		t.Errorf("xor after 20 epochs in ngspice: %s", lines[len(lines)-1])
	}
	trained, err := os.ReadFile(filepath.Join(out, "xor.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(trained), `backend = "ngspice"`) {
		t.Errorf("the trained netlist does not say which backend trained it:\n%s", trained)
	}
}

// TestTrainNgspiceMissing asks for the ngspice backend where no ngspice is
// on PATH: the run fails (status 1), says how to install it and writes
// nothing.
func TestTrainNgspiceMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := eqsim("train", "../../examples/xor.toml", "--backend", "ngspice", "--out", out)
	if code != 1 || !strings.Contains(stderr, "apt-get install -y ngspice") {
		t.Errorf("exit %d, want 1 with the install command:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the output folder was created")
	}
}
