package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/solver"
)

// TestSimulateNonFiniteInput: values whose scaling or products overflow
// are bad input (status 2) naming the option, model or element and its
// line, with nothing on stdout.
func TestSimulateNonFiniteInput(t *testing.T) {
	dir := t.TempDir()
	tnom := writeFile(t, dir, "tnom.toml", `[options]
temp = 400
tnom = 1
[models.d1]
type = "diode"
[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = 5
[[resistor]]
name = "R1"
nodes = ["in", "a"]
r = "1k"
[[diode]]
name = "D1"
nodes = ["a", "0"]
model = "d1"
`)
	big := writeFile(t, dir, "big.toml", `[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = 1e308
[[resistor]]
name = "R1"
nodes = ["in", "a"]
r = 1e-300
[[resistor]]
name = "R2"
nodes = ["a", "0"]
r = 1e-300
`)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{tnom, []string{"tnom.toml:4", `model "d1"`, "tnom = 1 K", "temp = 400 K"}},
		{big, []string{"big.toml:5", `resistor "R1"`, "overflow"}},
	} {
		for _, method := range []string{"newton", "transient"} {
			code, stdout, stderr := eqsim("simulate", "--json", "--method", method, tc.path)
			if code != 2 || stdout != "" {
				t.Errorf("%s %s: exit %d, stdout %q, want 2 and nothing", tc.path, method, code, stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%s %s: stderr %q lacks %q", tc.path, method, stderr, w)
				}
			}
		}
	}
}

// TestDescribeSolveNonFinite: a solve that ends with a non-finite voltage
// or residual, whatever the solver's status, prints as valid JSON with
// converged false, a status that says why, null for the numbers that are
// not finite, and an error (exit 1).
func TestDescribeSolveNonFinite(t *testing.T) {
	nl, err := netlist.ParseFile("../../examples/divider.toml")
	if err != nil {
		t.Fatal(err)
	}
	sys, err := mna.Compile(nl.Circuit)
	if err != nil {
		t.Fatal(err)
	}
	res, err := solver.Solve(sys, nil, "newton")
	if err != nil {
		t.Fatal(err)
	}
	good, err := describeSolve(sys, res, nil, sys.Nodes(), false)
	if err != nil || !good.Converged || good.Status != "converged" {
		t.Fatalf("a converged solve: %+v, %v", good, err)
	}
	for _, tc := range []struct {
		name     string
		x        float64
		residual float64
		want     string
	}{
		{"NaN voltage", math.NaN(), 0, `non-finite voltage NaN at node "mid"`},
		{"infinite voltage", math.Inf(1), 0, `non-finite voltage +Inf at node "mid"`},
		{"infinite residual", 1, math.Inf(1), "non-finite KCL residual +Inf A"},
	} {
		r := res
		r.X = []float64{tc.x}
		r.Residual = tc.residual
		for _, method := range []string{"newton", "transient"} {
			out, err := describeSolve(sys, r, nil, sys.Nodes(), method == "transient")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one about %q", tc.name, err, tc.want)
			}
			b, err := json.Marshal(out)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var back map[string]any
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("%s: %s: %v", tc.name, b, err)
			}
			if back["converged"] != false || !strings.HasPrefix(back["status"].(string), "diverged: ") || !strings.Contains(back["status"].(string), tc.want) {
				t.Errorf("%s: %s", tc.name, b)
			}
			nodes := back["nodes"].(map[string]any)
			if isFinite(tc.x) != (nodes["mid"] != nil) || nodes["in"] != 10.0 {
				t.Errorf("%s: nodes %v", tc.name, nodes)
			}
			if isFinite(tc.residual) != (back["residual"] != nil) {
				t.Errorf("%s: residual %v", tc.name, back["residual"])
			}
		}
	}
}
