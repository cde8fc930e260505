package eqprop

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// updateRows is the number of rows of a block that one call of applyRows
// moves: its share of the products (updateRows x Cols) stays in cache
// between being formed and being applied, and the rows of a large block
// spread over the workers.
const updateRows = 32

// update reduces the batch's measurements in sample order into the
// gradient of every block and programs the new conductances.
//
// For conductance (i, j) and one sample, the estimate is
// c*((a_i - b_j)^2 - (a'_i - b'_j)^2) with a, b the side voltages of the
// first measurement and a', b' of the second. Written with the
// differences da = a - a', db = b - b' and sums sa = a + a', sb = b + b',
// it is c*(da_i - db_j)(sa_i - sb_j) = c*(da_i sa_i + db_j sb_j - da_i sb_j -
// sa_i db_j): a row term, a column term and two rank-one products. Summed
// over a batch of m samples, the products are one matrix product
// [DA; SA]^T [SB; DB] with inner dimension 2m, which BLAS does far faster
// than a loop over every conductance per sample. Where a side does not
// move between the two phases (inputs pinned by sources), its
// differences vanish and half the product is skipped.
//
// Without a device model the product is formed and applied a band of
// updateRows rows at a time, the bands spread over the workers: each
// conductance is read and written once per batch, and every one is
// computed as the whole product would compute it, so the result does not
// depend on the bands or the workers. A network that is a RowProgrammer
// gets each band as it is done.
func (t *Trainer) update(slots []slot) {
	m := len(slots)
	for k, b := range t.blocks {
		lo, hi := t.gather(k, slots)
		step := t.lr[k] * t.est.c * b.Scale / float64(m)
		if t.dev != nil {
			t.gradient(k, m, lo, hi)
			t.updateDevices(k, step)
			continue
		}
		rp, rows := t.reps[0].(RowProgrammer)
		bands := (b.Rows + updateRows - 1) / updateRows
		t.parallel(bands, func(r, i int) {
			i0, i1 := i*updateRows, min((i+1)*updateRows, b.Rows)
			t.applyRows(k, m, lo, hi, step, i0, i1, t.band[r])
			if rows {
				rp.ProgramRows(k, i0, t.g[k][i0*b.Cols:i1*b.Cols])
			}
		})
		if !rows {
			t.reps[0].Program(k, t.g[k])
		}
	}
}

// gather fills block k's P (Rows x 2m, [DA^T SA^T], stored row by row so
// that a band of the product is a band of P times Q), Q (2m x Cols,
// [SB; DB]) and its row and column terms from the batch's measurements,
// and returns the range [lo, hi) of the inner dimension whose differences
// are not all zero.
func (t *Trainer) gather(k int, slots []slot) (lo, hi int) {
	b := t.blocks[k]
	R, C, m := b.Rows, b.Cols, len(slots)
	p, q, row, col := t.p[k], t.q[k], t.row[k], t.col[k]
	clear(row)
	clear(col)
	movesA, movesB := false, false
	for s := range slots {
		a1, a2 := slots[s].m1.A[k], slots[s].m2.A[k]
		for i := range R {
			da, sa := a1[i]-a2[i], a1[i]+a2[i]
			p[i*2*m+s], p[i*2*m+m+s] = da, sa
			row[i] += da * sa
			movesA = movesA || da != 0
		}
		b1, b2 := slots[s].m1.B[k], slots[s].m2.B[k]
		sb, db := q[s*C:(s+1)*C], q[(m+s)*C:(m+s+1)*C]
		for j := range C {
			db[j] = b1[j] - b2[j]
			sb[j] = b1[j] + b2[j]
			col[j] += db[j] * sb[j]
			movesB = movesB || db[j] != 0
		}
	}
	// grad = -(DA^T SB + SA^T DB), skipping the half of the inner
	// dimension whose differences are all zero.
	lo, hi = 0, 2*m
	switch {
	case !movesA && !movesB:
		lo, hi = 0, 0
	case !movesA:
		lo = m
	case !movesB:
		hi = m
	}
	return lo, hi
}

// product writes rows [i0, i1) of -P[:, lo:hi] Q[lo:hi, :] for block k
// into dst ((i1-i0) x Cols).
func (t *Trainer) product(dst []float64, k, m, lo, hi, i0, i1 int) {
	C := t.blocks[k].Cols
	if lo == hi {
		clear(dst[:(i1-i0)*C])
		return
	}
	p := t.p[k][i0*2*m:]
	blas64.Gemm(blas.NoTrans, blas.NoTrans, -1,
		blas64.General{Rows: i1 - i0, Cols: hi - lo, Stride: 2 * m, Data: p[lo:]},
		blas64.General{Rows: hi - lo, Cols: C, Stride: C, Data: t.q[k][lo*C : hi*C]},
		0, blas64.General{Rows: i1 - i0, Cols: C, Stride: C, Data: dst})
}

// gradient writes the whole of block k's product into t.grad[k].
func (t *Trainer) gradient(k, m, lo, hi int) {
	t.product(t.grad[k], k, m, lo, hi, 0, t.blocks[k].Rows)
}

// applyRows moves rows [i0, i1) of block k's conductances by
// -step*(row_i + col_j + grad_ij), clipped to [GMin, GMax], with buf
// (updateRows x Cols) as work space for the product.
func (t *Trainer) applyRows(k, m, lo, hi int, step float64, i0, i1 int, buf []float64) {
	C := t.blocks[k].Cols
	t.product(buf, k, m, lo, hi, i0, i1)
	row, col := t.row[k], t.col[k][:C]
	g, gmin, gmax := t.g[k], t.cfg.GMin, t.cfg.GMax
	for i := i0; i < i1; i++ {
		ri := row[i]
		gr, gg := buf[(i-i0)*C:(i-i0+1)*C], g[i*C:(i+1)*C]
		gg = gg[:len(gr)]
		for j, x := range gr {
			// min and max clip without branches: about half the
			// conductances sit at GMin, which branches mispredict.
			gg[j] = min(max(gg[j]-step*(ri+col[j]+x), gmin), gmax)
		}
	}
}

// updateDevices applies the change -step*(row_i + col_j + grad_ij) to the
// conductances of block k through its devices and programs them. The
// write noise is drawn from a stream that depends only on the seed, the
// epoch, the batch and the block, not on the workers or on a resume.
func (t *Trainer) updateDevices(k int, step float64) {
	b := t.blocks[k]
	R, C := b.Rows, b.Cols
	row, col, dg := t.row[k], t.col[k], t.grad[k]
	for i := range R {
		ri := row[i]
		gr := dg[i*C : (i+1)*C]
		for j, x := range gr {
			gr[j] = -(step * (ri + col[j] + x))
		}
	}
	rng := rand.New(rand.NewPCG(mix(t.cfg.Seed, 1<<32|uint64(k)), uint64(t.epoch)<<32|uint64(t.batch)))
	t.dev[k].Update(t.g[k], dg, rng)
	t.reps[0].Program(k, t.g[k])
}
