package eqprop

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestClipAdd4 holds clipAdd4 (SSE2 on amd64) to clipAdd4Go and to the
// plain clip-and-sum loop of mna.StripeSums' order, bit for bit, on rows
// of every length up to 9 (odd and even) with changes that cross both
// bounds, land on them and stay inside.
func TestClipAdd4(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const lo, hi = 1e-7, 1e-4
	for n := range 10 {
		for trial := range 50 {
			var g, d, g2, g3 [4][]float64
			cols := make([]float64, n)
			for j := range cols {
				cols[j] = rng.Float64() * 1e-4
			}
			for r := range g {
				g[r], d[r] = make([]float64, n), make([]float64, n)
				for j := range n {
					g[r][j] = lo + rng.Float64()*(hi-lo)
					switch rng.IntN(5) {
					case 0:
						d[r][j] = -2 * hi // below lo
					case 1:
						d[r][j] = 2 * hi // above hi
					case 2:
						d[r][j] = lo - g[r][j] // onto lo
					default:
						d[r][j] = (rng.Float64() - 0.5) * 1e-5
					}
				}
				g2[r], g3[r] = append([]float64(nil), g[r]...), append([]float64(nil), g[r]...)
			}
			cols2, cols3 := append([]float64(nil), cols...), append([]float64(nil), cols...)
			s := clipAdd4(&g, &d, cols, lo, hi)
			s2 := clipAdd4Go(&g2, &d, cols2, lo, hi)
			var s3 [4]float64
			for r := range g3 {
				for j := range n {
					v := min(max(g3[r][j]+d[r][j], lo), hi)
					g3[r][j] = v
					s3[r] += v
					cols3[j] += v
				}
			}
			where := fmt.Sprintf("n %d trial %d", n, trial)
			for r := range s {
				if math.Float64bits(s[r]) != math.Float64bits(s2[r]) || math.Float64bits(s[r]) != math.Float64bits(s3[r]) {
					t.Fatalf("%s: row %d sums %v, in Go %v, plainly %v", where, r, s[r], s2[r], s3[r])
				}
				for j := range n {
					if g[r][j] != g2[r][j] || g[r][j] != g3[r][j] {
						t.Fatalf("%s: g[%d][%d] = %v, in Go %v, plainly %v", where, r, j, g[r][j], g2[r][j], g3[r][j])
					}
				}
			}
			for j := range n {
				if math.Float64bits(cols[j]) != math.Float64bits(cols2[j]) || math.Float64bits(cols[j]) != math.Float64bits(cols3[j]) {
					t.Fatalf("%s: cols[%d] = %v, in Go %v, plainly %v", where, j, cols[j], cols2[j], cols3[j])
				}
			}
		}
	}
}

// BenchmarkClipAdd4 measures the clip-and-sum of four rows of a
// 784x100 and a 784x1024 block's width.
func BenchmarkClipAdd4(b *testing.B) {
	for _, n := range []int{100, 1024} {
		rng := rand.New(rand.NewPCG(1, 2))
		var g, d [4][]float64
		for r := range g {
			g[r], d[r] = make([]float64, n), make([]float64, n)
			for j := range n {
				g[r][j], d[r][j] = rng.Float64()*1e-4, (rng.Float64()-0.5)*1e-5
			}
		}
		cols := make([]float64, n)
		b.Run(fmt.Sprintf("4x%d/asm", n), func(b *testing.B) {
			for b.Loop() {
				clipAdd4(&g, &d, cols, 1e-7, 1e-4)
			}
		})
		b.Run(fmt.Sprintf("4x%d/go", n), func(b *testing.B) {
			for b.Loop() {
				clipAdd4Go(&g, &d, cols, 1e-7, 1e-4)
			}
		})
	}
}

// TestProductAsGemm holds the update's product, which skips the rows of
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
		tr.product(got, k, kk, 0, b.Rows)
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
