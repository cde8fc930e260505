package sparse

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestBuilder declares random entries with duplicates and checks that
// duplicates share a slot, that the compiled structure is sorted CSC with
// one entry per distinct (i, j), and that values added into the slots sum
// as in a dense matrix.
func TestBuilder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 5, 40} {
		b := NewBuilder(n)
		want := mat.NewDense(max(n, 1), max(n, 1), nil)
		type decl struct {
			i, j, h int
			v       float64
		}
		var ds []decl
		for range 3 * n * n / 4 {
			i, j := rng.IntN(n), rng.IntN(n)
			v := rng.Float64()
			ds = append(ds, decl{i, j, b.Add(i, j), v})
			want.Set(i, j, want.At(i, j)+v)
		}
		if b.Len() != len(ds) {
			t.Fatalf("n %d: Len %d, want %d", n, b.Len(), len(ds))
		}
		m, slots := b.Compile()
		distinct := map[[2]int]int{}
		for _, d := range ds {
			if s, ok := distinct[[2]int{d.i, d.j}]; ok && s != slots[d.h] {
				t.Fatalf("n %d: (%d,%d) has slots %d and %d", n, d.i, d.j, s, slots[d.h])
			}
			distinct[[2]int{d.i, d.j}] = slots[d.h]
			m.Values()[slots[d.h]] += d.v
		}
		if m.NNZ() != len(distinct) || m.N() != n {
			t.Fatalf("n %d: %d entries, want %d", n, m.NNZ(), len(distinct))
		}
		cp := m.ColPtr()
		for j := range n {
			var rows []int
			for k := cp[j]; k < cp[j+1]; k++ {
				rows = append(rows, m.RowIndex(k))
			}
			if !slices.IsSorted(rows) {
				t.Fatalf("n %d: column %d rows %v not sorted", n, j, rows)
			}
			for i := range n {
				if got := m.At(i, j); got != want.At(i, j) {
					t.Fatalf("n %d: At(%d,%d) = %g, want %g", n, i, j, got, want.At(i, j))
				}
			}
		}
		// MulVecTo against the dense product, both ways.
		if n == 0 {
			continue
		}
		x := randVec(rng, n)
		for _, trans := range []bool{false, true} {
			got := make([]float64, n)
			m.MulVecTo(got, trans, x)
			var w mat.VecDense
			if trans {
				w.MulVec(want.T(), mat.NewVecDense(n, x))
			} else {
				w.MulVec(want, mat.NewVecDense(n, x))
			}
			if e := relErr(got, w.RawVector().Data); e > 1e-14 {
				t.Errorf("n %d trans %t: MulVecTo differs by %g", n, trans, e)
			}
		}
	}
}

// TestNewMatrix checks that NewMatrix keeps the given CSC structure and
// that WithValues shares it, so that Refactor accepts the new matrix.
func TestNewMatrix(t *testing.T) {
	// [4 1 0; 0 3 0; 2 0 5]
	a := NewMatrix(3, []int{0, 2, 4, 5}, []int{0, 2, 0, 1, 2}, []float64{4, 2, 1, 3, 5})
	for _, c := range []struct {
		i, j int
		v    float64
	}{{0, 0, 4}, {2, 0, 2}, {0, 1, 1}, {1, 1, 3}, {2, 2, 5}, {1, 0, 0}} {
		if got := a.At(c.i, c.j); got != c.v {
			t.Errorf("At(%d,%d) = %g, want %g", c.i, c.j, got, c.v)
		}
	}
	var lu LU
	if err := lu.Factor(a, Analyze(a, nil)); err != nil {
		t.Fatal(err)
	}
	b := a.WithValues([]float64{8, 4, 2, 6, 10})
	if err := lu.Refactor(b); err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 3)
	lu.SolveTo(x, []float64{5, 3, 7}) // 2A·x = b: x = [0.5 0.5 0.5]
	if e := relErr(x, []float64{0.5, 0.5, 0.5}); e > 1e-15 {
		t.Errorf("x = %v", x)
	}
}
