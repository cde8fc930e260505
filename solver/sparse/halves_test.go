package sparse

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestHalves checks that LowerTo then UpperTo is SolveTo, bit for bit,
// and that a symmetric positive definite matrix keeps its pivots on the
// diagonal with U = D·Lᵀ, so that LowerTo alone gives the quadratic forms
// bᵀA⁻¹c = (L⁻¹Pb)ᵀD⁻¹(L⁻¹Pc).
func TestHalves(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	a := grid(30) // symmetric, positive definite
	s := Analyze(a, nil)
	var lu LU
	if err := lu.Factor(a, s); err != nil {
		t.Fatal(err)
	}
	n := a.N()
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	want := make([]float64, n)
	lu.SolveTo(want, b)
	y, x := make([]float64, n), make([]float64, n)
	lu.LowerTo(y, b)
	lu.UpperTo(x, y)
	for i := range x {
		if x[i] != want[i] {
			t.Fatalf("x[%d] = %g, SolveTo %g", i, x[i], want[i])
		}
	}
	if !lu.DiagonalPivots() {
		t.Fatal("a symmetric positive definite matrix pivoted off the diagonal")
	}
	c := make([]float64, n)
	c[rng.IntN(n)], c[rng.IntN(n)] = 1, -2
	yb, yc := make([]float64, n), make([]float64, n)
	lu.LowerTo(yb, b)
	lu.LowerTo(yc, c)
	got := 0.0
	for k := range n {
		got += yb[k] * yc[k] / lu.Pivot(k)
	}
	lu.SolveTo(x, c)
	ref := 0.0
	for i := range n {
		ref += b[i] * x[i]
	}
	if math.Abs(got-ref) > 1e-12*math.Abs(ref) {
		t.Errorf("bᵀA⁻¹c = %g by halves, %g by a solve", got, ref)
	}
	for k := range n {
		if o := lu.Order(k); o < 0 || o >= n {
			t.Fatalf("Order(%d) = %d", k, o)
		}
	}
}
