package eqprop

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestProductAsGemm holds the update's change (Trainer.change), which skips the rows of
// inputs at 0 V, to gonum's Dgemm of P and Q bit for bit, on a batch
// whose inputs are 0 V on most rows, as an image's blank pixels are.
func TestProductAsGemm(t *testing.T) {
	c, nc := kendall(20, 8, 3, 1)
	tr, err := NewTrainer(mustNative(t, c, nc), Config{BatchSize: 4, Readout: Readout{High: 0.1, Low: -0.1}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	slots := tr.slots[:4]
	for s := range slots {
		for k := range tr.blocks {
			a1, a2 := slots[s].m1.A[k], slots[s].m2.A[k]
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
			for _, m := range []*Measurement{slots[s].m1, slots[s].m2} {
				for j := range m.B[k] {
					m.B[k][j] = rng.Float64() - 0.5
				}
			}
		}
	}
	plain := 0
	for k, b := range tr.blocks {
		kk, da0, sa0 := tr.gather(k, slots, -1e-3)
		tr.fillP(k, slots, kk, da0, sa0, 0, b.Rows)
		got := make([]float64, b.Rows*b.Cols)
		for i := range b.Rows {
			row := got[i*b.Cols : (i+1)*b.Cols]
			copy(row, tr.change(row, k, kk, i))
		}
		want := make([]float64, b.Rows*b.Cols)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: b.Rows, Cols: kk, Stride: kk, Data: tr.p[k][:b.Rows*kk]},
			blas64.General{Rows: kk, Cols: b.Cols, Stride: b.Cols, Data: tr.q[k][:kk*b.Cols]},
			0, blas64.General{Rows: b.Rows, Cols: b.Cols, Stride: b.Cols, Data: want})
		for i, w := range want {
			// A conductance plus either zero is the same.
			if got[i] != w || got[i] != 0 && math.Float64bits(got[i]) != math.Float64bits(w) {
				t.Fatalf("block %d, element %d: %v, Dgemm %v", k, i, got[i], w)
			}
		}
		for i := range b.Rows {
			if !slices.ContainsFunc(tr.p[k][i*kk+1:(i+1)*kk], func(x float64) bool { return x != 0 }) {
				plain++
			}
		}
	}
	if plain == 0 {
		t.Fatal("no row at 0 V in every sample: the test does not reach the shortcut")
	}
}
