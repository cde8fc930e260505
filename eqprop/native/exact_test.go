package native

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/eqprop"
)

// TestExactVsFiniteDifferences checks the adjoint gradient against
// central differences of the loss, on every parameter of the small
// networks and on 20 of the Kendall network (the largest and random ones).
func TestExactVsFiniteDifferences(t *testing.T) {
	for _, net := range gradNets {
		c, nc := net.build()
		n := mustNew(t, c, nc)
		exact, err := ExactGradient(n, net.x, net.y)
		if err != nil {
			t.Fatalf("%s: %v", net.name, err)
		}
		max := 100 // every parameter of the small networks
		if n.Features() > 100 {
			max = 20
		}
		params := pickParams(n.Blocks(), exact, max, 1)
		fd, err := FiniteDifferenceGradient(n, net.x, net.y, params)
		if err != nil {
			t.Fatalf("%s: %v", net.name, err)
		}
		sub := make([]float64, len(params))
		for i, p := range params {
			sub[i] = exact[p.Block][p.Index]
		}
		_, rel := compare(sub, fd)
		t.Logf("%s: %d parameters, relative error %.3g", net.name, len(params), rel)
		if !(rel <= 1e-5) {
			t.Errorf("%s: exact vs finite differences: relative error %.3g > 1e-5", net.name, rel)
		}
	}
}

// TestExactGradientSign checks the sign convention on a case solvable by
// hand: a divider from a 1 V input through G1 to output y, and G2 from y to
// ground. V = G1/(G1+G2) and L = (V - t)^2/2, so
// dL/dG1 = (V - t) G2/(G1+G2)^2 and dL/dG2 = -(V - t) G1/(G1+G2)^2.
func TestExactGradientSign(t *testing.T) {
	c, nc := dividerNet(2e-6, 3e-6)
	n := mustNew(t, c, nc)
	const target = 0.9
	g, err := ExactGradient(n, []float64{1}, []float64{target})
	if err != nil {
		t.Fatal(err)
	}
	g1, g2 := 2e-6, 3e-6
	v := g1 / (g1 + g2)
	want := []float64{(v - target) * g2 / ((g1 + g2) * (g1 + g2)), -(v - target) * g1 / ((g1 + g2) * (g1 + g2))}
	for k, w := range want {
		if math.Abs(g[k][0]-w) > 1e-9*math.Abs(w) {
			t.Errorf("dL/dG%d = %g, want %g", k+1, g[k][0], w)
		}
	}
	// And the estimators, which see only drops, agree.
	for _, nk := range []eqprop.NudgeKind{eqprop.NudgeCurrent, eqprop.NudgeConductance} {
		nc.Nudge = nk
		n := mustNew(t, c, nc)
		est := newGrads(n.Blocks())
		if err := eqprop.Gradient(est, make([]float64, 1), n, eqprop.Centered, eqprop.Config{Beta: 1e-8}, []float64{1}, []float64{target}); err != nil {
			t.Fatal(err)
		}
		for k, w := range want {
			if math.Abs(est[k][0]-w) > 1e-5*math.Abs(w) {
				t.Errorf("%v: centered estimate of dL/dG%d = %g, want %g", nk, k+1, est[k][0], w)
			}
		}
	}
}
