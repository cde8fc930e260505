package solver

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"
)

// kT300 is kT at 300 K, joules.
const kT300 = circuit.Boltzmann * 300

// transientFunc is a transient solver: Transient, or a Layered's.
type transientFunc func(x0 []float64, set *TransientSettings) (Result, error)

// noiseRun integrates sys with thermal noise from its equilibrium in steps
// of h: burn steps, then k groups of every steps. It returns the free node
// voltages at the end of every group (k rows) and their trapezoidal means
// over every group, by the solver solve.
func noiseRun(t *testing.T, sys *mna.System, solve transientFunc, h float64, burn, k, every int, seed uint64) (samples, means *mat.Dense) {
	t.Helper()
	dc, err := Auto(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	nf := sys.NumFree()
	samples, means = mat.NewDense(k, nf, nil), mat.NewDense(k, nf, nil)
	step := 0
	prev := make([]float64, nf)
	sum := make([]float64, nf)
	obs := func(_ float64, x []float64) {
		if step > burn {
			g := (step - burn - 1) / every
			for i := range nf {
				sum[i] += (prev[i] + x[i]) / 2
			}
			if (step-burn)%every == 0 {
				for i := range nf {
					samples.Set(g, i, x[i])
					means.Set(g, i, sum[i]/float64(every))
				}
				clear(sum)
			}
		}
		copy(prev, x[:nf])
		step++
	}
	set := &TransientSettings{Noise: NoiseOn, Seed: seed, NoiseStep: h, StopTime: float64(burn+k*every) * h, Observe: obs}
	r, err := solve(dc.X, set)
	if err != nil {
		t.Fatal(err)
	}
	if r.Steps != burn+k*every {
		t.Fatalf("%d steps, want %d", r.Steps, burn+k*every)
	}
	return samples, means
}

// covariance returns the sample covariance of the rows of s.
func covariance(s *mat.Dense) *mat.SymDense {
	var c mat.SymDense
	statCovariance(&c, s)
	return &c
}

func statCovariance(dst *mat.SymDense, s *mat.Dense) {
	r, c := s.Dims()
	mean := make([]float64, c)
	for i := range r {
		for j := range c {
			mean[j] += s.At(i, j) / float64(r)
		}
	}
	dst.ReuseAsSym(c)
	for a := range c {
		for b := a; b < c; b++ {
			var v float64
			for i := range r {
				v += (s.At(i, a) - mean[a]) * (s.At(i, b) - mean[b])
			}
			dst.SetSym(a, b, v/float64(r-1))
		}
	}
}

// checkCovariance compares a sample covariance of k independent samples
// with want, entry by entry, within four standard errors: the sample
// covariance of Gaussian samples has the variance (Σii Σjj + Σij²)/k.
func checkCovariance(t *testing.T, what string, nodes []string, got, want mat.Symmetric, k int) {
	t.Helper()
	n := want.SymmetricDim()
	for i := range n {
		for j := i; j < n; j++ {
			se := math.Sqrt((want.At(i, i)*want.At(j, j) + want.At(i, j)*want.At(i, j)) / float64(k))
			if d := got.At(i, j) - want.At(i, j); !(math.Abs(d) <= 4*se) {
				t.Errorf("%s: cov(%s, %s) = %.4g V², want %.4g V² (off by %.1f standard errors of %.3g)", what, nodes[i], nodes[j], got.At(i, j), want.At(i, j), d/se, se)
			}
		}
	}
}

// TestLangevinEquipartition checks that a node of capacitance C to a
// source through a resistance has the variance kT/C whatever the
// resistance (1 kOhm, 1 MOhm, 1 GOhm: time constants 2 ns to 2 ms), on the
// dense path and, for a network of one node, the layered one. 4000
// samples 3 time constants apart (correlation e^-3 = 0.05, so nearly
// independent) estimate the variance within a standard error of
// sqrt(2/4000) = 2.2%; the tolerance is four of them, 9%, so a noise
// amplitude 10% off (21% in variance) fails.
func TestLangevinEquipartition(t *testing.T) {
	const c, k = 2e-12, 4000
	want := mat.NewSymDense(1, []float64{kT300 / c})
	for _, r := range []float64{1e3, 1e6, 1e9} {
		ckt := &circuit.Circuit{Temp: 300}
		ckt.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 0.5},
			&circuit.Resistor{Name: "R", Nodes: [2]string{"in", "a"}, G: 1 / r},
			&circuit.Capacitor{Name: "C", Nodes: [2]string{"a", "0"}, C: c})
		sys := compile(t, ckt)
		tau := r * c
		s, _ := noiseRun(t, sys, func(x0 []float64, set *TransientSettings) (Result, error) { return Transient(sys, x0, set) },
			tau/2, 20, k, 6, uint64(r))
		checkCovariance(t, "dense, R = "+fmtOhm(r), []string{"a"}, covariance(s), want, k)
	}
	// One node of a layered network: a crossbar from an input to it.
	ckt := &circuit.Circuit{Temp: 300, NodeCapacitance: c, Groups: []circuit.Group{{Name: "h", Size: 1}}}
	ckt.Add(&circuit.Input{Name: "x", Nodes: []string{"x[0]"}, Amplitude: 1, Values: []float64{0.3}},
		&circuit.Crossbar{Name: "W", From: []string{"x[0]"}, To: []string{"h[0]"}, G: mat.NewDense(1, 1, []float64{1e-4})})
	sys := compile(t, ckt)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	tau := c / 1e-4
	s, _ := noiseRun(t, sys, l.Transient, tau/2, 20, k, 6, 5)
	checkCovariance(t, "layered", []string{"h[0]"}, covariance(s), want, k)
}

func fmtOhm(r float64) string {
	switch {
	case r >= 1e9:
		return "1 GOhm"
	case r >= 1e6:
		return "1 MOhm"
	}
	return "1 kOhm"
}

// TestLangevinNetworkCovariance checks that the node voltages of an RC
// network with a capacitor between its two nodes have the covariance
// kT·C⁻¹: C = [[1.5, -0.5], [-0.5, 0.5]] pF, kT·C⁻¹ = kT·[[1, 1], [1, 3]]
// per pF (correlation 0.58), whatever the resistors. The modes' time
// constants are 1 and 0.5 ns; 4000 samples 3 ns apart are nearly
// independent (as in TestLangevinEquipartition), and each entry must lie
// within four standard errors.
func TestLangevinNetworkCovariance(t *testing.T) {
	const k = 4000
	ckt := &circuit.Circuit{Temp: 300}
	ckt.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"in", "0"}, V: 1},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "b"}, G: 0.5e-3},
		&circuit.Resistor{Name: "R3", Nodes: [2]string{"b", "0"}, G: 1.0 / 3e3},
		&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "0"}, C: 1e-12},
		&circuit.Capacitor{Name: "C12", Nodes: [2]string{"a", "b"}, C: 0.5e-12})
	sys := compile(t, ckt)
	s, _ := noiseRun(t, sys, func(x0 []float64, set *TransientSettings) (Result, error) { return Transient(sys, x0, set) },
		0.25e-9, 40, k, 12, 3)
	want := mat.NewSymDense(2, []float64{1, 1, 1, 3})
	want.ScaleSym(kT300/1e-12, want)
	checkCovariance(t, "RC network", []string{"a", "b"}, covariance(s), want, k)
}

// windowNet is a layered network of 2 inputs, 3 hidden and 2 output nodes
// with loads, 1 pF on every node, and its conductance matrix over the free
// nodes (hidden then outputs), built from its conductances.
func windowNet() (*circuit.Circuit, *mat.SymDense) {
	w1 := mat.NewDense(2, 3, []float64{10e-6, 20e-6, 5e-6, 15e-6, 3e-6, 25e-6})
	w2 := mat.NewDense(3, 2, []float64{8e-6, 2e-6, 4e-6, 12e-6, 6e-6, 9e-6})
	loads := []float64{20e-6, 30e-6}
	c := &circuit.Circuit{Temp: 300, Groups: []circuit.Group{{Name: "h", Size: 3}, {Name: "o", Size: 2}}}
	c.Add(&circuit.Input{Name: "x", Nodes: []string{"x[0]", "x[1]"}, Amplitude: 1, Values: []float64{0.7, -0.4}},
		&circuit.Crossbar{Name: "W1", From: []string{"x[0]", "x[1]"}, To: c.Groups[0].Nodes(), G: w1},
		&circuit.Crossbar{Name: "W2", From: c.Groups[0].Nodes(), To: c.Groups[1].Nodes(), G: w2},
		&circuit.Resistor{Name: "L0", Nodes: [2]string{"o[0]", "0"}, G: loads[0]},
		&circuit.Resistor{Name: "L1", Nodes: [2]string{"o[1]", "0"}, G: loads[1]})
	g := mat.NewSymDense(5, nil)
	for j := range 3 {
		g.SetSym(j, j, g.At(j, j)+w1.At(0, j)+w1.At(1, j))
		for o := range 2 {
			g.SetSym(j, j, g.At(j, j)+w2.At(j, o))
			g.SetSym(3+o, 3+o, g.At(3+o, 3+o)+w2.At(j, o))
			g.SetSym(j, 3+o, -w2.At(j, o))
		}
	}
	for o, l := range loads {
		g.SetSym(3+o, 3+o, g.At(3+o, 3+o)+l)
	}
	return c, g
}

// TestLangevinWindowMean checks that the mean of each node voltage over a
// window T much longer than the time constants has the variance
// 2kT·(G⁻¹)ᵢᵢ/T, on the dense and the layered path. T is 100 times the
// slowest time constant, so the closed form, the limit for long windows,
// is 1% high at most (the next term is -O(tau/T)). 3000 consecutive
// windows (adjacent means correlate by O(tau/T)) estimate each variance
// within a standard error of sqrt(2/3000) = 2.6%; the tolerance is four
// of them plus the 1%, 11%, so a noise amplitude 10% off (21% in
// variance) fails. The step is the fastest time constant: the midpoint
// rule keeps the window mean's zero-frequency limit exact at any step.
func TestLangevinWindowMean(t *testing.T) {
	const k, every = 3000, 40
	c, g := windowNet()
	var eig mat.EigenSym
	eig.Factorize(g, false)
	ev := eig.Values(nil)
	tauSlow, tauFast := 1e-12/ev[0], 1e-12/ev[len(ev)-1]
	T := 100 * tauSlow
	h := T / every
	t.Logf("time constants %.3g to %.3g s, window %.3g s, step %.3g s", tauFast, tauSlow, T, h)
	var ginv mat.Dense
	if err := ginv.Inverse(g); err != nil {
		t.Fatal(err)
	}
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name  string
		solve transientFunc
	}{
		{"dense", func(x0 []float64, set *TransientSettings) (Result, error) { return Transient(sys, x0, set) }},
		{"layered", l.Transient},
	} {
		_, means := noiseRun(t, sys, p.solve, h, int(10*tauSlow/h)+1, k, every, 11)
		cov := covariance(means)
		for i := range 5 {
			want := 2 * kT300 * ginv.At(i, i) / T
			got := cov.At(i, i)
			se := math.Sqrt(2.0 / k)
			if d := got/want - 1; !(math.Abs(d) <= 4*se+0.01) {
				t.Errorf("%s: node %s: variance of the mean %.4g V², want %.4g V² (%+.1f%%, tolerance %.1f%%)",
					p.name, sys.UnknownName(i), got, want, 100*d, 100*(4*se+0.01))
			}
		}
	}
}
