package solver

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
)

// benchWireR is the wire resistance per segment of the wired benchmark
// network, ohms.
const benchWireR = 1.0

// wiredNetwork returns benchNetwork(100) with wire resistance on W1: a
// 1568×100 crossbar with 313,600 internal nodes.
func wiredNetwork(tb testing.TB) (*mna.System, *circuit.Input, [][]float64) {
	_, _, samples := benchNetwork(tb, 100)
	c := circuittest.KendallNetwork(benchFeatures, 100, benchOutputs, 1)
	c.Element("W1").(*circuit.Crossbar).WireR = benchWireR
	sys, err := mna.Compile(c)
	if err != nil {
		tb.Fatal(err)
	}
	return sys, c.Element("in").(*circuit.Input), samples
}

// recurrentNetwork returns benchNetwork(100) with a lateral crossbar from
// the hidden group to itself, conductances uniform in [KendallGMin,
// KendallGMax]/10.
func recurrentNetwork(tb testing.TB) (*mna.System, *circuit.Input, [][]float64) {
	_, _, samples := benchNetwork(tb, 100)
	c := circuittest.KendallNetwork(benchFeatures, 100, benchOutputs, 1)
	rng := rand.New(rand.NewPCG(5, 5))
	g := mat.NewDense(100, 100, nil)
	for i := range 100 {
		for j := range 100 {
			g.Set(i, j, 0.1*(circuittest.KendallGMin+(circuittest.KendallGMax-circuittest.KendallGMin)*rng.Float64()))
		}
	}
	h := c.Element("W1").(*circuit.Crossbar).To
	c.Add(&circuit.Crossbar{Name: "L", From: h, To: h, G: g})
	sys, err := mna.Compile(c)
	if err != nil {
		tb.Fatal(err)
	}
	return sys, c.Element("in").(*circuit.Input), samples
}

// benchStructured runs the DC benchmarks (BenchmarkDC, BenchmarkDCCold)
// of the wired and recurrent networks: each iteration sets the next sample and solves, from the last
// solution (warm) or from 0 V, through a DC as a trainer holds it. The
// wired network's solve includes its 313,600 internal node voltages unless
// periphery is true (Settings.SkipInternal, as in training). The
// reduction of the wired crossbar (BenchmarkRefreshWired) is done before
// the timer starts.
func benchStructured(b *testing.B, warm bool) {
	for _, tc := range []struct {
		name      string
		make      func(testing.TB) (*mna.System, *circuit.Input, [][]float64)
		periphery bool
	}{
		{"wired784x100x10", wiredNetwork, false},
		{"wired784x100x10/periphery", wiredNetwork, true},
		{"recurrent784x100x10", recurrentNetwork, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			sys, in, samples := tc.make(b)
			d := NewDC(sys, &Settings{SkipInternal: tc.periphery})
			if l, why := d.Layered(); l == nil {
				b.Fatal(why)
			}
			x := make([]float64, sys.Size())
			var x0 []float64
			if warm {
				if _, err := d.SolveTo(x, nil); err != nil {
					b.Fatal(err)
				}
				x0 = x
			}
			iters, n := 0, 0
			c0 := procTime()
			for b.Loop() {
				copy(in.Values, samples[n%benchSamples])
				r, err := d.SolveTo(x, x0)
				if err != nil {
					b.Fatal(err)
				}
				iters += r.Iterations
				n++
			}
			b.ReportMetric(float64(procTime()-c0)/float64(n), "cpu-ns/op")
			b.ReportMetric(float64(iters)/float64(n), "newton/op")
		})
	}
}

// BenchmarkRefreshWired measures what training pays per change of W1's
// conductances in the wired network: the refactorization of its internal
// nodes and the Schur complement onto the hidden nodes. Every iteration
// changes one conductance (any change is a new matrix).
func BenchmarkRefreshWired(b *testing.B) {
	sys, _, _ := wiredNetwork(b)
	l, err := NewLayered(sys)
	if err != nil {
		b.Fatal(err)
	}
	g := sys.Circuit().Element("W1").(*circuit.Crossbar).G
	n := 0
	c0 := procTime()
	for b.Loop() {
		g.Set(n%1568, n%100, g.At(n%1568, n%100)*1.01)
		l.Refresh()
		n++
	}
	b.ReportMetric(float64(procTime()-c0)/float64(n), "cpu-ns/op")
}

// BenchmarkFirstSolveWired measures everything from the compiled wired
// network to its first equilibrium, internal nodes included: the layering,
// the ordering and first factorization of the internal nodes, the Schur
// complement, and a solve from 0 V.
func BenchmarkFirstSolveWired(b *testing.B) {
	sys, _, _ := wiredNetwork(b)
	n := 0
	c0 := procTime()
	for b.Loop() {
		if _, err := NewDC(sys, nil).Solve(nil); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(procTime()-c0)/float64(n), "cpu-ns/op")
}
