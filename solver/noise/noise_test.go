package noise

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"

	"gonum.org/v1/gonum/mat"
)

const kT = circuit.Boltzmann * 300

func compile(t *testing.T, c *circuit.Circuit) *mna.System {
	t.Helper()
	s, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func equilibrium(t *testing.T, sys *mna.System) []float64 {
	t.Helper()
	r, err := solver.Auto(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.X
}

// TestLyapunovKronecker checks Lyapunov on random stable matrices, not
// normal, against the solution of the same equation written as one linear
// system in the n² entries of X (I⊗A + A⊗I) vec X = -vec Q, and that it
// refuses an unstable matrix.
func TestLyapunovKronecker(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 3, 6} {
		a := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				a.Set(i, j, rng.NormFloat64())
			}
			// Stiff: rows from 1 to 1e4 per second.
			a.Set(i, i, a.At(i, i)-float64(n)-2)
			for j := range n {
				a.Set(i, j, a.At(i, j)*math.Pow(10, float64(4*i)/float64(n)))
			}
		}
		b := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				b.Set(i, j, rng.NormFloat64())
			}
		}
		q := mat.NewSymDense(n, nil)
		q.SymOuterK(1, b)
		x, ainv, err := Lyapunov(a, q)
		if err != nil {
			t.Fatalf("n = %d: %v", n, err)
		}
		k := mat.NewDense(n*n, n*n, nil)
		for i := range n {
			for j := range n {
				for l := range n {
					// (A X)_ij = sum_l A_il X_lj; (X Aᵀ)_ij = sum_l X_il A_jl.
					k.Set(i*n+j, l*n+j, k.At(i*n+j, l*n+j)+a.At(i, l))
					k.Set(i*n+j, i*n+l, k.At(i*n+j, i*n+l)+a.At(j, l))
				}
			}
		}
		rhs := mat.NewVecDense(n*n, nil)
		for i := range n {
			for j := range n {
				rhs.SetVec(i*n+j, -q.At(i, j))
			}
		}
		var want mat.VecDense
		if err := want.SolveVec(k, rhs); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			for j := range n {
				w := want.AtVec(i*n + j)
				if d := math.Abs(x.At(i, j) - w); d > 1e-9*math.Abs(w)+1e-12*mat.Norm(x, math.Inf(1)) {
					t.Errorf("n = %d: X[%d][%d] = %.12g, Kronecker %.12g", n, i, j, x.At(i, j), w)
				}
			}
		}
		var id mat.Dense
		id.Mul(a, ainv)
		for i := range n {
			id.Set(i, i, id.At(i, i)-1)
		}
		if e := mat.Norm(&id, math.Inf(1)); e > 1e-10 {
			t.Errorf("n = %d: A A⁻¹ - I = %.3g", n, e)
		}
		a.Scale(-1, a)
		if _, _, err := Lyapunov(a, q); err == nil {
			t.Errorf("n = %d: no error for an unstable matrix", n)
		}
	}
}

// TestLinearizeClosedForms checks the linearised model against closed
// forms: two nodes tied by a floating voltage source share kT/(Ca + Cb)
// (the branch equation leaves one voltage); a capacitor between two nodes
// gives kT·C⁻¹; a node of capacitance C through a conductance G has the
// window-mean variance 2(kT/C)(tau/T)(1 - tau/T (1 - e^(-T/tau))), tau =
// C/G, at windows from 1% of tau (the series) to 100 tau; a resistive
// network's zero-frequency density is 2kT G⁻¹; equipartition holds with
// an amplifier in the circuit as long as no noise reaches the nodes it
// couples (see TestLinearAgreesWithLangevin for the rest).
func TestLinearizeClosedForms(t *testing.T) {
	check := func(what string, got, want float64) {
		t.Helper()
		if d := math.Abs(got/want - 1); !(d < 1e-9) {
			t.Errorf("%s: %.12g, want %.12g", what, got, want)
		}
	}
	// A floating source between a and b.
	c := &circuit.Circuit{Temp: 300}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
		&circuit.VSource{Name: "Vab", Nodes: [2]string{"b", "a"}, V: 0.3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"b", "0"}, G: 3e-4},
		&circuit.Capacitor{Name: "Ca", Nodes: [2]string{"a", "0"}, C: 1e-12},
		&circuit.Capacitor{Name: "Cb", Nodes: [2]string{"b", "0"}, C: 2e-12})
	sys := compile(t, c)
	m, err := Linearize(sys, equilibrium(t, sys))
	if err != nil {
		t.Fatal(err)
	}
	var cov mat.SymDense
	m.CovarianceTo(&cov)
	a, b := sys.Unknown("a"), sys.Unknown("b")
	check("floating source: var a", cov.At(a, a), kT/3e-12)
	check("floating source: var b", cov.At(b, b), kT/3e-12)
	check("floating source: cov", cov.At(a, b), kT/3e-12)
	slow, fast := m.TimeConstants()
	check("floating source: time constant", slow, 3e-12/1.3e-3)
	check("floating source: fastest", fast, slow)

	// A capacitor between two nodes.
	c = &circuit.Circuit{Temp: 300}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "b"}, G: 0.5e-3},
		&circuit.Resistor{Name: "R3", Nodes: [2]string{"b", "0"}, G: 1.0 / 3e3},
		&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "0"}, C: 1e-12},
		&circuit.Capacitor{Name: "C12", Nodes: [2]string{"a", "b"}, C: 0.5e-12})
	sys = compile(t, c)
	if m, err = Linearize(sys, equilibrium(t, sys)); err != nil {
		t.Fatal(err)
	}
	m.CovarianceTo(&cov)
	a, b = sys.Unknown("a"), sys.Unknown("b")
	check("floating capacitor: var a", cov.At(a, a), kT/1e-12)
	check("floating capacitor: var b", cov.At(b, b), 3*kT/1e-12)
	check("floating capacitor: cov", cov.At(a, b), kT/1e-12)

	// One node: the window mean.
	const cn, g = 2e-12, 1e-5
	c = &circuit.Circuit{Temp: 300, NodeCapacitance: cn}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R", Nodes: [2]string{"in", "a"}, G: g})
	sys = compile(t, c)
	if m, err = Linearize(sys, equilibrium(t, sys)); err != nil {
		t.Fatal(err)
	}
	tau := cn / g
	for _, r := range []float64{0.01, 0.5, 0.999, 1.001, 3, 100} {
		T := r * tau
		m.WindowCovarianceTo(&cov, T)
		want := 2 * kT / cn * tau / T * (1 - tau/T*(-math.Expm1(-T/tau)))
		if d := math.Abs(cov.At(0, 0)/want - 1); !(d < 1e-9) {
			t.Errorf("window %g tau: variance of the mean %.12g, want %.12g", r, cov.At(0, 0), want)
		}
	}

	// A resistive network: the zero-frequency limit.
	c, gm := windowNet(0)
	sys = compile(t, c)
	if m, err = Linearize(sys, equilibrium(t, sys)); err != nil {
		t.Fatal(err)
	}
	var ginv mat.Dense
	if err := ginv.Inverse(gm); err != nil {
		t.Fatal(err)
	}
	var zf, long mat.SymDense
	m.ZeroFrequencyTo(&zf)
	slow, _ = m.TimeConstants()
	T := 1e4 * slow
	m.WindowCovarianceTo(&long, T)
	m.CovarianceTo(&cov)
	for i := range 5 {
		for j := range 5 {
			w := 2 * kT * ginv.At(i, j)
			if d := math.Abs(zf.At(i, j) - w); d > 1e-9*w {
				t.Errorf("network: zero-frequency density [%d][%d] %.12g V²/Hz, want 2kT(G⁻¹) = %.12g", i, j, zf.At(i, j), w)
			}
			if d := math.Abs(long.At(i, j)*T - w); d > 3e-4*w {
				t.Errorf("network: window of 1e4 time constants: T*cov [%d][%d] %.12g, want %.12g", i, j, long.At(i, j)*T, w)
			}
			if want := kT / 1e-12 * b2f(i == j); math.Abs(cov.At(i, j)-want) > 1e-9*kT/1e-12 {
				t.Errorf("network: cov [%d][%d] %.12g, want kT/C = %.12g", i, j, cov.At(i, j), want)
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// windowNet is a layered network of 2 inputs, 3 hidden and 2 output nodes
// with loads, 1 pF on every node, and its conductance matrix over the free
// nodes (hidden then outputs). With gain > 0 the hidden nodes drive the
// second crossbar through an amplifier of that gain, and a rectifier to
// rails at +-0.15 V conducts on the hidden nodes.
func windowNet(gain float64) (*circuit.Circuit, *mat.SymDense) {
	w1 := mat.NewDense(2, 3, []float64{10e-6, 20e-6, 5e-6, 15e-6, 3e-6, 25e-6})
	w2 := mat.NewDense(3, 2, []float64{8e-6, 2e-6, 4e-6, 12e-6, 6e-6, 9e-6})
	loads := []float64{20e-6, 30e-6}
	c := &circuit.Circuit{Temp: 300, Groups: []circuit.Group{{Name: "h", Size: 3}, {Name: "o", Size: 2}}}
	h, o := c.Groups[0].Nodes(), c.Groups[1].Nodes()
	c.Add(&circuit.Input{Name: "x", Nodes: []string{"x[0]", "x[1]"}, Amplitude: 1, Values: []float64{0.7, -0.4}},
		&circuit.Crossbar{Name: "W1", From: []string{"x[0]", "x[1]"}, To: h, G: w1})
	from := h
	if gain > 0 {
		c.Groups = append(c.Groups, circuit.Group{Name: "ha", Size: 3})
		from = c.Groups[2].Nodes()
		c.Add(&circuit.VSource{Name: "Vhi", Nodes: [2]string{"hi", "0"}, V: 0.15},
			&circuit.VSource{Name: "Vlo", Nodes: [2]string{"lo", "0"}, V: -0.15},
			&circuit.Rectifier{Name: "RH", Nodes: h, Model: circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1}, High: "hi", Low: "lo"},
			&circuit.Amplifier{Name: "A", From: h, To: from, Gain: gain})
	}
	c.Add(&circuit.Crossbar{Name: "W2", From: from, To: o, G: w2},
		&circuit.Resistor{Name: "L0", Nodes: [2]string{"o[0]", "0"}, G: loads[0]},
		&circuit.Resistor{Name: "L1", Nodes: [2]string{"o[1]", "0"}, G: loads[1]})
	g := mat.NewSymDense(5, nil)
	for j := range 3 {
		g.SetSym(j, j, g.At(j, j)+w1.At(0, j)+w1.At(1, j))
		for k := range 2 {
			g.SetSym(j, j, g.At(j, j)+w2.At(j, k))
			g.SetSym(3+k, 3+k, g.At(3+k, 3+k)+w2.At(j, k))
			g.SetSym(j, 3+k, -w2.At(j, k))
		}
	}
	for k, l := range loads {
		g.SetSym(3+k, 3+k, g.At(3+k, 3+k)+l)
	}
	return c, g
}

// TestLinearAgreesWithLangevin checks the linearised model against
// Langevin transients, on a network where nothing is in closed form: an
// amplifier of gain 2 (its branch equations reduce the voltages, and it
// is not reciprocal) and forward-biased rectifier diodes, whose shot noise
// is about half of 4kT times their conductance. Per free node, the
// standard deviation of the voltage (layered and dense path) and of its
// mean over 20 slowest time constants (layered path) from 2000 samples
// must lie within four standard errors of the model's, sqrt(1/(2*2000)) =
// 1.6% each, so 6.3%. The test also checks that the network is far from
// equipartition (kT/C on every node), so that it tests more than that.
func TestLinearAgreesWithLangevin(t *testing.T) {
	c, _ := windowNet(2)
	sys := compile(t, c)
	x := equilibrium(t, sys)
	m, err := Linearize(sys, x)
	if err != nil {
		t.Fatal(err)
	}
	slow, fast := m.TimeConstants()
	t.Logf("time constants %.3g to %.3g s", fast, slow)
	const k = 2000
	var off float64
	for _, tc := range []struct {
		name   string
		window float64
		dense  bool
	}{{"layered", 0, false}, {"dense", 0, true}, {"layered, window", 20 * slow, false}} {
		var want mat.SymDense
		m.WindowCovarianceTo(&want, tc.window)
		s, plan, err := Sample(sys, x, slow, fast, Sampling{Window: tc.window, Samples: k, Seed: 9, Dense: tc.dense})
		if err != nil {
			t.Fatal(err)
		}
		var got mat.SymDense
		sampleCovariance(&got, s)
		t.Logf("%s: %d steps of %.3g s", tc.name, plan.Steps(k), plan.Step)
		se := math.Sqrt(1.0 / (2 * k))
		for i := range sys.NumFree() {
			w, g := math.Sqrt(want.At(i, i)), math.Sqrt(got.At(i, i))
			if d := g/w - 1; !(math.Abs(d) <= 4*se) {
				t.Errorf("%s: node %s: std %.4g V, model %.4g V (%+.1f%%, tolerance %.1f%%)", tc.name, sys.UnknownName(i), g, w, 100*d, 400*se)
			}
			if tc.window == 0 {
				off = math.Max(off, math.Abs(w/math.Sqrt(kT/1e-12)-1))
			}
		}
	}
	if off < 0.05 {
		t.Errorf("every node within %.1f%% of equipartition", 100*off)
	}
}
