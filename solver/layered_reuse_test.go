package solver

import (
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// A solve from the last equilibrium with a small nudge, as EqProp's nudged
// phases are, takes its first update from the last factorization, and one
// after a change of conductances does not; both reach Newton's solution.
func TestLayeredReuse(t *testing.T) {
	c := circuittest.KendallNetwork(784, 100, 10, 1)
	nudge := &circuit.ISource{Name: "I", Nodes: [2]string{circuit.Ground, "y[3]"}}
	c.Add(nudge)
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	free := checkLayeredAgainstNewton(t, sys, l, nil, "free")
	x0 := append([]float64(nil), free.X...)
	for _, beta := range []float64{1e-6, -1e-6} {
		nudge.I = beta * 0.5
		n := l.fac.n
		res := checkLayeredAgainstNewton(t, sys, l, x0, "nudged")
		// Without reuse every iteration but a last chord test factors.
		if l.fac.n-n > res.Iterations-2 {
			t.Errorf("beta %g: %d factorizations in %d iterations", beta, l.fac.n-n, res.Iterations)
		}
		// Start next to the free equilibrium's factorization again.
		if _, err := l.Solve(nil); err != nil {
			t.Fatal(err)
		}
		nudge.I = 0
		if _, err := l.Solve(nil); err != nil {
			t.Fatal(err)
		}
	}
	w1 := c.Element("W1").(*circuit.Crossbar).G
	w1.Set(3, 4, 2*w1.At(3, 4))
	l.Refresh()
	nudge.I = 1e-6
	n := l.fac.n
	res := checkLayeredAgainstNewton(t, sys, l, x0, "after Refresh")
	if l.fac.n-n < res.Iterations-1 {
		t.Errorf("after Refresh: %d factorizations in %d iterations", l.fac.n-n, res.Iterations)
	}
}
