package eqprop_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	. "github.com/eqsim/eqsim/eqprop"
)

// TestProductAsGemm holds the update's change (Trainer.change, see
// Trainer.Product), which skips the rows of
// inputs at 0 V, to gonum's Dgemm of P and Q bit for bit, on a batch
// whose inputs are 0 V on most rows, as an image's blank pixels are.
func TestProductAsGemm(t *testing.T) {
	c, nc := kendall(20, 8, 3, 1)
	n := mustNative(t, c, nc)
	tr, err := NewTrainer(n, Config{BatchSize: 4, Readout: Readout{High: 0.1, Low: -0.1}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	m1, m2 := tr.Measurements()
	for s := range 4 {
		for k := range n.Blocks() {
			a1, a2 := m1[s].A[k], m2[s].A[k]
			for i := range a1 {
				if k > 0 || rng.IntN(3) == 0 {
					a1[i] = rng.Float64() - 0.5
				} else {
					a1[i] = 0
				}
				a2[i] = a1[i]
				if k > 0 {
					a2[i] += 1e-3 * rng.Float64()
				}
			}
			for _, m := range []*Measurement{m1[s], m2[s]} {
				for j := range m.B[k] {
					m.B[k][j] = rng.Float64() - 0.5
				}
			}
		}
	}
	plain := 0
	for k, b := range n.Blocks() {
		got, p, q, kk := tr.Product(k, 4, -1e-3)
		want := make([]float64, b.Rows*b.Cols)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: b.Rows, Cols: kk, Stride: kk, Data: p},
			blas64.General{Rows: kk, Cols: b.Cols, Stride: b.Cols, Data: q},
			0, blas64.General{Rows: b.Rows, Cols: b.Cols, Stride: b.Cols, Data: want})
		for i, w := range want {
			// A conductance plus either zero is the same.
			if got[i] != w || got[i] != 0 && math.Float64bits(got[i]) != math.Float64bits(w) {
				t.Fatalf("block %d, element %d: %v, Dgemm %v", k, i, got[i], w)
			}
		}
		for i := range b.Rows {
			if !slices.ContainsFunc(p[i*kk+1:(i+1)*kk], func(x float64) bool { return x != 0 }) {
				plain++
			}
		}
	}
	if plain == 0 {
		t.Fatal("no row at 0 V in every sample: the test does not reach the shortcut")
	}
}
