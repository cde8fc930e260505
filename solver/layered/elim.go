package layered

import (
	"math"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// This file holds the block elimination of the folded Jacobian: no
// crossbar joins a group to itself (but for lateral couplings within a
// block), so the Jacobian is block tridiagonal along each chain of groups,
// and a Newton step eliminates the blocks one after the other.

// cblock is block k of a chain in elimination order.
type cblock struct {
	off, n      int
	nprev, nnxt int
	dn          []float64 // B(k,k-1): n x nprev, row-major
	upT         []float64 // B(k,k+1) transposed: nnxt x n
	s           []float64 // Schur complement, n x n, LU-factored (k > 0, or w)
	ipiv        []int
	w           []float64 // lateral couplings within the block, n x n, or nil
	tt          []float64 // (S(k)^-1 B(k,k+1)) transposed: nnxt x n
	work        []float64 // n x nnxt
}

func reversed(c []int) []int {
	r := make([]int, len(c))
	for i, b := range c {
		r[len(c)-1-i] = b
	}
	return r
}

// chainCost estimates the flops of one block elimination along c; blocks
// with lateral couplings (hasW) are dense even at the start.
func chainCost(lay *mna.Layering, c []int, hasW []bool) float64 {
	cost := 0.0
	if n := float64(len(lay.Blocks[c[0]])); hasW[c[0]] {
		cost += n * n * n / 3
	}
	for k := 1; k < len(c); k++ {
		n, p := float64(len(lay.Blocks[c[k]])), float64(len(lay.Blocks[c[k-1]]))
		cost += n*n*p + n*n*n/3
		if k+1 < len(c) {
			cost += n * n * float64(len(lay.Blocks[c[k+1]]))
		}
	}
	return cost
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }

func gen(data []float64, r, c int) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}

// step solves J dx = -f by block elimination along every chain. With
// factor false it reuses the elimination of the previous call (a chord
// step). It reports false if a pivot vanished.
func (s *Solver) step(factor bool) bool {
	if factor {
		s.fac.valid = false
	}
	f, d, dx := s.f, s.d, s.dx
	for _, blocks := range s.chain {
		for k := range blocks {
			b := &blocks[k]
			y := dx[b.off : b.off+b.n]
			if k == 0 && b.w == nil {
				invd := s.invd[b.off : b.off+b.n]
				if !factor {
					for i := range y {
						y[i] = -f[b.off+i] * invd[i]
					}
					continue
				}
				for i := range y {
					di := d[b.off+i]
					if !(di > 0) || math.IsInf(di, 0) {
						return false
					}
					invd[i] = 1 / di
					y[i] = -f[b.off+i] * invd[i]
				}
				for q := range b.nnxt {
					row, out := b.upT[q*b.n:(q+1)*b.n], b.tt[q*b.n:(q+1)*b.n]
					for i, bij := range row {
						out[i] = bij * invd[i]
					}
				}
				continue
			}
			S := gen(b.s, b.n, b.n)
			if factor {
				// S(k) = D(k) + W(k) - B(k,k-1) S(k-1)^-1 B(k-1,k).
				copy(b.s, b.w)
				if b.w == nil {
					clear(b.s)
				}
				for i := range b.n {
					b.s[i*b.n+i] += d[b.off+i]
				}
				if k > 0 {
					p := &blocks[k-1]
					blas64.Gemm(blas.NoTrans, blas.Trans, -1, gen(b.dn, b.n, b.nprev), gen(p.tt, b.n, p.n), 1, S)
				}
				if !lapack64.Getrf(S, b.ipiv) {
					return false
				}
			}
			// r(k) = -f(k) - B(k,k-1) y(k-1).
			for i := range y {
				y[i] = -f[b.off+i]
			}
			if k > 0 {
				p := &blocks[k-1]
				blas64.Gemv(blas.NoTrans, -1, gen(b.dn, b.n, b.nprev), vec(dx[p.off:p.off+p.n]), 1, vec(y))
			}
			lapack64.Getrs(blas.NoTrans, S, blas64.General{Rows: b.n, Cols: 1, Stride: 1, Data: y}, b.ipiv)
			if factor && b.nnxt > 0 {
				for q := range b.nnxt {
					for i := range b.n {
						b.work[i*b.nnxt+q] = b.upT[q*b.n+i]
					}
				}
				w := gen(b.work, b.n, b.nnxt)
				lapack64.Getrs(blas.NoTrans, S, w, b.ipiv)
				for q := range b.nnxt {
					for i := range b.n {
						b.tt[q*b.n+i] = b.work[i*b.nnxt+q]
					}
				}
			}
		}
		for k := len(blocks) - 2; k >= 0; k-- {
			b, q := &blocks[k], &blocks[k+1]
			blas64.Gemv(blas.Trans, -1, gen(b.tt, b.nnxt, b.n), vec(dx[q.off:q.off+q.n]), 1, vec(dx[b.off:b.off+b.n]))
		}
	}
	for _, x := range dx {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
