package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
)

// eqsim runs the command line in-process and returns its exit status,
// stdout and stderr.
func eqsim(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := execute(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitStatusAndMessages(t *testing.T) {
	dir := t.TempDir()
	syntax := writeFile(t, dir, "syntax.toml", "title = \"x\"\n[[resistor]\nname = \"R1\"\n")
	floating := writeFile(t, dir, "floating.toml", `
[[vsource]]
name = "V1"
nodes = ["a", "0"]
v = 1
[[resistor]]
name = "R1"
nodes = ["b", "c"]
r = 1
`)
	misspelt := writeFile(t, dir, "misspelt.toml", `
[[resistor]]
name = "R1"
nodes = ["a", "0"]
rr = 1
`)
	for _, tc := range []struct {
		args []string
		code int
		want []string // substrings of stderr
	}{
		{[]string{"simulate", "../../examples/divider.toml"}, 0, nil},
		{[]string{"simulate"}, 2, []string{"accepts 1 arg"}},
		{[]string{"simulate", "--bogus", "x.toml"}, 2, []string{"bogus"}},
		{[]string{"simulate", "--method", "euler", "../../examples/divider.toml"}, 2, []string{"--method"}},
		{[]string{"simulate", filepath.Join(dir, "missing.toml")}, 2, []string{"missing.toml"}},
		{[]string{"simulate", syntax}, 2, []string{"syntax.toml:2"}},
		{[]string{"simulate", floating}, 2, []string{"floating.toml", "no DC path", "b", "c"}},
		{[]string{"simulate", misspelt}, 2, []string{"misspelt.toml", "rr"}},
		{[]string{"simulate", "--group", "nope", "../../examples/divider.toml"}, 2, []string{"nope"}},
		{[]string{"export", "spice", syntax, "-o", filepath.Join(dir, "out.cir")}, 2, []string{"syntax.toml:2"}},
		{[]string{"frobnicate"}, 2, []string{"frobnicate"}},
	} {
		code, _, stderr := eqsim(tc.args...)
		if code != tc.code {
			t.Errorf("eqsim %v: exit %d, want %d; stderr:\n%s", tc.args, code, tc.code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("eqsim %v: stderr %q does not mention %q", tc.args, stderr, w)
			}
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("eqsim %v: a stack trace on stderr:\n%s", tc.args, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.cir")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file behind: %v", err)
	}
}

type simOut struct {
	Converged    bool               `json:"converged"`
	Iterations   int                `json:"iterations"`
	Residual     float64            `json:"residual"`
	Method       string             `json:"method"`
	SettlingTime *float64           `json:"settling_time"`
	Nodes        map[string]float64 `json:"nodes"`
}

func simulateJSONOut(t *testing.T, args ...string) simOut {
	t.Helper()
	code, stdout, stderr := eqsim(append([]string{"simulate", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("eqsim simulate %v: exit %d: %s", args, code, stderr)
	}
	var out simOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("eqsim simulate %v: stdout is not one JSON object: %v\n%s", args, err, stdout)
	}
	return out
}

func TestSimulateDividerClosedForm(t *testing.T) {
	for _, method := range []string{"newton", "transient"} {
		out := simulateJSONOut(t, "--method", method, "../../examples/divider.toml")
		if !out.Converged || out.Residual > 1e-12 {
			t.Errorf("%s: converged %v residual %g", method, out.Converged, out.Residual)
		}
		// V(mid) = 10 V * 1k/(1k+1k).
		if got := out.Nodes["mid"]; math.Abs(got-5) > 1e-12 {
			t.Errorf("%s: V(mid) = %.15g, want 5", method, got)
		}
		if len(out.Nodes) != 2 || out.Nodes["in"] != 10 {
			t.Errorf("%s: nodes %v, want in and mid", method, out.Nodes)
		}
		if (method == "transient") != (out.SettlingTime != nil) {
			t.Errorf("%s: settling_time %v", method, out.SettlingTime)
		}
	}
}

// TestExamplesNewtonTransient simulates every example with both methods
// and requires them to agree within 1e-9 V on every node. An example with
// thermal noise is left out: its transient is one noisy realisation (the
// tests of package solver compare those with the closed forms).
func TestExamplesNewtonTransient(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.toml")
	if len(files) < 5 {
		t.Fatalf("only %d examples found", len(files))
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "sweep") {
			continue
		}
		if nl, err := netlist.ParseFile(f); err == nil && nl.Circuit.ThermalNoise {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			skipTrainingScale(t, f, "a transient")
			a := simulateJSONOut(t, "--method", "newton", f)
			b := simulateJSONOut(t, "--method", "transient", f)
			if !a.Converged || !b.Converged {
				t.Fatalf("converged: newton %v transient %v", a.Converged, b.Converged)
			}
			if len(a.Nodes) != len(b.Nodes) || len(a.Nodes) == 0 {
				t.Fatalf("%d nodes from newton, %d from transient", len(a.Nodes), len(b.Nodes))
			}
			worst, at := 0.0, ""
			for n, v := range a.Nodes {
				if d := math.Abs(v - b.Nodes[n]); d > worst {
					worst, at = d, n
				}
			}
			if worst > 1e-9 {
				t.Errorf("newton and transient differ by %g V at %s", worst, at)
			}
		})
	}
}

// TestExportAndVerifyExamples runs every example's deck in ngspice and
// eqsim verify on it.
func TestExportAndVerifyExamples(t *testing.T) {
	if _, err := exec.LookPath("ngspice"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ngspice is not installed; CI must install it")
		}
		t.Skip("ngspice not installed")
	}
	files, _ := filepath.Glob("../../examples/*.toml")
	dir := t.TempDir()
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "sweep") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			skipTrainingScale(t, f, "ngspice")
			deck := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".toml")+".cir")
			if code, _, stderr := eqsim("export", "spice", f, "-o", deck); code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr)
			}
			cmd := exec.Command("ngspice", "-b", deck)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("ngspice -b %s: %v\n%s", deck, err, out)
			}
			code, stdout, stderr := eqsim("verify", "--json", f)
			if code != 0 {
				t.Fatalf("verify: exit %d: %s%s", code, stdout, stderr)
			}
			var v struct {
				OK           bool    `json:"ok"`
				MaxDeviation float64 `json:"max_deviation"`
				Nodes        int     `json:"nodes"`
			}
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatal(err)
			}
			if !v.OK || v.MaxDeviation > 1e-6 || v.Nodes == 0 {
				t.Errorf("verify: %+v", v)
			}
			t.Logf("%d nodes, largest deviation from ngspice %.3g V", v.Nodes, v.MaxDeviation)
		})
	}
}

// TestTrainXORExample trains examples/xor.toml as the README says and
// requires 0% error.
func TestTrainXORExample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := eqsim("train", "../../examples/xor.toml", "--out", out, "--json")
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
	if res.TestError == nil || *res.TestError != 0 || res.TrainError == nil || *res.TrainError != 0 || res.Epochs != 1000 {
		t.Errorf("xor after training: %s", lines[len(lines)-1])
	}
}

// TestGradcheckExamples holds the estimators of the XOR and MNIST examples
// to the EqProp theorem: centered EqProp within cosine 0.999 of the exact
// gradient, the exact gradient within 1e-5 of finite differences, and the
// one-sided estimates visibly worse than the centered one.
func TestGradcheckExamples(t *testing.T) {
	for _, f := range []string{"xor.toml", "mnist-kendall.toml"} {
		t.Run(f, func(t *testing.T) {
			if f == "mnist-kendall.toml" && testing.Short() {
				t.Skip("MNIST gradcheck in -short mode")
			}
			code, stdout, stderr := eqsim("gradcheck", "--json", "../../examples/"+f)
			if code != 0 {
				t.Fatalf("gradcheck: exit %d: %s", code, stderr)
			}
			var rep struct {
				ExactVsFD struct {
					RelError float64 `json:"rel_error"`
				} `json:"exact_vs_fd"`
				Estimators []struct {
					Name     string  `json:"name"`
					Cosine   float64 `json:"cosine"`
					RelError float64 `json:"rel_error"`
				} `json:"estimators"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.ExactVsFD.RelError > 1e-5 {
				t.Errorf("exact vs finite differences: rel_error %g", rep.ExactVsFD.RelError)
			}
			by := map[string]float64{}
			rel := map[string]float64{}
			for _, e := range rep.Estimators {
				by[e.Name], rel[e.Name] = e.Cosine, e.RelError
			}
			if by["centered"] < 0.999 {
				t.Errorf("centered cosine %g", by["centered"])
			}
			for _, one := range []string{"positive", "negative"} {
				if rel[one] <= 2*rel["centered"] {
					t.Errorf("%s rel_error %g is not visibly worse than centered %g", one, rel[one], rel["centered"])
				}
			}
			t.Logf("%s", stdout)
		})
	}
}

// trainingScale is the number of trainable conductances above which an
// example is a network for training runs (examples/mnist-1024.toml,
// mnist-2h.toml): a transient of it, or ngspice, would take minutes.
// netlist's TestTrainingExamples checks their solutions. The 784-200-10
// network of examples/mnist-chip.toml (316,000) stays below it: its export
// and verify take 51 s.
const trainingScale = 320000

// skipTrainingScale skips t if the example f is of training scale; what
// names what would take too long.
func skipTrainingScale(t *testing.T, f, what string) {
	t.Helper()
	nl, err := netlist.ParseFile(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range nl.Circuit.Elements {
		if tr, ok := e.(circuit.Trainable); ok {
			a, b := tr.Sides()
			n += len(a) * len(b)
		}
	}
	if n > trainingScale {
		t.Skipf("training-scale network of %d conductances: %s would take minutes", n, what)
	}
}
