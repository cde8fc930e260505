package solver

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/eqsim/eqsim/circuit"
)

// benchSizes are the hidden-layer sizes of the Kendall-style benchmark
// networks, 784 features and 10 outputs each.
var benchSizes = []int{100, 500}

const (
	benchFeatures = 784
	benchOutputs  = 10
	benchSamples  = 16 // input samples the benchmarks cycle through
)

// benchNetwork returns the compiled Kendall-style network with the given
// hidden size, its input and benchSamples input samples
// (circuittest.KendallSample).
func benchNetwork(tb testing.TB, hidden int) (*mna.System, *circuit.Input, [][]float64) {
	c := circuittest.KendallNetwork(benchFeatures, hidden, benchOutputs, 1)
	sys, err := mna.Compile(c)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	samples := make([][]float64, benchSamples)
	for s := range samples {
		samples[s] = make([]float64, benchFeatures)
		circuittest.KendallSample(rng, samples[s])
	}
	return sys, c.Element("in").(*circuit.Input), samples
}

func benchName(hidden int) string {
	return fmt.Sprintf("%dx%dx%d", benchFeatures, hidden, benchOutputs)
}

// BenchmarkDC measures a free-phase DC solve of the Kendall-style network
// for a new input sample, warm-started from the previous sample's
// equilibrium as in training. Every iteration sets the next of 16 samples
// and solves to the full tolerances.
func BenchmarkDC(b *testing.B) { benchDC(b, true) }

// BenchmarkDCCold is BenchmarkDC with every solve started from 0 V.
func BenchmarkDCCold(b *testing.B) { benchDC(b, false) }

// benchDC solves the benchmark networks for sample after sample, from the
// previous equilibrium (warm) or from 0 V, and reports Newton iterations
// per solve.
func benchDC(b *testing.B, warm bool) {
	for _, h := range benchSizes {
		b.Run(benchName(h), func(b *testing.B) {
			sys, in, samples := benchNetwork(b, h)
			l, err := NewLayered(sys)
			if err != nil {
				b.Fatal(err)
			}
			x := make([]float64, sys.Size())
			var x0 []float64
			if warm {
				if _, err := l.SolveTo(x, nil); err != nil {
					b.Fatal(err)
				}
				x0 = x
			}
			iters, n := 0, 0
			for b.Loop() {
				copy(in.Values, samples[n%benchSamples])
				r, err := l.SolveTo(x, x0)
				if err != nil {
					b.Fatal(err)
				}
				iters += r.Iterations
				n++
			}
			b.ReportMetric(float64(iters)/float64(n), "newton/op")
		})
	}
	benchStructured(b, warm)
}

// BenchmarkTransient measures a full free-phase settle of the
// Kendall-style network from 0 V with its 1 pF node capacitances
// (circuit.DefaultNodeCapacitance), for a new input sample every
// iteration, by Layered.Transient with default settings (TR-BDF2), until
// the state meets the DC acceptance test. Compare it with BenchmarkDC in
// the same run: the ratio is the price of a phase in physical time.
func BenchmarkTransient(b *testing.B) {
	for _, h := range benchSizes {
		b.Run(benchName(h), func(b *testing.B) {
			sys, in, samples := benchNetwork(b, h)
			if c := sys.Circuit().Capacitance(); c != circuit.DefaultNodeCapacitance {
				b.Fatalf("node capacitance %g F", c)
			}
			l, err := NewLayered(sys)
			if err != nil {
				b.Fatal(err)
			}
			x := make([]float64, sys.Size())
			iters, steps, n := 0, 0, 0
			for b.Loop() {
				copy(in.Values, samples[n%benchSamples])
				r, err := l.TransientTo(x, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				iters += r.Iterations
				steps += r.Steps
				n++
			}
			b.ReportMetric(float64(iters)/float64(n), "newton/op")
			b.ReportMetric(float64(steps)/float64(n), "steps/op")
		})
	}
}

// BenchmarkFloor measures the least work any solver of the benchmark
// networks must do: one product of each conductance matrix with a vector,
// W1ᵀv (1568×hidden) and W2ᵀh (hidden×10), with gonum's BLAS.
func BenchmarkFloor(b *testing.B) {
	for _, h := range benchSizes {
		b.Run(benchName(h), func(b *testing.B) {
			sys, in, samples := benchNetwork(b, h)
			c := sys.Circuit()
			w1 := c.Element("W1").(*circuit.Crossbar).G.RawMatrix()
			w2 := c.Element("W2").(*circuit.Crossbar).G.RawMatrix()
			vs := make([][]float64, benchSamples)
			for s := range vs {
				copy(in.Values, samples[s])
				vs[s] = make([]float64, 2*benchFeatures)
				for k := range vs[s] {
					vs[s][k] = in.Voltage(k)
				}
			}
			hv := make([]float64, h)
			y := make([]float64, benchOutputs)
			n := 0
			for b.Loop() {
				blas64.Gemv(blas.Trans, 1, w1, vec(vs[n%benchSamples]), 0, vec(hv))
				blas64.Gemv(blas.Trans, 1, w2, vec(hv), 0, vec(y))
				n++
			}
		})
	}
}

// diodesOn returns, at the solution x of a benchmark network, whether each
// rectifier diode is on: its small-signal conductance at least that of the
// crossbars at its node, so that it carries most of any change of current.
func diodesOn(l *Layered, x []float64) []bool {
	lay := l.Layering()
	cond := lay.Conductance()
	on := make([]bool, len(lay.Junctions))
	cur, vj := make([]float64, len(cond)), make([]float64, len(on))
	lay.PinnedTo(cur, vj)
	for k := range lay.Junctions {
		j := &lay.Junctions[k]
		vd := x[j.Node] - vj[k]
		if !j.Anode {
			vd = -vd
		}
		_, g := j.Eval(vd)
		on[k] = g >= cond[j.Node]
	}
	return on
}

// TestBenchNetworks checks that the benchmark inputs switch a good share of
// the rectifier diodes on, and logs the share (go test -v -run
// BenchNetworks).
func TestBenchNetworks(t *testing.T) {
	for _, h := range benchSizes {
		sys, in, samples := benchNetwork(t, h)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, sys.Size())
		total, everOn, switching := 0, 0, 0
		var first []bool
		nd := len(l.Layering().Junctions)
		ever := make([]bool, nd)
		sometimesOff := make([]bool, nd)
		for _, s := range samples {
			copy(in.Values, s)
			if _, err := l.SolveTo(x, x); err != nil {
				t.Fatal(err)
			}
			on := diodesOn(l, x)
			if first == nil {
				first = on
			}
			for k, o := range on {
				if o {
					total++
					ever[k] = true
				} else {
					sometimesOff[k] = true
				}
			}
		}
		for k := range ever {
			if ever[k] {
				everOn++
				if sometimesOff[k] {
					switching++
				}
			}
		}
		share := float64(total) / float64(nd*len(samples))
		t.Logf("%s: %.1f%% of the %d rectifier diodes on (%.1f%% of hidden nodes clamped); %d diodes switch between the %d samples",
			benchName(h), 100*share, nd, 200*share, switching, len(samples))
		if share < 0.3 || share > 0.7 {
			t.Errorf("%s: %.1f%% of the diodes on, want 30%% to 70%%", benchName(h), 100*share)
		}
	}
}

// BenchmarkRefresh measures Layered.Refresh, which training pays once per
// change of the conductances.
func BenchmarkRefresh(b *testing.B) {
	for _, h := range benchSizes {
		b.Run(benchName(h), func(b *testing.B) {
			sys, _, _ := benchNetwork(b, h)
			l, err := NewLayered(sys)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				l.Refresh()
			}
		})
	}
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }
