package mna

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// randomCircuit builds a circuit with every element kind, including the
// blocks, around a few free nodes. With controlled false it has no
// controlled sources, so it has a co-content.
func randomCircuit(rng *rand.Rand, controlled bool) *circuit.Circuit {
	d := circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1 + rng.Float64()}
	c := &circuit.Circuit{}
	c.Groups = []circuit.Group{{Name: "h", Size: 3}, {Name: "o", Size: 2}}
	c.Add(
		&circuit.VSource{Name: "Vhi", Nodes: [2]string{"hi", "0"}, V: 0.3},
		&circuit.VSource{Name: "Vlo", Nodes: [2]string{"lo", "gnd"}, V: -0.3},
		&circuit.VSource{Name: "Vchain", Nodes: [2]string{"c2", "hi"}, V: 0.2},
		&circuit.Input{Name: "x", Nodes: []string{"x[0]", "x[1]", "x[2]", "x[3]"}, Differential: true, Amplitude: 1, Values: []float64{rng.Float64(), rng.Float64()}},
		&circuit.Crossbar{Name: "W1", From: []string{"x[0]", "x[1]", "x[2]", "x[3]"}, To: []string{"h[0]", "h[1]", "h[2]"}, G: randMat(rng, 4, 3)},
		&circuit.Rectifier{Name: "RH", Nodes: []string{"h[0]", "h[1]", "h[2]"}, Model: d, High: "hi", Low: "lo"},
		&circuit.Crossbar{Name: "W2", From: []string{"h[0]", "h[1]", "h[2]"}, To: []string{"o[0]", "o[1]"}, G: randMat(rng, 3, 2)},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"o[0]", "a"}, G: 1e-4},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "c2"}, G: 2e-4},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "b"}, Model: d},
		&circuit.Resistor{Name: "R3", Nodes: [2]string{"b", "0"}, G: 1e-3},
		&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "b"}, I: 1e-6},
		&circuit.VSource{Name: "Vf", Nodes: [2]string{"b", "f"}, V: 0.1},
		&circuit.Resistor{Name: "R4", Nodes: [2]string{"f", "0"}, G: 1e-3},
		&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "b"}, C: 1e-12},
	)
	if controlled {
		c.Groups = append(c.Groups, circuit.Group{Name: "ha", Size: 3})
		c.Add(
			&circuit.Amplifier{Name: "A1", From: []string{"h[0]", "h[1]", "h[2]"}, To: []string{"ha[0]", "ha[1]", "ha[2]"}, Gain: 3},
			&circuit.Crossbar{Name: "W3", From: []string{"ha[0]", "ha[1]", "ha[2]"}, To: []string{"o[1]"}, G: randMat(rng, 3, 1)},
			&circuit.VCVS{Name: "E1", Nodes: [2]string{"e", "0"}, Control: [2]string{"a", "b"}, Gain: 2},
			&circuit.Resistor{Name: "R5", Nodes: [2]string{"e", "o[1]"}, G: 1e-4},
			&circuit.CCCS{Name: "F1", Nodes: [2]string{"a", "0"}, Control: "Vf", Gain: 0.5},
		)
	}
	return c
}

func randMat(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			m.Set(i, j, 1e-5*(0.1+rng.Float64()))
		}
	}
	return m
}

func randX(rng *rand.Rand, s *System) []float64 {
	x := make([]float64, s.Size())
	for i := range x {
		if i < s.NumFree() {
			x[i] = 0.8 * (rng.Float64() - 0.5)
		} else {
			x[i] = 1e-5 * (rng.Float64() - 0.5)
		}
	}
	return x
}

// TestJacobianFiniteDifference checks the analytic Jacobian of every
// element kind against central differences of the residual.
func TestJacobianFiniteDifference(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		s, err := Compile(randomCircuit(rng, seed%2 == 0))
		if err != nil {
			t.Fatal(err)
		}
		checkJacobian(t, s, randX(rng, s), seed)
	}
}

// TestCoContentGradient checks that the KCL residual is the gradient of the
// co-content, the property that makes the equilibrium a minimum.
func TestCoContentGradient(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 2))
		c := randomCircuit(rng, false)
		// Drop the floating source: the co-content is defined on node voltages only.
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		x := randX(rng, s)
		nf := s.NumFree()
		f := make([]float64, s.Size())
		s.Eval(f, nil, x, nil)
		grad := make([]float64, nf)
		fd.Gradient(grad, func(v []float64) float64 {
			y := append(append([]float64(nil), v...), x[nf:]...)
			e, ok := s.CoContent(y)
			if !ok {
				t.Fatal("no co-content for a reciprocal circuit")
			}
			return e
		}, x[:nf], &fd.Settings{Formula: fd.Central, Step: 1e-6})
		// The residual of node rows also holds branch currents of floating
		// sources, which the co-content does not: remove them.
		nodeOfVf := []string{"b", "f"}
		ib := x[s.Unknown("Vf")]
		for k := range nf {
			want := f[k]
			switch s.UnknownName(k) {
			case nodeOfVf[0]:
				want -= ib
			case nodeOfVf[1]:
				want += ib
			}
			if math.Abs(grad[k]-want) > 1e-7*math.Abs(want)+1e-13 {
				t.Fatalf("seed %d node %s: dE/dV = %g, residual %g", seed, s.UnknownName(k), grad[k], want)
			}
		}
	}
	s, _ := Compile(randomCircuit(rand.New(rand.NewPCG(1, 1)), true))
	if _, ok := s.CoContent(make([]float64, s.Size())); ok {
		t.Error("a circuit with controlled sources reported a co-content")
	}
}

func TestPinnedNodes(t *testing.T) {
	c := randomCircuit(rand.New(rand.NewPCG(3, 3)), false)
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	v := s.VoltagesTo(nil, make([]float64, s.Size()))
	in := c.Element("x").(*circuit.Input)
	want := map[string]float64{"hi": 0.3, "lo": -0.3, "c2": 0.5, "x[1]": in.Values[1], "x[3]": -in.Values[1]}
	for name, w := range want {
		i, _ := s.NodeIndex(name)
		if !s.IsPinned(i) || v[i] != w {
			t.Errorf("node %s: pinned %v, %g V, want %g V", name, s.IsPinned(i), v[i], w)
		}
	}
	if s.Unknown("Vf") < 0 {
		t.Error("floating source Vf has no branch current")
	}
	in.Values[1] = 0.25
	s.UpdatePins()
	v = s.VoltagesTo(v, make([]float64, s.Size()))
	if i, _ := s.NodeIndex("x[3]"); v[i] != -0.25 {
		t.Errorf("after UpdatePins x[3] = %g, want -0.25", v[i])
	}
}

func TestCompileErrors(t *testing.T) {
	r := func(name, a, b string) *circuit.Resistor {
		return &circuit.Resistor{Name: name, Nodes: [2]string{a, b}, G: 1}
	}
	v := func(name, a, b string) *circuit.VSource {
		return &circuit.VSource{Name: name, Nodes: [2]string{a, b}, V: 1}
	}
	for _, tc := range []struct {
		name string
		els  []circuit.Element
		want string
	}{
		{"empty", nil, "no elements"},
		{"loop", []circuit.Element{v("V1", "a", "0"), v("V2", "a", "b"), v("V3", "b", "0")}, `"V3": closes a loop`},
		{"short", []circuit.Element{v("V1", "a", "a"), r("R", "a", "0")}, `"V1": voltage source shorted`},
		{"floating", []circuit.Element{r("R1", "a", "0"), r("R2", "b", "c"), &circuit.ISource{Name: "I", Nodes: [2]string{"c", "0"}, I: 1}}, "no DC path to ground from nodes: b, c"},
		{"cap only", []circuit.Element{r("R1", "a", "0"), &circuit.Capacitor{Name: "C", Nodes: [2]string{"a", "b"}, C: 1}}, "no DC path to ground from nodes: b"},
		{"cccs control", []circuit.Element{r("R1", "a", "0"), &circuit.CCCS{Name: "F1", Nodes: [2]string{"a", "0"}, Control: "R1", Gain: 1}}, `"F1": control "R1" is not a voltage source`},
		{"dup", []circuit.Element{r("R1", "a", "0"), r("R1", "a", "0")}, `"R1": duplicate`},
		{"empty node", []circuit.Element{r("R1", "", "0")}, `"R1": empty node name`},
		{"crossbar size", []circuit.Element{&circuit.Crossbar{Name: "W", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(2, 1, nil)}}, `"W": conductance matrix is 2x1, want 1x1`},
	} {
		_, err := Compile(&circuit.Circuit{Elements: tc.els})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// checkJacobian compares the Jacobian of s at x with central finite
// differences of its residual.
func checkJacobian(t *testing.T, s *System, x []float64, seed uint64) {
	t.Helper()
	n := s.Size()
	jac := mat.NewDense(n, n, nil)
	s.Eval(make([]float64, n), jac, x, nil)
	num := mat.NewDense(n, n, nil)
	fd.Jacobian(num, func(y, x []float64) { s.Eval(y, nil, x, nil) }, x, &fd.JacobianSettings{Formula: fd.Central})
	for i := range n {
		for j := range n {
			a, b := jac.At(i, j), num.At(i, j)
			if math.Abs(a-b) > 1e-6*math.Max(1e-6, math.Abs(a)) {
				t.Fatalf("seed %d: J[%s][%s] = %g, finite differences %g", seed, s.UnknownName(i), s.UnknownName(j), a, b)
			}
		}
	}
}
