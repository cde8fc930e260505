package sparse

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// symGrid returns the nodal conductance matrix of a side×side grid of
// random conductances (0.5 to 2 S) with 1 mS from every node to ground:
// symmetric values, diagonal pivots.
func symGrid(rng *rand.Rand, side int) *Matrix {
	n := side * side
	var ii, jj []int
	var vv []float64
	cond := func(a, b int, g float64) {
		ii, jj, vv = append(ii, a, b, a, b), append(jj, a, b, b, a), append(vv, g, g, -g, -g)
	}
	for y := range side {
		for x := range side {
			i := y*side + x
			ii, jj, vv = append(ii, i), append(jj, i), append(vv, 1e-3)
			if x+1 < side {
				cond(i, i+1, 0.5+1.5*rng.Float64())
			}
			if y+1 < side {
				cond(i, i+side, 0.5+1.5*rng.Float64())
			}
		}
	}
	return triplets(n, ii, jj, vv)
}

// TestRefactorSymmetric refactors symmetric matrices with new symmetric
// values by computing L alone, and checks the solves against a fresh
// Factor, the dense LU and Refactor.
func TestRefactorSymmetric(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(rng *rand.Rand) *Matrix
	}{
		{"grid 12x12", func(rng *rand.Rand) *Matrix { return symGrid(rng, 12) }},
		{"wired crossbar 16x8", func(rng *rand.Rand) *Matrix { return crossbar(rng, 16, 8) }},
	} {
		rng := rand.New(rand.NewPCG(3, 4))
		a := tc.make(rng)
		a2 := a.WithValues(tc.make(rng).Values()) // same structure, new values
		n := a.N()
		s := Analyze(a, nil)
		var lu, ref LU
		if err := lu.Factor(a, s); err != nil {
			t.Fatal(err)
		}
		if err := ref.Factor(a, s); err != nil {
			t.Fatal(err)
		}
		if err := lu.RefactorSymmetric(a2); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if lu.symm != symmetric {
			t.Fatalf("%s: refactored as an unsymmetric matrix", tc.name)
		}
		if err := ref.Refactor(a2); err != nil {
			t.Fatal(err)
		}
		var fresh LU
		if err := fresh.Factor(a2, s); err != nil {
			t.Fatal(err)
		}
		var dlu mat.LU
		dlu.Factorize(dense(a2))
		checkSolves(t, &lu, &dlu, rng, tc.name+" refactored symmetrically")
		b := randVec(rng, n)
		x, xr, xf := make([]float64, n), make([]float64, n), make([]float64, n)
		lu.SolveTo(x, b)
		ref.SolveTo(xr, b)
		fresh.SolveTo(xf, b)
		if e := max(relErr(x, xr), relErr(x, xf)); e > 1e-12 {
			t.Errorf("%s: RefactorSymmetric differs from Refactor and Factor by %g", tc.name, e)
		}
		for k := range n {
			if d, dr := lu.Pivot(k), ref.Pivot(k); !(relErr([]float64{d}, []float64{dr}) < 1e-12) {
				t.Fatalf("%s: pivot %d is %g, Refactor's %g", tc.name, k, d, dr)
			}
		}
		if allocs := testing.AllocsPerRun(5, func() {
			if err := lu.RefactorSymmetric(a2); err != nil {
				t.Fatal(err)
			}
		}); allocs != 0 {
			t.Errorf("%s: RefactorSymmetric allocates %g times", tc.name, allocs)
		}
	}
}

// TestRefactorSymmetricUnsymmetricPivots checks that a factorization with
// pivots off the diagonal (an MNA matrix with voltage sources) is
// refactored as Refactor would, bit for bit.
func TestRefactorSymmetricUnsymmetricPivots(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := mnaGrid(rng, 6)
	v2 := make([]float64, a.NNZ())
	for k, v := range a.Values() {
		v2[k] = v * (0.5 + rng.Float64())
	}
	a2 := a.WithValues(v2)
	s := Analyze(a, nil)
	var lu, ref LU
	for _, l := range []*LU{&lu, &ref} {
		if err := l.Factor(a, s); err != nil {
			t.Fatal(err)
		}
	}
	if lu.DiagonalPivots() {
		t.Fatal("the test wants pivots off the diagonal")
	}
	if err := lu.RefactorSymmetric(a2); err != nil {
		t.Fatal(err)
	}
	if err := ref.Refactor(a2); err != nil {
		t.Fatal(err)
	}
	b := randVec(rng, a.N())
	x, xr := make([]float64, a.N()), make([]float64, a.N())
	lu.SolveTo(x, b)
	ref.SolveTo(xr, b)
	for i := range x {
		if x[i] != xr[i] {
			t.Fatalf("x[%d] = %v, Refactor's %v", i, x[i], xr[i])
		}
	}
}

// TestRefactorSymmetricVanishedPivot makes a diagonal pivot small against
// its column: RefactorSymmetric reports it as Refactor does, and Factor
// then pivots off the diagonal.
func TestRefactorSymmetricVanishedPivot(t *testing.T) {
	a := triplets(3, []int{0, 0, 1, 1, 1, 2, 2}, []int{0, 1, 0, 1, 2, 1, 2}, []float64{4, 1, 1, 4, 1, 1, 4})
	s := Analyze(a, nil)
	var lu LU
	if err := lu.Factor(a, s); err != nil {
		t.Fatal(err)
	}
	v2 := append([]float64(nil), a.Values()...)
	slot, _ := a.Slot(0, 0)
	v2[slot] = 1e-20
	a2 := a.WithValues(v2)
	err := lu.RefactorSymmetric(a2)
	var pe *PivotError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want a *PivotError", err)
	}
	if err := lu.Factor(a2, s); err != nil {
		t.Fatalf("Factor after the failed refactor: %v", err)
	}
	var dlu mat.LU
	dlu.Factorize(dense(a2))
	checkSolves(t, &lu, &dlu, rand.New(rand.NewPCG(1, 2)), fmt.Sprint("after the pivot vanished"))
}
