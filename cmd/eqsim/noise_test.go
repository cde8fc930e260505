package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// rcNet is a source of 1 V, 10 kOhm to node a, 10 kOhm from a to ground,
// 2 pF on a, at 300 K: v(a) = 0.5 V*(1 - exp(-t/tau)), tau = 10 ns.
const rcNet = `
[options]
temp = 300
node_capacitance = "2p"
%NOISE%
[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = 1

[[resistor]]
name = "R1"
nodes = ["in", "a"]
r = "10k"

[[resistor]]
name = "R2"
nodes = ["a", "0"]
r = "10k"
`

const (
	rcTau = 10e-9
	rcC   = 2e-12
)

func rcNetlist(t *testing.T, dir string, noise bool) string {
	t.Helper()
	opt := ""
	if noise {
		opt = "thermal_noise = true"
	}
	return writeFile(t, dir, "rc.toml", strings.Replace(rcNet, "%NOISE%", opt, 1))
}

// readTrace reads a --trace CSV: its header and rows.
func readTrace(t *testing.T, path string) ([]string, [][]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float64
	for _, r := range recs[1:] {
		row := make([]float64, len(r))
		for i, s := range r {
			if row[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

// TestSimulateTransientStopTrace checks simulate --method transient --stop
// --trace on an RC divider against its closed forms: the trajectory, the
// energy the source delivers until the stop, V²T/R1 - (V/R1) v∞ (T -
// tau(1 - exp(-T/tau))), and the power at the end, V (V - v(T))/R1.
func TestSimulateTransientStopTrace(t *testing.T) {
	dir := t.TempDir()
	net := rcNetlist(t, dir, false)
	trace := filepath.Join(dir, "trace.csv")
	const stop = 5 * rcTau
	code, stdout, stderr := eqsim("simulate", "--method", "transient", "--stop", "5e-8", "--trace", trace, "--json", net)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"converged", "status", "method", "iterations", "residual", "worst_node", "nodes", "settling_time", "steps", "power", "energy"} {
		if _, ok := out[k]; !ok {
			t.Errorf("no key %q in %s", k, stdout)
		}
	}
	head, rows := readTrace(t, trace)
	if strings.Join(head, ",") != "time,in,a" {
		t.Errorf("trace header %q", head)
	}
	if n := len(rows); n != int(out["steps"].(float64))+1 {
		t.Errorf("%d trace rows for %v steps", n, out["steps"])
	}
	if rows[0][0] != 0 || rows[0][1] != 1 || rows[0][2] != 0 || rows[len(rows)-1][0] != stop {
		t.Errorf("trace from %v to %v", rows[0], rows[len(rows)-1])
	}
	for _, r := range rows {
		if want := 0.5 * -math.Expm1(-r[0]/rcTau); math.Abs(r[2]-want) > 1e-3*0.5 {
			t.Errorf("v(a) at %.4g s: %.6g V, want %.6g V", r[0], r[2], want)
		}
	}
	vEnd := rows[len(rows)-1][2]
	e := 1/1e4*stop - 1/1e4*0.5*(stop-rcTau*-math.Expm1(-stop/rcTau))
	if got := out["energy"].(float64); math.Abs(got/e-1) > 1e-4 {
		t.Errorf("energy %.8g J, want %.8g J", got, e)
	}
	if got, want := out["power"].(float64), (1-vEnd)/1e4; math.Abs(got/want-1) > 1e-12 {
		t.Errorf("power %.12g W, want %.12g W", got, want)
	}
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--stop", "1e-6"}, "--stop"},
		{[]string{"--trace", trace}, "--trace"},
		{[]string{"--seed", "3"}, "--seed"},
		{[]string{"--method", "transient", "--stop", "-1"}, "--stop"},
		{[]string{"--method", "transient", "--trace", net}, "--trace"},
	} {
		code, _, stderr := eqsim(append(append([]string{"simulate"}, tc.args...), net)...)
		if code != 2 || !strings.Contains(stderr, tc.flag) {
			t.Errorf("simulate %v: exit %d, stderr %q; want 2 naming %s", tc.args, code, stderr, tc.flag)
		}
	}
}

// TestSimulateThermalNoise checks a transient with thermal_noise on: the
// same seed gives the same trajectory, another seed another, and after 20
// time constants the node fluctuates with the standard deviation
// sqrt(kT/C), 45.5 µV: 4000 steps of tau/2 (the default step), whose
// lag-one correlation 0.6 leaves some 1900 effective samples, so the
// standard deviation is known within 1.6%; the tolerance is four times
// that. With the noise off the seed changes nothing.
func TestSimulateThermalNoise(t *testing.T) {
	dir := t.TempDir()
	run := func(noise bool, seed string) [][]float64 {
		net := rcNetlist(t, dir, noise)
		trace := filepath.Join(dir, "t"+seed+".csv")
		code, _, stderr := eqsim("simulate", "--method", "transient", "--stop", "2e-5", "--seed", seed, "--trace", trace, "--json", net)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		_, rows := readTrace(t, trace)
		return rows
	}
	a, b, c := run(true, "1"), run(true, "1"), run(true, "2")
	if len(a) != 4001 {
		t.Errorf("%d rows, want 4001 (steps of tau/2)", len(a))
	}
	same, other := true, false
	for i := range a {
		same = same && a[i][2] == b[i][2]
		other = other || a[i][2] != c[i][2]
	}
	if !same || !other {
		t.Errorf("seed 1 twice gives the same trajectory: %t; seeds 1 and 2 differ: %t", same, other)
	}
	var m, s float64
	tail := a[40:]
	for _, r := range tail {
		m += r[2] / float64(len(tail))
	}
	for _, r := range tail {
		s += (r[2] - m) * (r[2] - m) / float64(len(tail)-1)
	}
	want := math.Sqrt(circuit.Boltzmann * 300 / rcC)
	if d := math.Sqrt(s)/want - 1; math.Abs(d) > 4*0.016 || math.Abs(m-0.5) > 5*want/math.Sqrt(float64(len(tail))/8) {
		t.Errorf("v(a): mean %.9g V, std %.4g V, want 0.5 V and %.4g V (%+.1f%%)", m, math.Sqrt(s), want, 100*d)
	}
	x, y := run(false, "1"), run(false, "2")
	if len(x) != len(y) || x[len(x)-1][2] != y[len(y)-1][2] {
		t.Errorf("without noise the seed changes the trajectory")
	}
}

// TestNoiseCommand checks eqsim noise against closed forms: the
// instantaneous standard deviation sqrt(kT/C) of the RC node and that of
// its mean over a window T, sqrt(2(kT/C)(tau/T)(1 - tau/T(1 - e^(-T/tau)))),
// with the Langevin estimate from 400 samples within four standard errors
// (1/sqrt(800) = 3.5% each), the exact keys, and bad flags.
func TestNoiseCommand(t *testing.T) {
	dir := t.TempDir()
	net := rcNetlist(t, dir, false)
	kTC := circuit.Boltzmann * 300 / rcC
	for _, window := range []float64{0, 3e-8} {
		code, stdout, stderr := eqsim("noise", "--window", strconv.FormatFloat(window, 'g', -1, 64), "--json", net)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var out struct {
			Temperature *float64 `json:"temperature"`
			Window      *float64 `json:"window"`
			Nodes       map[string]map[string]float64
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
		if err := dec.Decode(&out); err != nil {
			t.Fatal(err)
		}
		if out.Temperature == nil || *out.Temperature != 300 || out.Window == nil || *out.Window != window || len(out.Nodes) != 2 {
			t.Fatalf("output %s", stdout)
		}
		want := math.Sqrt(kTC)
		if window > 0 {
			r := rcTau / window
			want = math.Sqrt(2 * kTC * r * (1 - r*-math.Expm1(-1/r)))
		}
		a := out.Nodes["a"]
		if len(a) != 3 || a["mean"] != 0.5 || math.Abs(a["std_linear"]/want-1) > 1e-9 {
			t.Errorf("window %g: node a %v, want std_linear %.6g V", window, a, want)
		}
		if d := a["std_langevin"]/want - 1; math.Abs(d) > 4/math.Sqrt(800) {
			t.Errorf("window %g: std_langevin %.4g V, want %.4g V (%+.1f%%)", window, a["std_langevin"], want, 100*d)
		}
		if in := out.Nodes["in"]; in["mean"] != 1 || in["std_linear"] != 0 || in["std_langevin"] != 0 {
			t.Errorf("node in %v", in)
		}
	}
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--samples", "1"}, "--samples"},
		{[]string{"--window", "-1"}, "--window"},
		{[]string{"--window", "1"}, "--window"}, // a hundred million steps
		{[]string{"--bogus"}, "bogus"},
	} {
		code, _, stderr := eqsim(append(append([]string{"noise"}, tc.args...), net)...)
		if code != 2 || !strings.Contains(stderr, tc.flag) {
			t.Errorf("noise %v: exit %d, stderr %q; want 2 naming %s", tc.args, code, stderr, tc.flag)
		}
	}
}

// TestExportTranFlag checks export spice --tran: a deck with uic, the
// initial state and the node capacitor; a bad stop time is a usage error
// that writes nothing.
func TestExportTranFlag(t *testing.T) {
	dir := t.TempDir()
	net := rcNetlist(t, dir, false)
	code, stdout, stderr := eqsim("export", "spice", "--tran", "1e-7", net)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{" uic\n", ".ic v(a)=0\n", ".ic v(in)=1\n", "cnodecap_a a 0 2e-12\n", "wrdata eqsim-tran.dat all\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("deck lacks %q:\n%s", want, stdout)
		}
	}
	out := filepath.Join(dir, "deck.cir")
	for _, bad := range []string{"0", "-1e-6", "inf"} {
		code, _, stderr := eqsim("export", "spice", "--tran", bad, "-o", out, net)
		if code != 2 || !strings.Contains(stderr, "--tran") {
			t.Errorf("--tran %s: exit %d, stderr %q", bad, code, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused export wrote %s", out)
	}
}
