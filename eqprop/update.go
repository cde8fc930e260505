package eqprop

import (
	"math/rand/v2"
	"slices"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/internal/clipsum"

	"gonum.org/v1/gonum/blas/gonum"
)

// updateRows is the number of rows of a block that one call of applyRows
// moves: its share of the products (updateRows x Cols) stays in cache
// between being formed and being applied, and the rows of a large block
// spread over the workers. It is the band of mna.CrossbarSums, whose
// order of summation applyRows follows.
const updateRows = mna.Stripe

// update reduces the batch's measurements in sample order into the
// change of every block's conductances and programs the new ones.
//
// For conductance (i, j) and one sample, the estimate is
// c*((a_i - b_j)^2 - (a'_i - b'_j)^2) with a, b the side voltages of the
// first measurement and a', b' of the second. Written with the
// differences da = a - a', db = b - b' and sums sa = a + a', sb = b + b',
// it is c*(da_i - db_j)(sa_i - sb_j) = c*(da_i sa_i + db_j sb_j - da_i sb_j -
// sa_i db_j): a row term, a column term and two rank-one products. Summed
// over a batch of m samples and scaled by the step -lr*Scale/m, the change
// of the block is one matrix product P Q with inner dimension 2m+2: P's
// columns are the row terms, ones, DA and SA, Q's rows ones, the column
// terms, SB and DB, the step folded into Q. BLAS does that far faster than
// a loop over every conductance per sample. Where a side does not move
// between the two phases (inputs pinned by sources), its differences and
// its row or column terms vanish and their columns are left out.
//
// The product is formed and applied a band of updateRows rows at a time,
// worker r always taking the same bands (mna.Share), all blocks in one
// parallel section: each conductance is read and written once per batch
// by the same core, and every one is computed as the whole product would
// compute it, so the result does not depend on the bands or the workers.
// Where the network lends its storage (InPlace) the bands are written
// there, with their sums; a network that is a RowProgrammer gets each
// band as it is done; any other the whole blocks after the section.
// first and next, if not nil, run in the same section on every worker,
// before and after its bands (the trainer reads the next batch's samples
// and computes their products there, see Batched); they need inPlace.
func (t *Trainer) update(slots []slot, first, next func(r, w int)) {
	m := len(slots)
	plans := t.plans[:0]
	for k, b := range t.blocks {
		rate := t.cfg.Rate(b.Name, t.epoch)
		step := -rate * t.est.c * b.Scale / float64(m)
		decay := rate * t.cfg.WeightDecay
		kk, da0, sa0 := t.gather(k, slots, step)
		if t.dev != nil {
			t.fillP(k, slots, kk, da0, sa0, 0, b.Rows)
			for i := range b.Rows {
				row := t.grad[k][i*b.Cols : (i+1)*b.Cols]
				t.decayed(row, t.change(row, k, kk, i), t.g[k][i*b.Cols:(i+1)*b.Cols], decay)
			}
			t.updateDevices(k)
			continue
		}
		plans = append(plans, updatePlan{kk, da0, sa0, (b.Rows + updateRows - 1) / updateRows, decay})
	}
	t.plans = plans
	if t.dev == nil {
		rp, rows := t.reps[0].(RowProgrammer)
		// One parallel section for every block and what comes next:
		// each worker updates the same bands of rows every time.
		t.par.Run(func(r, w int) {
			if first != nil {
				first(r, w)
			}
			for k, b := range t.blocks {
				pl := plans[k]
				lo, hi := mna.Share(pl.bands, r, w)
				for i := lo; i < hi; i++ {
					i0, i1 := i*updateRows, min((i+1)*updateRows, b.Rows)
					t.fillP(k, slots, pl.kk, pl.da0, pl.sa0, i0, i1)
					t.applyRows(k, pl, i0, i1, t.band[r], t.bandCols[k][i*b.Cols:(i+1)*b.Cols])
					if rows && !t.direct[k] {
						rp.ProgramRows(k, i0, t.g[k][i0*b.Cols:i1*b.Cols])
					}
				}
			}
			if next != nil {
				next(r, w)
			}
		})
		for k := range t.blocks {
			switch {
			case t.direct[k]:
				// The column sums in band order, whichever worker
				// summed each band: the same for any number of
				// workers.
				mna.AddStripes(t.colSums[k], t.bandCols[k])
				t.reps[0].(InPlace).Programmed(k, t.rowSums[k], t.colSums[k])
			case !rows:
				t.reps[0].Program(k, t.g[k])
			}
		}
		return
	}
	if first != nil || next != nil {
		panic("eqprop: work after an update whose conductances are not in place")
	}
}

// updatePlan is how update forms a block's change: the inner dimension
// and first columns of DA and SA (see gather), the number of bands of
// updateRows rows, and the fraction of its distance to GMin that weight
// decay takes from every conductance (0: none).
type updatePlan struct {
	kk, da0, sa0, bands int
	decay               float64
}

// inPlace reports whether every block's conductances are in the network
// once update's parallel section ends: updated in place or programmed
// row by row, so that what runs after them in that section reads them.
func (t *Trainer) inPlace() bool {
	if t.dev != nil {
		return false
	}
	_, rows := t.reps[0].(RowProgrammer)
	for k := range t.blocks {
		if !t.direct[k] && !rows {
			return false
		}
	}
	return true
}

// gather fills block k's Q (kk x Cols) from the batch's measurements,
// with the step folded into it, and returns the inner dimension kk and
// the first columns of DA and SA in P (-1 for none). P (Rows x kk,
// row-major, so that a band of rows of the product is a band of P times
// Q) is filled a band at a time by fillP. The columns of P and rows of
// Q are, in order: the column term (P ones, Q step*col), and where side
// A moves the row term (P row, Q step) and DA against -step*SB, then
// where side B moves SA against -step*DB.
func (t *Trainer) gather(k int, slots []slot, step float64) (kk, da0, sa0 int) {
	b := t.blocks[k]
	C, m := b.Cols, len(slots)
	col := t.col[k]
	clear(col)
	movesA, movesB := false, false
	for s := range slots {
		// slices.Equal stops at the first difference: this runs
		// outside the parallel sections, over every pinned input.
		movesA = movesA || !slices.Equal(slots[s].m1.A[k], slots[s].m2.A[k])
		movesB = movesB || !slices.Equal(slots[s].m1.B[k], slots[s].m2.B[k])
	}
	da0, sa0 = -1, -1
	kk = 1
	if movesA {
		da0 = 2
		kk += 1 + m
	}
	if movesB {
		sa0 = kk
		kk += m
	}
	q := t.q[k][:kk*C]
	for s := range slots {
		b1, b2 := slots[s].m1.B[k], slots[s].m2.B[k]
		for j := range C {
			db, sb := b1[j]-b2[j], b1[j]+b2[j]
			col[j] += db * sb
			if movesA {
				q[(da0+s)*C+j] = -step * sb
			}
			if movesB {
				q[(sa0+s)*C+j] = -step * db
			}
		}
	}
	for j := range C {
		q[j] = step * col[j]
	}
	if movesA {
		for j := range C {
			q[C+j] = step
		}
	}
	return kk, da0, sa0
}

// fillP fills rows [i0, i1) of block k's P (see gather) from the batch's
// measurements.
func (t *Trainer) fillP(k int, slots []slot, kk, da0, sa0, i0, i1 int) {
	p := t.p[k][:t.blocks[k].Rows*kk]
	for i := i0; i < i1; i++ {
		p[i*kk] = 1
	}
	if da0 >= 0 {
		row := t.row[k]
		for i := i0; i < i1; i++ {
			row[i] = 0
		}
		for s := range slots {
			a1, a2 := slots[s].m1.A[k], slots[s].m2.A[k]
			for i := i0; i < i1; i++ {
				da, sa := a1[i]-a2[i], a1[i]+a2[i]
				row[i] += da * sa
				p[i*kk+da0+s] = da
			}
		}
		for i := i0; i < i1; i++ {
			p[i*kk+1] = row[i]
		}
	}
	if sa0 >= 0 {
		for s := range slots {
			a1, a2 := slots[s].m1.A[k], slots[s].m2.A[k]
			for i := i0; i < i1; i++ {
				p[i*kk+sa0+s] = a1[i] + a2[i]
			}
		}
	}
}

var impl gonum.Implementation // blas64's BLAS, called without its interface

// change returns row i of block k's P Q, inner dimension kk, bit for bit
// as gonum's Dgemm sums it (over P's row in order, skipping zeros): Q's
// first row itself where the rest of P's row is zero (inputs at 0 V;
// P's first column is all ones, and adding -0 or +0 to a conductance is
// the same), else the product written into dst (Cols).
func (t *Trainer) change(dst []float64, k, kk, i int) []float64 {
	C := t.blocks[k].Cols
	p, q := t.p[k][i*kk:(i+1)*kk], t.q[k]
	if !slices.ContainsFunc(p[1:], func(x float64) bool { return x != 0 }) {
		return q[:C]
	}
	clear(dst)
	for l, x := range p {
		if x != 0 {
			impl.Daxpy(C, x, q[l*C:(l+1)*C], 1, dst, 1)
		}
	}
	return dst
}

// applyRows adds rows [i0, i1) of block k's change, planned by pl, to its
// conductances, clipped to [GMin, GMax], with buf (updateRows x Cols) as
// work space for the change. It writes the new rows' sums into rowSums[k]
// and their column sums into cols.
func (t *Trainer) applyRows(k int, pl updatePlan, i0, i1 int, buf, cols []float64) {
	C := t.blocks[k].Cols
	g := t.g[k][i0*C : i1*C]
	// Row r's change, in buf's row r unless it is Q's first row and
	// nothing decays.
	change := func(r int) []float64 {
		dst := buf[r*C : (r+1)*C]
		d := t.change(dst, k, pl.kk, i0+r)
		if pl.decay == 0 {
			return d
		}
		return t.decayed(dst, d, g[r*C:(r+1)*C], pl.decay)
	}
	// The sums are taken as each conductance is written, in the order
	// of mna.StripeSums (TestTrainerProgramRows holds them to it bit for
	// bit): a second pass over the band made the update of a 784x1024
	// block 15-50% slower (BenchmarkTrainUpdate).
	clear(cols)
	rows := t.rowSums[k][i0:i1]
	r := 0
	for ; r+4 <= len(rows); r += 4 {
		gr := [4][]float64{g[r*C : (r+1)*C], g[(r+1)*C : (r+2)*C], g[(r+2)*C : (r+3)*C], g[(r+3)*C : (r+4)*C]}
		dr := [4][]float64{change(r), change(r + 1), change(r + 2), change(r + 3)}
		s := clipsum.Add4(&gr, &dr, cols[:C], t.cfg.GMin, t.cfg.GMax)
		copy(rows[r:r+4], s[:])
	}
	for ; r < len(rows); r++ {
		rows[r] = clipsum.Add1(g[r*C:(r+1)*C], change(r), cols[:C], t.cfg.GMin, t.cfg.GMax)
	}
}

// decayed writes into dst the change d of a row of conductances g with
// weight decay added: d - decay*(g - GMin), the step of the loss term
// WeightDecay/2*(g - GMin)^2 at a learning rate of decay/WeightDecay.
// dst may be d. It returns dst.
func (t *Trainer) decayed(dst, d, g []float64, decay float64) []float64 {
	gmin := t.cfg.GMin
	for j, x := range d {
		dst[j] = x - decay*(g[j]-gmin)
	}
	return dst
}

// updateDevices applies the change in t.grad[k] to the conductances of
// block k through its devices and programs them. The write noise is drawn
// from a stream that depends only on the seed, the epoch, the batch and
// the block, not on the workers or on a resume.
func (t *Trainer) updateDevices(k int) {
	dg := t.grad[k]
	rng := rand.New(rand.NewPCG(mix(t.cfg.Seed, 1<<32|uint64(k)), uint64(t.epoch)<<32|uint64(t.batch)))
	t.dev[k].Update(t.g[k], dg, rng)
	t.reps[0].Program(k, t.g[k])
}
