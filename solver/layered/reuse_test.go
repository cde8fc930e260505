package layered_test

import (
	"slices"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/solver/layered"
)

// A solve from the last equilibrium with a small nudge, as EqProp's nudged
// phases are, takes its first update from the last factorization, and one
// after a change of conductances does not; both reach Newton's solution.
func TestLayeredReuse(t *testing.T) {
	c := circuittest.KendallNetwork(784, 100, 10, 1)
	nudge := &circuit.ISource{Name: "I", Nodes: [2]string{circuit.Ground, "y[3]"}}
	c.Add(nudge)
	sys := compile(t, c)
	l, err := layered.New(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	free := checkLayeredAgainstNewton(t, sys, l, nil, "free")
	x0 := append([]float64(nil), free.X...)
	for _, beta := range []float64{1e-6, -1e-6} {
		nudge.I = beta * 0.5
		n := layered.Factorizations(l)
		res := checkLayeredAgainstNewton(t, sys, l, x0, "nudged")
		// Without reuse every iteration but a last chord test factors.
		if layered.Factorizations(l)-n > res.Iterations-2 {
			t.Errorf("beta %g: %d factorizations in %d iterations", beta, layered.Factorizations(l)-n, res.Iterations)
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
	n := layered.Factorizations(l)
	res := checkLayeredAgainstNewton(t, sys, l, x0, "after Refresh")
	if layered.Factorizations(l)-n < res.Iterations-1 {
		t.Errorf("after Refresh: %d factorizations in %d iterations", layered.Factorizations(l)-n, res.Iterations)
	}
}

// The cold start's cached factorization gives the start a fresh solver
// computes, before and after a change of conductances.
func TestLayeredStartCache(t *testing.T) {
	c := circuittest.KendallNetwork(40, 12, 4, 1)
	sys := compile(t, c)
	l, err := layered.New(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	starts := func(l *layered.Solver) []float64 {
		v, ok := layered.ColdStart(l)
		if !ok {
			t.Fatal("no start")
		}
		return v
	}
	// W2's entries are whole multiples of 2^-20 S, so that its sums are
	// exact and the last change, which moves conductances around a
	// rectangle, changes W2 but none of the nodes' total conductances.
	w1, w2 := c.Element("W1").(*circuit.Crossbar).G, c.Element("W2").(*circuit.Crossbar).G
	r, cols := w2.Dims()
	for i := range r {
		for j := range cols {
			w2.Set(i, j, float64(1+(i*cols+j)%7)*0x1p-20)
		}
	}
	l.Refresh()
	for k := range 5 {
		if _, err := l.Solve(nil); err != nil {
			t.Fatal(err)
		}
		got := starts(l)
		fresh, err := layered.New(sys, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := starts(fresh); !slices.Equal(got, want) {
			t.Errorf("change %d: start %v, a fresh solver's %v", k, got, want)
		}
		if k < 3 {
			w1.Set(k, 2, 3*w1.At(k, 2))
		} else {
			a, b := w2.At(0, 0), w2.At(0, 1)
			w2.Set(0, 0, b)
			w2.Set(0, 1, a)
			w2.Set(1, 0, w2.At(1, 0)+a-b)
			w2.Set(1, 1, w2.At(1, 1)+b-a)
		}
		l.Refresh()
	}
}
