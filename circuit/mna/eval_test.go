package mna

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// randomCircuit draws with circuittest.Random a circuit of every element
// kind: the block network and two stages of element cards, with the
// nonidealities nl. With controlled it has the amplifier, VCVS and CCCS
// (which may sense a VCVS); without, it has a co-content.
func randomCircuit(rng *rand.Rand, controlled bool, nl circuittest.Nonideal) *circuit.Circuit {
	return circuittest.Random(rng, circuittest.RandomOptions{Stages: 2, Controlled: controlled, SenseVCVS: controlled, Blocks: true, Nonideal: nl})
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
	return circuittest.RandomUnknowns(rng, s.Size(), s.NumFree())
}

// TestJacobianFiniteDifference checks the analytic Jacobian of every
// element kind against central differences of the residual.
func TestJacobianFiniteDifference(t *testing.T) {
	kinds := map[string]int{}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		c := randomCircuit(rng, seed%2 == 0, circuittest.Nonideal{})
		countKinds(kinds, c)
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		checkJacobian(t, s, randX(rng, s), seed)
	}
	checkKinds(t, kinds, 5)
}

// countKinds counts the elements of c by kind.
func countKinds(kinds map[string]int, c *circuit.Circuit) {
	for _, e := range c.Elements {
		kinds[e.Kind().Name]++
	}
}

// checkKinds fails unless every element kind was seen at least min times.
func checkKinds(t *testing.T, kinds map[string]int, min int) {
	t.Helper()
	for _, k := range circuit.Kinds() {
		if kinds[k.Name] < min {
			t.Errorf("%d elements of kind %s, want %d or more: %v", kinds[k.Name], k.Name, min, kinds)
		}
	}
}

// TestCoContentGradient checks that the KCL residual is the gradient of the
// co-content, the property that makes the equilibrium a minimum.
func TestCoContentGradient(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 2))
		c := randomCircuit(rng, false, circuittest.Nonideal{})
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		checkCoContentGradient(t, c, s, randX(rng, s), seed)
	}
	s, _ := Compile(randomCircuit(rand.New(rand.NewPCG(1, 1)), true, circuittest.Nonideal{}))
	if _, ok := s.CoContent(make([]float64, s.Size())); ok {
		t.Error("a circuit with controlled sources reported a co-content")
	}
}

// checkCoContentGradient compares the residual of the node rows of s at x
// with central differences of its co-content.
func checkCoContentGradient(t *testing.T, c *circuit.Circuit, s *System, x []float64, seed uint64) {
	t.Helper()
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
	// The co-content sums the energies of the elements, each at most
	// its current times the voltages across it: with S the sum of the
	// node rows' current scales and V the largest node voltage, the
	// differences are good to about eps*S*V/1e-6 amperes.
	fs, us, rs := make([]float64, s.Size()), make([]float64, s.Size()), make([]float64, s.Size())
	s.ScalesTo(fs, us, rs, x, nil)
	var scale, vmax float64
	for k := range nf {
		scale += fs[k]
	}
	for _, v := range s.VoltagesTo(nil, x) {
		vmax = math.Max(vmax, math.Abs(v))
	}
	round := 4 * eps * scale * vmax / 1e-6
	// The residual of node rows also holds the branch currents of
	// floating sources, which the co-content does not: remove them.
	want := f[:nf]
	for k := nf; k < s.Size(); k++ {
		v := c.Element(s.UnknownName(k)).(*circuit.VSource)
		for side, n := range v.Nodes {
			if u := s.Unknown(n); u >= 0 && u < nf {
				want[u] -= float64(1-2*side) * x[k]
			}
		}
	}
	for k := range nf {
		if math.Abs(grad[k]-want[k]) > 1e-7*math.Abs(want[k])+1e-13+round {
			t.Fatalf("seed %d node %s: dE/dV = %g, residual %g", seed, s.UnknownName(k), grad[k], want[k])
		}
	}
}

// TestPinnedNodes checks the voltages of nodes pinned by grounded
// sources, by a chain of sources and by a differential input, and that a
// floating source keeps its branch current.
func TestPinnedNodes(t *testing.T) {
	c := &circuit.Circuit{}
	in := &circuit.Input{Name: "x", Nodes: []string{"x[0]", "x[1]", "x[2]", "x[3]"}, Differential: true, Amplitude: 1, Values: []float64{0.7, 0.4}}
	c.Add(
		&circuit.VSource{Name: "Vhi", Nodes: [2]string{"hi", "0"}, V: 0.3},
		&circuit.VSource{Name: "Vlo", Nodes: [2]string{"lo", "gnd"}, V: -0.3},
		&circuit.VSource{Name: "Vchain", Nodes: [2]string{"c2", "hi"}, V: 0.2},
		in,
		&circuit.Crossbar{Name: "W", From: in.Nodes, To: []string{"a"}, G: mat.NewDense(4, 1, []float64{1, 2, 3, 4})},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"a", "c2"}, G: 1},
		&circuit.VSource{Name: "Vf", Nodes: [2]string{"a", "f"}, V: 0.1},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"f", "lo"}, G: 1},
	)
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	v := s.VoltagesTo(nil, make([]float64, s.Size()))
	want := map[string]float64{"hi": 0.3, "lo": -0.3, "c2": 0.5, "x[1]": 0.4, "x[3]": -0.4}
	for name, w := range want {
		i, _ := s.NodeIndex(name)
		if !s.IsPinned(i) || v[i] != w {
			t.Errorf("node %s: pinned %v, %g V, want %g V", name, s.IsPinned(i), v[i], w)
		}
	}
	for _, name := range []string{"a", "f"} {
		if i, _ := s.NodeIndex(name); s.IsPinned(i) {
			t.Errorf("node %s pinned", name)
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

// fdStep is the step in volts (amperes) of the central differences.
const fdStep = 6e-6

// checkJacobian compares the Jacobian of s at x with central finite
// differences of its residual. An entry may differ by 1e-6 of itself
// (1e-12 at least) plus the rounding error of the differences,
// 4*eps*S/fdStep with S the row's rounding scale (System.ScalesTo): at a
// random point a diode from a node pinned at volts carries amperes, and
// the currents of a row are then known to eps of that, not of the entry.
func checkJacobian(t *testing.T, s *System, x []float64, seed uint64) {
	t.Helper()
	n := s.Size()
	jac := mat.NewDense(n, n, nil)
	s.Eval(make([]float64, n), jac, x, nil)
	num := mat.NewDense(n, n, nil)
	fd.Jacobian(num, func(y, x []float64) { s.Eval(y, nil, x, nil) }, x, &fd.JacobianSettings{Formula: fd.Central, Step: fdStep})
	fs, us, rs := make([]float64, n), make([]float64, n), make([]float64, n)
	s.ScalesTo(fs, us, rs, x, nil)
	for i := range n {
		for j := range n {
			a, b := jac.At(i, j), num.At(i, j)
			if math.Abs(a-b) > 1e-6*math.Max(1e-6, math.Abs(a))+4*eps*fs[i]/fdStep {
				t.Fatalf("seed %d: J[%s][%s] = %g, finite differences %g", seed, s.UnknownName(i), s.UnknownName(j), a, b)
			}
		}
	}
}

// eps is the float64 machine epsilon.
const eps = 0x1p-52
