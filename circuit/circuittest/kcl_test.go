package circuittest_test

import (
	"maps"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// solvedByHand returns a circuit with every element kind and its
// operating point worked out by hand, with the nodes where KCL must hold.
func solvedByHand() (*circuit.Circuit, circuittest.Solution, []string) {
	m := circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1.2}
	c := &circuit.Circuit{Temp: 350, TNom: 300.15}
	temp, tnom := c.Temperature(), c.NominalTemperature()
	diode := func(v float64) float64 { return circuittest.DiodeCurrent(m, temp, tnom, v) }
	// 2 V through R1, the floating Vf and R2: 0.75 mA.
	c.Add(
		&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 2},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
		&circuit.VSource{Name: "Vf", Nodes: [2]string{"a", "b"}, V: 0.5},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"b", "gnd"}, G: 1e-3},
		&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "b"}, C: 1e-12},
	)
	// F1 mirrors twice Vf's current into c; E1 holds e at 3 V(a, b).
	c.Add(
		&circuit.CCCS{Name: "F1", Nodes: [2]string{"0", "c"}, Control: "Vf", Gain: 2},
		&circuit.Resistor{Name: "R3", Nodes: [2]string{"c", "0"}, G: 1e-3},
		&circuit.VCVS{Name: "E1", Nodes: [2]string{"e", "0"}, Control: [2]string{"a", "b"}, Gain: 3},
		&circuit.Resistor{Name: "R4", Nodes: [2]string{"e", "0"}, G: 1e-3},
	)
	// The amplifier holds o = 4h + 0.1 V and draws o's load current over
	// 4 from h: (h - 2)G + hG + (4h + 0.1)G/4 = 0.
	h := 1.975 / 3
	o := 4*h + 0.1
	c.Add(
		&circuit.Resistor{Name: "R5", Nodes: [2]string{"in", "h"}, G: 1e-3},
		&circuit.Resistor{Name: "R6", Nodes: [2]string{"h", "0"}, G: 1e-3},
		&circuit.Amplifier{Name: "A", From: []string{"h"}, To: []string{"o"}, Gain: 4, Offsets: []float64{0.1}},
		&circuit.Resistor{Name: "R7", Nodes: [2]string{"o", "0"}, G: 1e-3},
	)
	// Differential inputs at ±0.6 V divided 1:3 into y; the wired
	// crossbar's cell and segments in series with a load into w.
	const wr = 100.0
	iw := 0.6 / (wr + 1e3 + wr + 1e3)
	c.Add(
		&circuit.Input{Name: "x", Nodes: []string{"x0", "x1"}, Differential: true, Amplitude: 2, Values: []float64{0.3}},
		&circuit.Resistor{Name: "R8", Nodes: [2]string{"x0", "y"}, G: 1e-3},
		&circuit.Resistor{Name: "R9", Nodes: [2]string{"y", "x1"}, G: 3e-3},
		&circuit.Crossbar{Name: "W", From: []string{"x0"}, To: []string{"w"}, G: mat.NewDense(1, 1, []float64{1e-3}), WireR: wr},
		&circuit.Resistor{Name: "RW", Nodes: [2]string{"w", "0"}, G: 1e-3},
	)
	// 0.1 mA into a diode, and into a node clamped by a rectifier.
	d := circuittest.Bisect(func(v float64) float64 { return diode(v) - 1e-4 }, 0, 2)
	q := circuittest.Bisect(func(v float64) float64 { return diode(v-0.2) - diode(-0.2-v) - 1e-4 }, -2, 2)
	c.Add(
		&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "d"}, I: 1e-4},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"d", "0"}, Model: m},
		&circuit.VSource{Name: "Vhi", Nodes: [2]string{"hi", "0"}, V: 0.2},
		&circuit.VSource{Name: "Vlo", Nodes: [2]string{"lo", "0"}, V: -0.2},
		&circuit.ISource{Name: "I2", Nodes: [2]string{"0", "q"}, I: 1e-4},
		&circuit.Rectifier{Name: "RQ", Nodes: []string{"q"}, Model: m, High: "hi", Low: "lo"},
	)
	sol := circuittest.Solution{
		Nodes: map[string]float64{
			"in": 2, "a": 1.25, "b": 0.75, "c": 1.5, "e": 1.5, "h": h, "o": o,
			"x0": 0.6, "x1": -0.6, "y": (0.6*1e-3 - 0.6*3e-3) / 4e-3,
			"W.r[0][0]": 0.6 - wr*iw, "W.c[0][0]": 0.6 - (wr+1e3)*iw, "w": 1e3 * iw,
			"d": d, "hi": 0.2, "lo": -0.2, "q": q,
		},
		// Branch currents flow from a part's first node through it.
		Branches: map[string]float64{"Vf": 0.75e-3, "E1": -1.5e-3, "A[0]": -o * 1e-3},
	}
	free := []string{"a", "b", "c", "e", "h", "o", "y", "W.r[0][0]", "W.c[0][0]", "w", "d", "q"}
	return c, sol, free
}

func TestCheckKCLSolvedByHand(t *testing.T) {
	c, sol, free := solvedByHand()
	n, err := circuittest.CheckKCL(c, sol, 1e-15, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(free) {
		t.Errorf("checked %d nodes, want the %d free ones", n, len(free))
	}
	// A wrong voltage anywhere, of a free node or a pinned one, is caught.
	for node, v := range sol.Nodes {
		bad := circuittest.Solution{Nodes: maps.Clone(sol.Nodes), Branches: sol.Branches}
		bad.Nodes[node] = v + 1e-6
		if _, err := circuittest.CheckKCL(c, bad, 1e-15, 1e-9); err == nil {
			t.Errorf("V(%s) off by 1 µV passed", node)
		}
	}
	// So is a wrong branch current, each of which meets a free node.
	for br, i := range sol.Branches {
		bad := circuittest.Solution{Nodes: sol.Nodes, Branches: maps.Clone(sol.Branches)}
		bad.Branches[br] = i * (1 + 1e-6)
		if _, err := circuittest.CheckKCL(c, bad, 1e-15, 1e-9); err == nil || !strings.Contains(err.Error(), "KCL at") {
			t.Errorf("branch current %s off by 1 ppm: error %v", br, err)
		}
	}
	// Without Vf's current the balance of a and b, and of c (F1 senses
	// it), is unknown: they are not checked.
	part := circuittest.Solution{Nodes: sol.Nodes, Branches: maps.Clone(sol.Branches)}
	delete(part.Branches, "Vf")
	if n, err := circuittest.CheckKCL(c, part, 1e-15, 1e-9); err != nil || n != len(free)-3 {
		t.Errorf("without Vf's current: %d nodes checked, error %v; want %d and none", n, err, len(free)-3)
	}
}

// TestDiodeCurrent compares the reference junction with package circuit's
// (two implementations written apart) across forward bias, SPICE3's
// reverse-bias region, the linear continuation and temperature scaling.
func TestDiodeCurrent(t *testing.T) {
	for _, m := range []circuit.DiodeModel{{IS: 1e-14, N: 1}, {IS: 2.52e-9, N: 1.752}} {
		for _, temps := range [][2]float64{{circuit.DefaultTemp, circuit.DefaultTemp}, {350, 300.15}, {250, 320}} {
			temp, tnom := temps[0], temps[1]
			nvt := m.N * circuit.ThermalVoltage(temp)
			for _, a := range []float64{-200, -10, -3.5, -2.5, -0.1, 0, 0.3, 5, 30, 79, 81, 120} {
				v := a * nvt
				got := circuittest.DiodeCurrent(m, temp, tnom, v)
				want := circuit.DiodeCurrent(m.AtTemperature(temp, tnom), temp, v)
				if math.Abs(got-want) > 1e-12*math.Abs(want)+1e-30 {
					t.Errorf("IS %g N %g at %g K (IS at %g K), %g V: %.15g A, package circuit %.15g A", m.IS, m.N, temp, tnom, v, got, want)
				}
			}
		}
	}
}

func TestBisect(t *testing.T) {
	r := circuittest.Bisect(func(x float64) float64 { return x*x - 2 }, 0, 2)
	if math.Abs(r-math.Sqrt2) > 0x1p-52 {
		t.Errorf("sqrt(2) = %.17g, want %.17g", r, math.Sqrt2)
	}
	if r := circuittest.Bisect(func(x float64) float64 { return x - 1e-300 }, 0, 1); math.Abs(r-1e-300) > 1e-315 {
		t.Errorf("root 1e-300 found at %g", r)
	}
}
