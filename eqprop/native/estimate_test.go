package native

import (
	"fmt"
	"testing"

	"github.com/eqsim/eqsim/circuit"

	"github.com/eqsim/eqsim/eqprop"
)

// gradNets are the networks the gradient tests run on, with features and
// targets that differ from the free outputs.
var gradNets = []struct {
	name  string
	build func() (*circuit.Circuit, Config)
	x     []float64
	y     []float64
}{
	{"layered 3x5x2", func() (*circuit.Circuit, Config) { return layeredNet(3, 5, 2, 4, 1) }, []float64{0.9, 0.1, 0.5}, []float64{0.2, -0.2}},
	{"xor 8 hidden", func() (*circuit.Circuit, Config) { return xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 1) }, []float64{1, 0}, []float64{-0.1, 0.1}},
	{"resistors (Newton)", resistorNet, []float64{0.8, 0.3}, []float64{0.4}},
	{"Kendall 784x100x10", func() (*circuit.Circuit, Config) { return kendall(784, 100, 10, 1) }, randomInput(784, 1),
		[]float64{-0.1, -0.1, -0.1, 0.2, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1}},
}

// TestEstimatorsVsExact compares every estimator with the adjoint
// gradient at the default beta, for both nudge kinds: centered EqProp must
// agree to a cosine of 0.999 or better and be more accurate than either
// one-sided estimate, whose bias is O(beta) where the centered one's is
// O(beta^2); CHL and coupled learning, which are not the gradient of the
// loss, must still point the same way. The default beta of 1 µS is a few
// percent of the output nodes' conductance in these networks; the
// conductance nudge's centered bias, of order (beta/G)^2, is then about
// 1e-3..1e-2, the current nudge's far less because the outputs are
// nearly linear.
func TestEstimatorsVsExact(t *testing.T) {
	for _, net := range gradNets {
		for _, nk := range []eqprop.NudgeKind{eqprop.NudgeCurrent, eqprop.NudgeConductance} {
			name := fmt.Sprintf("%s/%v", net.name, nk)
			c, nc := net.build()
			nc.Nudge = nk
			n := mustNew(t, c, nc)
			exact, err := ExactGradient(n, net.x, net.y)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			fe := flatten(exact)
			rel := map[string]float64{}
			for _, est := range eqprop.Estimators {
				g := newGrads(n.Blocks())
				out := make([]float64, n.Outputs())
				if err := eqprop.Gradient(g, out, n, est, eqprop.Config{}, net.x, net.y); err != nil {
					t.Fatalf("%s %s: %v", name, est, err)
				}
				cos, r := compare(flatten(g), fe)
				rel[est] = r
				t.Logf("%s %-8s cosine %.7f rel %.3g", name, est, cos, r)
				switch est {
				case eqprop.Centered:
					if cos < 0.999 {
						t.Errorf("%s: centered cosine %.6f < 0.999", name, cos)
					}
				case eqprop.Positive, eqprop.Negative:
					if cos < 0.99 {
						t.Errorf("%s: %s cosine %.6f < 0.99", name, est, cos)
					}
				default:
					// Clamping is a large nudge: far from the gradient on
					// small networks, but still a descent direction.
					if cos < 0.5 {
						t.Errorf("%s: %s cosine %.6f < 0.5", name, est, cos)
					}
				}
			}
			if rel[eqprop.Centered] > 0.05 {
				t.Errorf("%s: centered relative error %.3g > 0.05", name, rel[eqprop.Centered])
			}
			for _, est := range []string{eqprop.Positive, eqprop.Negative} {
				if rel[est] < 3*rel[eqprop.Centered] {
					t.Errorf("%s: %s relative error %.3g not visibly above centered's %.3g", name, est, rel[est], rel[eqprop.Centered])
				}
			}
		}
	}
}

// TestGradientBias checks the orders of the estimators' biases: halving
// beta halves the one-sided error and quarters the centered one.
func TestGradientBias(t *testing.T) {
	c, nc := layeredNet(3, 5, 2, 4, 1)
	nc.Nudge = eqprop.NudgeConductance
	n := mustNew(t, c, nc)
	x, y := []float64{0.9, 0.1, 0.5}, []float64{0.2, -0.2}
	exact, err := ExactGradient(n, x, y)
	if err != nil {
		t.Fatal(err)
	}
	errAt := func(est string, beta float64) float64 {
		g := newGrads(n.Blocks())
		if err := eqprop.Gradient(g, make([]float64, 2), n, est, eqprop.Config{Beta: beta}, x, y); err != nil {
			t.Fatal(err)
		}
		_, r := compare(flatten(g), flatten(exact))
		return r
	}
	for _, tc := range []struct {
		est   string
		ratio float64 // of the errors at beta and beta/2
	}{{eqprop.Positive, 2}, {eqprop.Negative, 2}, {eqprop.Centered, 4}} {
		r := errAt(tc.est, 2e-7) / errAt(tc.est, 1e-7)
		if r < 0.9*tc.ratio || r > 1.1*tc.ratio {
			t.Errorf("%s: error ratio %.3f when halving beta, want %g", tc.est, r, tc.ratio)
		}
	}
}

// TestGradientAddsScaled checks that Gradient adds to dst rather than
// overwriting it, and that its estimate carries each block's Scale.
func TestGradientAddsScaled(t *testing.T) {
	c, nc := layeredNet(3, 5, 2, 4, 1)
	n := mustNew(t, c, nc)
	x, y := []float64{0.9, 0.1, 0.5}, []float64{0.2, -0.2}
	once := newGrads(n.Blocks())
	out := make([]float64, 2)
	if err := eqprop.Gradient(once, out, n, eqprop.Centered, eqprop.Config{}, x, y); err != nil {
		t.Fatal(err)
	}
	twice := newGrads(n.Blocks())
	for range 2 {
		if err := eqprop.Gradient(twice, out, n, eqprop.Centered, eqprop.Config{}, x, y); err != nil {
			t.Fatal(err)
		}
	}
	for k := range once {
		for i := range once[k] {
			if d := twice[k][i] - 2*once[k][i]; d*d > 1e-20*once[k][i]*once[k][i] {
				t.Fatalf("block %d entry %d: twice %g, once %g", k, i, twice[k][i], once[k][i])
			}
		}
	}
	// Without the Scale of 16 on W1, the estimate would be 16 times too
	// small there: the cosine with the exact gradient would suffer.
	exact, err := ExactGradient(n, x, y)
	if err != nil {
		t.Fatal(err)
	}
	for k, b := range n.Blocks() {
		ratio := 0.0
		for i := range once[k] {
			ratio += once[k][i] / exact[k][i] / float64(len(once[k]))
		}
		if ratio < 0.99 || ratio > 1.01 {
			t.Errorf("block %s (Scale %g): mean estimate/exact ratio %.4f, want 1", b.Name, b.Scale, ratio)
		}
	}
}
