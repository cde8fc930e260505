package audit

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
	"github.com/eqsim/eqsim/solver"
)

// TestReport checks the accumulation over samples: the worst value of
// each quantity and where, the mean and largest power, and one violation
// per limit and element, in the order of the limits, with the count of
// samples beyond the limit.
func TestReport(t *testing.T) {
	ext := func(q Quantity, elem, dev string, v float64) Extreme {
		return Extreme{Quantity: q, Element: elem, Device: dev, Value: v}
	}
	ops := []sampleOP{
		{ext: []Extreme{ext(DeviceVoltage, "W1", "[0][1]", 0.5), ext(DeviceVoltage, "W2", "[2][0]", 1.5), ext(DiodeCurrent, "D", "[1].hi", 1e-3)},
			power: mna.Power{Sources: 0.01, Controlled: 0.002}},
		{ext: []Extreme{ext(DeviceVoltage, "W1", "[3][1]", 1.2), ext(DeviceVoltage, "W2", "[0][0]", 0.2), ext(DiodeCurrent, "D", "[0].lo", 2e-3)},
			power: mna.Power{Sources: 0.03, Controlled: -0.001}},
		{ext: []Extreme{ext(DeviceVoltage, "W1", "[3][2]", 1.1), ext(DeviceVoltage, "W2", "[1][0]", 0.3), ext(DiodeCurrent, "D", "[1].hi", 5e-4)},
			power: mna.Power{Sources: 0.02, Controlled: 0}},
	}
	r := report(ops, Limits{DeviceVoltage: 1, Power: 0.02}, "test")
	if r.Samples != 3 || r.MaxDeviceVoltage != 1.5 || r.MaxDiodeCurrent != 2e-3 || math.Abs(r.MaxPower-0.029) > 1e-17 {
		t.Errorf("report %+v", r)
	}
	if math.Abs(r.MeanPower-0.061/3) > 1e-17 || math.Abs(r.MeanSourcePower-0.02) > 1e-17 || math.Abs(r.MeanAmplifierPower-0.001/3) > 1e-18 {
		t.Errorf("mean power %g (%g + %g)", r.MeanPower, r.MeanSourcePower, r.MeanAmplifierPower)
	}
	if w := r.Worst["device_voltage"]; w != (Worst{Value: 1.5, Element: "W2", Device: "[2][0]", Sample: 0}) {
		t.Errorf("worst device voltage %+v", w)
	}
	want := []string{
		"device_voltage = 1 V: W1[3][1] reaches 1.2 V in sample 1 (above the limit in 2 of 3 samples)",
		"device_voltage = 1 V: W2[2][0] reaches 1.5 V in sample 0 (above the limit in 1 of 3 samples)",
		"power = 0.02 W: the circuit draws 0.029 W in sample 1 (above the limit in 1 of 3 samples)",
	}
	if !reflect.DeepEqual(r.Violations, want) {
		t.Errorf("violations\n%q\nwant\n%q", r.Violations, want)
	}
	ok := report(ops, Limits{DeviceVoltage: 2}, "test")
	b, _ := json.Marshal(ok)
	if !ok.OK() || !strings.Contains(string(b), `"violations":[]`) {
		t.Errorf("within the limits: %s", b)
	}
}

// TestNetwork audits a small Kendall network on random samples and checks
// every figure against the samples solved one by one by dense Newton, with
// the quantities taken from the elements themselves; and that the report
// does not depend on the number of workers.
func TestNetwork(t *testing.T) {
	c := circuittest.KendallNetwork(7, 6, 3, 5)
	net, err := native.New(c, native.Config{Input: "in", Outputs: []string{"y[0]", "y[1]", "y[2]"}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	set := &eqprop.Set{Name: "random", Features: 7, Classes: 3, X: make([]float64, 9*7), Labels: make([]int, 9)}
	for i := range set.X {
		set.X[i] = rng.Float64()
	}
	lim := Limits{DeviceVoltage: 0.3, AmplifierOutput: 0.2}
	r, err := Network(context.Background(), net, set, 8, 3, lim)
	if err != nil {
		t.Fatal(err)
	}
	one, err := Network(context.Background(), net, set, 8, 1, lim)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, one) {
		t.Errorf("3 workers: %+v\n1 worker: %+v", r, one)
	}

	// The reference: each sample solved by dense Newton on the circuit.
	in := c.Element("in").(*circuit.Input)
	w1, w2 := c.Element("W1").(*circuit.Crossbar), c.Element("W2").(*circuit.Crossbar)
	amp := c.Element("A").(*circuit.Amplifier)
	var maxDrop, maxAmp, maxI, maxRev, sumP, maxP float64
	for s := range 8 {
		copy(in.Values, set.Sample(s))
		sys, res, V := solveNewton(t, c)
		for _, x := range []*circuit.Crossbar{w1, w2} {
			for _, a := range x.From {
				for _, b := range x.To {
					maxDrop = math.Max(maxDrop, math.Abs(V(a)-V(b)))
				}
			}
		}
		for _, n := range amp.To {
			maxAmp = math.Max(maxAmp, math.Abs(V(n)))
		}
		for p := range c.Element("D").Parts() {
			vd := V(p.Nodes[0]) - V(p.Nodes[1])
			maxI = math.Max(maxI, math.Abs(circuit.DiodeCurrent(p.Model, c.Temperature(), vd)))
			maxRev = math.Max(maxRev, -vd)
		}
		p := sys.Power(res.X).Total()
		sumP += p
		maxP = math.Max(maxP, p)
	}
	near := func(what string, got, want, tol float64) {
		if !(math.Abs(got-want) <= tol*math.Abs(want)) {
			t.Errorf("%s: audit %.12g, reference %.12g", what, got, want)
		}
	}
	near("max_device_voltage", r.MaxDeviceVoltage, maxDrop, 1e-6)
	near("max_amplifier_output", r.MaxAmplifierOutput, maxAmp, 1e-6)
	near("max_diode_current", r.MaxDiodeCurrent, maxI, 1e-6)
	near("max_diode_reverse", r.MaxDiodeReverse, maxRev, 1e-6)
	near("mean_power", r.MeanPower, sumP/8, 1e-6)
	near("max_power", r.MaxPower, maxP, 1e-6)
	near("max_input", r.MaxInput, in.Amplitude*maxOf(set.X[:8*7]), 1e-15)
	if r.Samples != 8 || len(r.Violations) == 0 || !strings.HasPrefix(r.Violations[0], "device_voltage = 0.3 V: W") {
		t.Errorf("report %+v", r)
	}
}

func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}

// solveNewton compiles c and solves it by dense Newton, the reference the
// audit's tests compare with: the system, the solution, and a node's
// voltage by name.
func solveNewton(t *testing.T, c *circuit.Circuit) (*mna.System, solver.Result, func(string) float64) {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := solver.Newton(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := sys.VoltagesTo(nil, res.X)
	return sys, res, func(n string) float64 { i, _ := sys.NodeIndex(n); return v[i] }
}
