package main

import (
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestAudit runs eqsim audit on the diode clamp (a circuit without a data
// set: one sample, its own values) and on the XOR network (its test set),
// within and beyond limits, and checks the exit status, the JSON keys of
// the issue, and the figures against the clamp's closed form.
func TestAudit(t *testing.T) {
	dir := t.TempDir()
	clamp, err := os.ReadFile("../../examples/diode-clamp.toml")
	if err != nil {
		t.Fatal(err)
	}
	within := writeFile(t, dir, "within.toml", string(clamp)+"\n[limits]\ndiode_current = \"5m\"\npower = 0.03\n")
	beyond := writeFile(t, dir, "beyond.toml", string(clamp)+"\n[limits]\ndiode_current = \"1m\"\n")

	code, stdout, stderr := eqsim("audit", "--json", within)
	if code != 0 {
		t.Fatalf("within the limits: exit %d, %s", code, stderr)
	}
	var r map[string]any
	lastJSON(t, stdout, &r)
	for _, k := range []string{"max_input", "max_device_voltage", "max_device_power", "mean_power", "max_power",
		"max_amplifier_output", "max_diode_reverse", "max_diode_current", "violations"} {
		if _, ok := r[k]; !ok {
			t.Errorf("audit --json lacks %q: %s", k, stdout)
		}
	}
	// The clamp's closed form (see the example): 4.307 mA through D1,
	// 5 V times it from V1.
	if i := r["max_diode_current"].(float64); math.Abs(i-4.307e-3) > 1e-6 {
		t.Errorf("max_diode_current %g A, want 4.307 mA", i)
	}
	if p := r["mean_power"].(float64); math.Abs(p-5*r["max_diode_current"].(float64)) > 1e-9*p {
		t.Errorf("mean_power %g W, want 5 V times the diode's current", p)
	}
	if v, ok := r["violations"].([]any); !ok || len(v) != 0 {
		t.Errorf("violations %v, want []", r["violations"])
	}

	code, stdout, stderr = eqsim("audit", beyond)
	if code != 1 || !strings.Contains(stdout, "diode_current = 0.001 A: D1 reaches 0.004307 A in sample 0") || !strings.Contains(stderr, "exceeds 1 of the limits") {
		t.Errorf("beyond the limits: exit %d\n%s%s", code, stdout, stderr)
	}

	// XOR on its test set: every limit exceeded by some element.
	xor, err := os.ReadFile(xorNet)
	if err != nil {
		t.Fatal(err)
	}
	tight := writeFile(t, dir, "xor.toml", string(xor)+"\n[limits]\ninput = 0.5\ndevice_voltage = 0.1\ndevice_power = 1e-9\npower = 1e-9\namplifier_output = 0.01\ndiode_current = 1e-12\n")
	code, stdout, _ = eqsim("audit", "--json", tight)
	lastJSON(t, stdout, &r)
	v := r["violations"].([]any)
	if code != 1 || r["samples"] != 4.0 || len(v) < 6 {
		t.Fatalf("xor with tight limits: exit %d, %s", code, stdout)
	}
	// In the order of the limits, each naming the element and sample.
	next := 0
	for _, want := range []string{"input = 0.5 V: x", "device_voltage = 0.1 V: W1", "device_voltage = 0.1 V: W2", "device_power = 1e-09 W: W1",
		"power = 1e-09 W: the circuit", "amplifier_output = 0.01 V: A", "diode_current = 1e-12 A: D"} {
		for next < len(v) && !strings.HasPrefix(v[next].(string), want) {
			next++
		}
		if next == len(v) || !strings.Contains(v[next].(string), " in sample ") {
			t.Errorf("no violation %q naming its sample in order: %v", want, v)
			break
		}
	}
	_, a, _ := eqsim("audit", "--json", "--workers", "1", tight)
	_, b, _ := eqsim("audit", "--json", "--workers", "3", tight)
	if a != b {
		t.Errorf("audit differs with the number of workers:\n%s%s", a, b)
	}
	code, stdout, _ = eqsim("audit", "--json", "--samples", "2", xorNet)
	lastJSON(t, stdout, &r)
	if code != 0 || r["samples"] != 2.0 {
		t.Errorf("--samples 2: exit %d, %s", code, stdout)
	}
}

// TestAuditDissipation checks mean_dissipation in eqsim audit's JSON and
// its line in the text: on the diode clamp against the closed form
// (R1 dissipates 1k times the square of the diode's current I, D1 I times
// the 5 V source less R1's drop), on the XOR network by its elements'
// names; both sum to mean_power.
func TestAuditDissipation(t *testing.T) {
	sums := func(r map[string]any) {
		t.Helper()
		var sum float64
		for _, w := range r["mean_dissipation"].(map[string]any) {
			sum += w.(float64)
		}
		if p := r["mean_power"].(float64); math.Abs(sum-p) > 1e-9*p {
			t.Errorf("mean_dissipation sums to %.12g W, mean_power %.12g W", sum, p)
		}
	}
	code, stdout, stderr := eqsim("audit", "--json", "../../examples/diode-clamp.toml")
	if code != 0 {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	var r map[string]any
	lastJSON(t, stdout, &r)
	d, ok := r["mean_dissipation"].(map[string]any)
	if !ok || len(d) != 2 {
		t.Fatalf("mean_dissipation %v, want R1 and D1", r["mean_dissipation"])
	}
	i := r["max_diode_current"].(float64)
	for _, c := range []struct {
		elem string
		want float64
	}{{"R1", 1e3 * i * i}, {"D1", i * (5 - 1e3*i)}} {
		if w, ok := d[c.elem].(float64); !ok || math.Abs(w-c.want) > 1e-9*c.want {
			t.Errorf("%s dissipates %v W, want %.12g W", c.elem, d[c.elem], c.want)
		}
	}
	sums(r)
	_, stdout, _ = eqsim("audit", "../../examples/diode-clamp.toml")
	if !strings.Contains(stdout, "\n  dissipated: R1 18.6 mW (86%), D1 2.98 mW (14%)\n") {
		t.Errorf("no dissipation line:\n%s", stdout)
	}

	_, stdout, _ = eqsim("audit", "--json", xorNet)
	lastJSON(t, stdout, &r)
	d, _ = r["mean_dissipation"].(map[string]any)
	if got := slices.Sorted(maps.Keys(d)); !slices.Equal(got, []string{"D", "W1", "W2"}) {
		t.Errorf("xor: mean_dissipation of %v, want D, W1, W2", got)
	}
	sums(r)
	_, stdout, _ = eqsim("audit", xorNet)
	if !regexp.MustCompile(`\n  dissipated: W1 [0-9.]+ µW \([0-9]+%\), W2 [0-9.]+ µW \([0-9]+%\), D [0-9.]+ µW \([0-9]+%\)\n`).MatchString(stdout) {
		t.Errorf("xor: no dissipation line, largest first:\n%s", stdout)
	}
}

func TestAuditBadInput(t *testing.T) {
	dir := t.TempDir()
	neg := writeFile(t, dir, "neg.toml", "[[vsource]]\nname = \"V\"\nnodes = [\"a\", \"0\"]\nv = 1\n[[resistor]]\nname = \"R\"\nnodes = [\"a\", \"0\"]\nr = 1\n[limits]\npower = -1\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", neg}, "neg.toml:10"},
		{[]string{"audit", "--samples", "-1", xorNet}, "--samples"},
		{[]string{"audit", filepath.Join(dir, "none.toml")}, "none.toml"},
		{[]string{"audit"}, "accepts 1 arg"},
	} {
		code, stdout, stderr := eqsim(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want status 2 and %q)", tc.args, code, stdout, stderr, tc.want)
		}
	}
}
