package clipsum

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdd4 holds Add4 (SSE2 on amd64) to add4Go and to the plain
// clip-and-sum loop, bit for bit, on rows
// of every length up to 9 (odd and even) with changes that cross both
// bounds, land on them and stay inside.
func TestAdd4(t *testing.T) {
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
			s := Add4(&g, &d, cols, lo, hi)
			s2 := add4Go(&g2, &d, cols2, lo, hi)
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

// BenchmarkAdd4 measures the clip-and-sum of four rows of a
// 784x100 and a 784x1024 block's width, in SSE2 where there is a kernel
// and in Go.
func BenchmarkAdd4(b *testing.B) {
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
				Add4(&g, &d, cols, 1e-7, 1e-4)
			}
		})
		b.Run(fmt.Sprintf("4x%d/go", n), func(b *testing.B) {
			for b.Loop() {
				add4Go(&g, &d, cols, 1e-7, 1e-4)
			}
		})
	}
}
