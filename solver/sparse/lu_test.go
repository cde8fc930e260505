package sparse

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSolveAgainstDense compares the solutions of A·x = b and Aᵀ·x = b with
// those of gonum's dense LU on random unsymmetric sparse matrices, some
// with structurally zero diagonals that force off-diagonal pivots.
func TestSolveAgainstDense(t *testing.T) {
	for _, tc := range []struct {
		n                 int
		density, zeroDiag float64
		tol               float64 // pivot tolerance; 0 is the default
		ordering          Ordering
	}{
		{n: 1, density: 0},
		{n: 2, density: 0.5, zeroDiag: 1},
		{n: 5, density: 0.3, zeroDiag: 0.4},
		{n: 20, density: 0.1},
		{n: 20, density: 0.1, zeroDiag: 0.5},
		{n: 60, density: 0.05, zeroDiag: 0.2},
		{n: 60, density: 0.3, zeroDiag: 0.2, tol: 1},
		{n: 150, density: 0.02, zeroDiag: 0.3},
		{n: 150, density: 0.02, zeroDiag: 0.3, ordering: Natural},
		{n: 300, density: 0.005, zeroDiag: 0.1},
		{n: 300, density: 0.03, zeroDiag: 0.5, tol: 0.1},
	} {
		name := fmt.Sprintf("n%d_d%g_z%g_tol%g_%s", tc.n, tc.density, tc.zeroDiag, tc.tol, tc.ordering)
		t.Run(name, func(t *testing.T) {
			for seed := range uint64(8) {
				rng := rand.New(rand.NewPCG(seed, uint64(tc.n)))
				a := randomSparse(rng, tc.n, tc.density, tc.zeroDiag)
				var dlu mat.LU
				dlu.Factorize(dense(a))
				if c := dlu.Cond(); c > 1e8 {
					continue // too ill-conditioned for a tight comparison
				}
				var lu LU
				if err := lu.Factor(a, Analyze(a, &Options{PivotTol: tc.tol, Ordering: tc.ordering})); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				checkSolves(t, &lu, &dlu, rng, fmt.Sprintf("seed %d", seed))
			}
		})
	}
}

// checkSolves compares the solves of lu with those of the dense dlu.
func checkSolves(t *testing.T, lu *LU, dlu *mat.LU, rng *rand.Rand, what string) {
	t.Helper()
	n := lu.N()
	for _, trans := range []bool{false, true} {
		b := randVec(rng, n)
		want := mat.NewVecDense(n, nil)
		if err := dlu.SolveVecTo(want, trans, mat.NewVecDense(n, append([]float64(nil), b...))); err != nil {
			t.Fatalf("%s: dense solve: %v", what, err)
		}
		x := make([]float64, n)
		inPlace := append([]float64(nil), b...)
		if trans {
			lu.SolveTransTo(x, b)
			lu.SolveTransTo(inPlace, inPlace)
		} else {
			lu.SolveTo(x, b)
			lu.SolveTo(inPlace, inPlace)
		}
		if e := relErr(x, want.RawVector().Data); e > 1e-9 {
			t.Errorf("%s, trans %t: relative error %g against dense LU", what, trans, e)
		}
		if e := relErr(inPlace, x); e != 0 {
			t.Errorf("%s, trans %t: in-place solve differs by %g", what, trans, e)
		}
	}
}

// TestSolveMany checks that solving many right-hand sides at once gives
// the solutions of one solve each, with A and with Aᵀ, in place too.
func TestSolveMany(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, nrhs := range []int{1, 3, 8} {
		a := randomSparse(rng, 120, 0.03, 0.3)
		n := a.N()
		var lu LU
		if err := lu.Factor(a, Analyze(a, nil)); err != nil {
			t.Fatal(err)
		}
		b := randVec(rng, n*nrhs)
		for _, trans := range []bool{false, true} {
			x := make([]float64, n*nrhs)
			inPlace := append([]float64(nil), b...)
			if trans {
				lu.SolveTransManyTo(x, b, nrhs)
				lu.SolveTransManyTo(inPlace, inPlace, nrhs)
			} else {
				lu.SolveManyTo(x, b, nrhs)
				lu.SolveManyTo(inPlace, inPlace, nrhs)
			}
			for r := range nrhs {
				col := make([]float64, n)
				for i := range n {
					col[i] = b[i*nrhs+r]
				}
				if trans {
					lu.SolveTransTo(col, col)
				} else {
					lu.SolveTo(col, col)
				}
				got := make([]float64, n)
				for i := range n {
					got[i] = x[i*nrhs+r]
				}
				if e := relErr(got, col); e > 1e-13 {
					t.Errorf("nrhs %d trans %t rhs %d: differs from SolveTo by %g", nrhs, trans, r, e)
				}
			}
			if e := relErr(inPlace, x); e != 0 {
				t.Errorf("nrhs %d trans %t: in place differs by %g", nrhs, trans, e)
			}
		}
	}
}

// TestRefactor changes the values of a factorized matrix and checks that
// Refactor gives the solutions of a fresh Factor and of the dense LU,
// without allocating.
func TestRefactor(t *testing.T) {
	for _, n := range []int{3, 40, 200} {
		rng := rand.New(rand.NewPCG(7, uint64(n)))
		a := mnaGrid(rng, max(2, int(float64(n)/8)))
		n := a.N()
		s := Analyze(a, nil)
		var lu LU
		if err := lu.Factor(a, s); err != nil {
			t.Fatal(err)
		}
		// New conductances: the same structure, values changed by up to 50%.
		v2 := make([]float64, a.NNZ())
		for k, v := range a.Values() {
			v2[k] = v * (0.5 + rng.Float64())
		}
		a2 := a.WithValues(v2)
		if err := lu.Refactor(a2); err != nil {
			t.Fatalf("n %d: %v", n, err)
		}
		var fresh LU
		if err := fresh.Factor(a2, s); err != nil {
			t.Fatal(err)
		}
		var dlu mat.LU
		dlu.Factorize(dense(a2))
		checkSolves(t, &lu, &dlu, rng, fmt.Sprintf("n %d refactored", n))
		b := randVec(rng, n)
		x1, x2 := make([]float64, n), make([]float64, n)
		lu.SolveTo(x1, b)
		fresh.SolveTo(x2, b)
		if e := relErr(x1, x2); e > 1e-12 {
			t.Errorf("n %d: Refactor and Factor differ by %g", n, e)
		}
		if allocs := testing.AllocsPerRun(5, func() {
			if err := lu.Refactor(a2); err != nil {
				t.Fatal(err)
			}
			lu.SolveTo(x1, b)
			lu.SolveTransTo(x1, b)
		}); allocs != 0 {
			t.Errorf("n %d: Refactor and solves allocate %g times", n, allocs)
		}
	}
}

// TestRefactorVanishedPivot makes the pivot of a column vanish, or become
// small against another candidate, and checks that Refactor reports it
// and that Factor then succeeds with new pivots.
func TestRefactorVanishedPivot(t *testing.T) {
	// [2 1 0; 1 3 1; 0 1 4]: diagonal pivots are chosen first.
	a := triplets(3, []int{0, 0, 1, 1, 1, 2, 2}, []int{0, 1, 0, 1, 2, 1, 2}, []float64{2, 1, 1, 3, 1, 1, 4})
	s := Analyze(a, &Options{Ordering: Natural})
	for _, tc := range []struct {
		name  string
		a00   float64
		fails bool
	}{
		{"unchanged", 2, false},
		{"halved", 1, false},
		{"zero", 0, true},
		{"tiny", 1e-4, true}, // below 1e-3 times the other candidate, 1
	} {
		var lu LU
		if err := lu.Factor(a, s); err != nil {
			t.Fatal(err)
		}
		v := append([]float64(nil), a.Values()...)
		k, _ := a.Slot(0, 0)
		v[k] = tc.a00
		a2 := a.WithValues(v)
		err := lu.Refactor(a2)
		var pe *PivotError
		if got := errors.As(err, &pe); got != tc.fails {
			t.Errorf("%s: Refactor error %v, want a PivotError: %t", tc.name, err, tc.fails)
			continue
		}
		if tc.fails {
			if pe.Col != 0 || pe.Step != 0 || lu.Valid() {
				t.Errorf("%s: %+v, valid %t", tc.name, pe, lu.Valid())
			}
			if err := lu.Factor(a2, s); err != nil {
				t.Fatalf("%s: Factor after PivotError: %v", tc.name, err)
			}
		}
		var dlu mat.LU
		dlu.Factorize(dense(a2))
		checkSolves(t, &lu, &dlu, rand.New(rand.NewPCG(1, 2)), tc.name)
	}
}

// TestRefactorAfterFailedFactor checks that Refactor after a failed
// Factor factors anew: a Newton loop may meet a singular Jacobian, change
// the values (gmin stepping) and go on with Refactor.
func TestRefactorAfterFailedFactor(t *testing.T) {
	a := triplets(2, []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, []float64{1, 2, 1, 2})
	s := Analyze(a, nil)
	var lu LU
	if err := lu.Factor(a, s); err == nil {
		t.Fatal("singular matrix factored")
	}
	if err := lu.Refactor(a); err == nil {
		t.Fatal("singular matrix refactored")
	}
	v := a.Values()
	k, _ := a.Slot(1, 1)
	v[k] = 3 // [1 2; 1 3]: x = [1 1] for b = [3 4]
	if err := lu.Refactor(a); err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 2)
	lu.SolveTo(x, []float64{3, 4})
	if e := relErr(x, []float64{1, 1}); e > 1e-15 {
		t.Errorf("x = %v", x)
	}
}

// TestSingular checks that structurally and numerically singular matrices
// and non-finite values give typed errors and leave no usable factors.
func TestSingular(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n          int
		i, j       []int
		v          []float64
		col        int // the column reported
		structural bool
		notFinite  bool
	}{
		{name: "empty column", n: 2, i: []int{0, 1}, j: []int{0, 0}, v: []float64{1, 1}, col: 1, structural: true},
		{name: "empty row", n: 3, i: []int{0, 0, 2, 0, 2}, j: []int{0, 1, 1, 2, 2}, v: []float64{1, 2, 3, 4, 5}, structural: true},
		{name: "zero matrix", n: 2, i: []int{0, 1}, j: []int{0, 1}, v: []float64{0, 0}, col: 0},
		// Rows 0 and 1 are equal: the second pivot cancels exactly.
		{name: "equal rows", n: 2, i: []int{0, 0, 1, 1}, j: []int{0, 1, 0, 1}, v: []float64{1, 2, 1, 2}, col: 1},
		// Row 2 = row 0 + row 1.
		{name: "dependent rows", n: 3, i: []int{0, 0, 1, 1, 2, 2, 2}, j: []int{0, 1, 1, 2, 0, 1, 2}, v: []float64{1, 2, 3, 4, 1, 5, 4}, col: -1},
		{name: "NaN", n: 2, i: []int{0, 1}, j: []int{0, 1}, v: []float64{1, nan()}, col: 1, notFinite: true},
		{name: "Inf", n: 2, i: []int{0, 1, 1}, j: []int{0, 0, 1}, v: []float64{inf(), 1, 1}, col: 0, notFinite: true},
	} {
		a := triplets(tc.n, tc.i, tc.j, tc.v)
		var lu LU
		err := lu.Factor(a, Analyze(a, &Options{Ordering: Natural}))
		if lu.Valid() {
			t.Errorf("%s: factors valid after %v", tc.name, err)
		}
		if tc.notFinite {
			var fe *NotFiniteError
			if !errors.As(err, &fe) || fe.Col != tc.col {
				t.Errorf("%s: got %v, want NotFiniteError in column %d", tc.name, err, tc.col)
			}
			continue
		}
		var se *SingularError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a SingularError", tc.name, err)
			continue
		}
		if se.Structural != tc.structural || (tc.col >= 0 && !tc.structural && se.Col != tc.col) {
			t.Errorf("%s: got %+v, want column %d, structural %t", tc.name, se, tc.col, tc.structural)
		}
	}
}

// TestSingularRandom makes random sparse matrices singular by making one
// column a combination of two others with values that cancel exactly.
func TestSingularRandom(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 99))
		n := 3 + rng.IntN(40)
		var ii, jj []int
		var vv []float64
		// Small integers keep every product and sum exact.
		for j := range n - 1 {
			for i := range n {
				if i == j || rng.Float64() < 0.15 {
					ii, jj, vv = append(ii, i), append(jj, j), append(vv, float64(1+rng.IntN(3)))
				}
			}
		}
		c1, c2 := rng.IntN(n-1), rng.IntN(n-1)
		for t := range ii {
			if jj[t] == c1 || jj[t] == c2 {
				ii, jj, vv = append(ii, ii[t]), append(jj, n-1), append(vv, vv[t])
			}
		}
		a := triplets(n, ii, jj, vv)
		var lu LU
		err := lu.Factor(a, Analyze(a, nil))
		var se *SingularError
		if !errors.As(err, &se) {
			// Rounding may leave a pivot of a few ulps; then the dense LU
			// must agree that the matrix is hopeless.
			var dlu mat.LU
			dlu.Factorize(dense(a))
			if c := dlu.Cond(); err != nil || c < 1e14 {
				t.Errorf("seed %d: n %d: got %v, dense condition %g", seed, n, err, c)
			}
		}
	}
}

// TestCond compares the condition estimate with the exact 1-norm
// condition number of the dense matrix.
func TestCond(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 3))
		a := randomSparse(rng, 5+rng.IntN(80), 0.05, 0.2)
		var lu LU
		if err := lu.Factor(a, Analyze(a, nil)); err != nil {
			t.Fatal(err)
		}
		d := dense(a)
		var inv mat.Dense
		if err := inv.Inverse(d); err != nil {
			continue
		}
		want := mat.Norm(d, 1) * mat.Norm(&inv, 1)
		got := lu.Cond(a)
		if got > want*(1+1e-9) || got < want/3 {
			t.Errorf("seed %d: condition estimate %g, exact %g", seed, got, want)
		}
		if g := lu.ReciprocalPivotGrowth(a); !(g > 0 && g <= 1) {
			t.Errorf("seed %d: reciprocal pivot growth %g", seed, g)
		}
	}
}

// TestPivotGrowth uses a matrix with known growth: without pivoting (a
// tolerance that accepts the diagonal) the 2×2 [ε 1; 1 1] grows U(1,1) to
// 1 - 1/ε.
func TestPivotGrowth(t *testing.T) {
	const e = 1e-2
	a := triplets(2, []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, []float64{e, 1, 1, 1})
	for _, tc := range []struct {
		tol, want float64
	}{
		{tol: 1e-3, want: 1 / (1/e - 1)}, // diagonal kept: |U| = 99
		{tol: 1, want: 1},                // partial pivoting: no growth
	} {
		var lu LU
		if err := lu.Factor(a, Analyze(a, &Options{Ordering: Natural, PivotTol: tc.tol})); err != nil {
			t.Fatal(err)
		}
		if got := lu.ReciprocalPivotGrowth(a); relErr([]float64{got}, []float64{tc.want}) > 1e-12 {
			t.Errorf("tol %g: growth %g, want %g", tc.tol, got, tc.want)
		}
	}
}

func TestMisusePanics(t *testing.T) {
	a := grid(3)
	other := grid(4)
	var lu LU
	s := Analyze(a, nil)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"solve before factor", func() { lu.SolveTo(make([]float64, 9), make([]float64, 9)) }},
		{"refactor before factor", func() { _ = lu.Refactor(a) }},
		{"symbolic of another structure", func() { _ = lu.Factor(other, s) }},
		{"short rhs", func() { _ = lu.Factor(a, s); lu.SolveTo(make([]float64, 9), make([]float64, 8)) }},
		{"short dst", func() { _ = lu.Factor(a, s); lu.SolveTransTo(make([]float64, 8), make([]float64, 9)) }},
		{"refactor another structure", func() { _ = lu.Factor(a, s); _ = lu.Refactor(other) }},
		{"pivot tolerance", func() { Analyze(a, &Options{PivotTol: 2}) }},
		{"builder range", func() { NewBuilder(2).Add(2, 0) }},
		{"bad CSC", func() { NewMatrix(2, []int{0, 2, 2}, []int{1, 0}, nil) }},
		{"mulvec", func() { a.MulVecTo(make([]float64, 9), false, make([]float64, 3)) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}
