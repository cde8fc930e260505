package layered_test

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/solver/layered"

	"github.com/eqsim/eqsim/circuit"
)

// These helpers are those of package solver's tests that compare the
// layered solver with Newton (solver/layered_test.go, newton_test.go),
// for the tests here that need the layered solver's internals.

func compile(t testing.TB, c *circuit.Circuit) *mna.System {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

// maxDiff returns the largest |a[i]-b[i]| over lo <= i < hi and its index.
func maxDiff(a, b []float64, lo, hi int) (float64, int) {
	m, at := 0.0, -1
	for i := lo; i < hi; i++ {
		if d := math.Abs(a[i] - b[i]); d > m || at < 0 {
			m, at = d, i
		}
	}
	return m, at
}

// checkLayeredAgainstNewton solves sys with l, checks KCL from the element
// list, and compares the solution with Newton's: node voltages within
// 1e-9 V, branch currents within 1e-12 A plus 1e-6 relative.
func checkLayeredAgainstNewton(t *testing.T, sys *mna.System, l *layered.Solver, x0 []float64, what string) solver.Result {
	t.Helper()
	res, err := l.Solve(x0)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.Status != solver.Converged || res.Method != "layered" || res.Iterations < 1 {
		t.Errorf("%s: result %+v", what, res)
	}
	checkKCL(t, sys.Circuit(), sys, res.X, 1e-15, 1e-9)
	f := make([]float64, sys.Size())
	sys.Eval(f, nil, res.X, nil)
	if r, node := sys.ResidualNorm(f); math.Abs(r-res.Residual) > 1e-12*r+1e-17 {
		t.Errorf("%s: reported residual %g A at %s, Eval's %g A at %s", what, res.Residual, res.WorstNode, r, node)
	}
	ref, err := solver.Newton(sys, nil, nil)
	if err != nil {
		t.Fatalf("%s: Newton: %v", what, err)
	}
	nf := sys.NumFree()
	got, want := res.X, ref.X
	if d, i := maxDiff(got, want, 0, nf); d > 1e-9 {
		t.Errorf("%s (got layered, want Newton): V(%s) = %.12g V, want %.12g V", what, sys.UnknownName(i), got[i], want[i])
	}
	for k := nf; k < sys.Size(); k++ {
		if d := math.Abs(got[k] - want[k]); d > 1e-12+1e-6*math.Abs(want[k]) {
			t.Errorf("%s (got layered, want Newton): I(%s) = %.12g A, want %.12g A", what, sys.UnknownName(k), got[k], want[k])
		}
	}
	return res
}

// checkKCL checks, with circuittest.CheckKCL, the current balance at every
// free node of sys and the equation of every voltage-defining element at
// x, recomputed from the element list of c: a node may be off by absTol
// amperes plus relTol of the currents that meet there.
func checkKCL(t *testing.T, c *circuit.Circuit, sys *mna.System, x []float64, absTol, relTol float64) {
	t.Helper()
	v := sys.VoltagesTo(nil, x)
	s := circuittest.Solution{Nodes: make(map[string]float64, len(v)), Branches: map[string]float64{}}
	for i, n := range sys.Nodes() {
		s.Nodes[n] = v[i+1]
	}
	for k := sys.NumFree(); k < sys.Size(); k++ {
		s.Branches[sys.UnknownName(k)] = x[k]
	}
	n, err := circuittest.CheckKCL(c, s, absTol, relTol)
	if err != nil {
		t.Error(err)
	}
	if n != sys.NumFree() {
		t.Errorf("KCL checked at %d nodes, want the %d free ones", n, sys.NumFree())
	}
}
