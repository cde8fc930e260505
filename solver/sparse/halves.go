package sparse

// This file splits a solve into its triangular halves, for callers that
// need one half alone (a Schur complement onto a few unknowns needs only
// forward substitutions with right-hand sides of a single nonzero, whose
// results are mostly zero) or solve from several goroutines at once: the
// halves use no workspace of the LU.

// DiagonalPivots reports whether every pivot of the factorization lies on
// the diagonal of A, P = Qᵀ in P·A·Q = L·U. Factor prefers the diagonal;
// for a symmetric A with diagonal pivots, U = D·Lᵀ up to rounding, with D
// the diagonal of U (Pivot).
func (lu *LU) DiagonalPivots() bool {
	for k := range lu.n {
		if lu.prow[k] != lu.q[k] {
			return false
		}
	}
	return true
}

// Pivot returns the pivot of elimination step k, the k-th diagonal entry
// of U.
func (lu *LU) Pivot(k int) float64 { return lu.udiag[k] }

// Order returns the column of A eliminated at step k (Q's k-th column).
func (lu *LU) Order(k int) int { return int(lu.q[k]) }

// LowerTo writes into dst, indexed by elimination step, y = L⁻¹·P·b: the
// forward half of SolveTo. dst and b must not overlap. Its work is the
// entries of the columns of L where y is not zero, plus one pass over the
// steps: for a b with few nonzeros, far less than a solve. It uses no
// workspace of the LU, so any number of goroutines may call LowerTo and
// UpperTo on one LU at once. It panics as SolveTo does.
func (lu *LU) LowerTo(dst, b []float64) {
	lu.checkSolve(dst, b)
	for k, i := range lu.prow[:lu.n] {
		dst[k] = b[i]
	}
	lu.lower(dst)
}

// UpperTo solves U·z = y, y indexed by elimination step (as LowerTo
// writes it), and writes x = Q·z into dst: the backward half of SolveTo,
// so that UpperTo after LowerTo solves A·x = b. y is overwritten with z.
// dst and y must not overlap. Like LowerTo it uses no workspace of the
// LU. It panics as SolveTo does.
func (lu *LU) UpperTo(dst, y []float64) {
	lu.checkSolve(dst, y)
	lu.upper(y)
	for k, j := range lu.q[:lu.n] {
		dst[j] = y[k]
	}
}

// lower solves L·y = w in place, w indexed by elimination step, by
// columns of L: the forward half of every solve.
func (lu *LU) lower(w []float64) {
	for k := range lu.n {
		wk := w[k]
		if wk == 0 {
			continue
		}
		rows := lu.li[lu.lp[k]:lu.lp[k+1]]
		vals := lu.lx[lu.lp[k]:lu.lp[k+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			w[i] -= vals[t] * wk
		}
	}
}

// upper solves U·z = w in place by columns of U from the last: the
// backward half of every solve.
func (lu *LU) upper(w []float64) {
	for k := lu.n - 1; k >= 0; k-- {
		wk := w[k] / lu.udiag[k]
		w[k] = wk
		if wk == 0 {
			continue
		}
		rows := lu.ui[lu.up[k]:lu.up[k+1]]
		vals := lu.ux[lu.up[k]:lu.up[k+1]]
		vals = vals[:len(rows)]
		for t, j := range rows {
			w[j] -= vals[t] * wk
		}
	}
}
