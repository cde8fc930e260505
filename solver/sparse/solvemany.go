package sparse

// SolveManyTo solves A·X = B for nrhs right-hand sides at once and writes X
// into dst. B and X are n×nrhs matrices stored by rows: entry i of
// right-hand side r is b[i*nrhs+r], the layout of a row-major matrix such
// as gonum's mat.Dense with stride nrhs. dst and b may be the same slice.
//
// It reads L and U once for all right-hand sides, so it is much faster
// than nrhs calls to SolveTo when the factors do not fit in cache (the
// Schur complement of a network onto its terminals, or one adjoint per
// output). It allocates n·nrhs workspace on first use and keeps it. It
// panics if nrhs < 1, the lengths of dst or b are not N·nrhs, or the LU
// holds no valid factorization.
func (lu *LU) SolveManyTo(dst, b []float64, nrhs int) {
	w := lu.checkMany(dst, b, nrhs)
	n := lu.n
	for k, i := range lu.prow[:n] {
		copy(w[k*nrhs:(k+1)*nrhs], b[int(i)*nrhs:(int(i)+1)*nrhs])
	}
	for k := range n {
		wk := w[k*nrhs : (k+1)*nrhs]
		rows := lu.li[lu.lp[k]:lu.lp[k+1]]
		vals := lu.lx[lu.lp[k]:lu.lp[k+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			axpy(w[int(i)*nrhs:(int(i)+1)*nrhs], -vals[t], wk)
		}
	}
	for k := n - 1; k >= 0; k-- {
		wk := w[k*nrhs : (k+1)*nrhs]
		d := lu.udiag[k]
		for c := range wk {
			wk[c] /= d
		}
		rows := lu.ui[lu.up[k]:lu.up[k+1]]
		vals := lu.ux[lu.up[k]:lu.up[k+1]]
		vals = vals[:len(rows)]
		for t, j := range rows {
			axpy(w[int(j)*nrhs:(int(j)+1)*nrhs], -vals[t], wk)
		}
	}
	for k, j := range lu.q[:n] {
		copy(dst[int(j)*nrhs:(int(j)+1)*nrhs], w[k*nrhs:(k+1)*nrhs])
	}
}

// SolveTransManyTo solves Aᵀ·X = B for nrhs right-hand sides at once, in
// the layout of SolveManyTo, and writes X into dst. dst and b may be the
// same slice. It panics as SolveManyTo does.
func (lu *LU) SolveTransManyTo(dst, b []float64, nrhs int) {
	w := lu.checkMany(dst, b, nrhs)
	n := lu.n
	for k, j := range lu.q[:n] {
		copy(w[k*nrhs:(k+1)*nrhs], b[int(j)*nrhs:(int(j)+1)*nrhs])
	}
	for k := range n {
		wk := w[k*nrhs : (k+1)*nrhs]
		rows := lu.ui[lu.up[k]:lu.up[k+1]]
		vals := lu.ux[lu.up[k]:lu.up[k+1]]
		vals = vals[:len(rows)]
		for t, j := range rows {
			axpy(wk, -vals[t], w[int(j)*nrhs:(int(j)+1)*nrhs])
		}
		d := lu.udiag[k]
		for c := range wk {
			wk[c] /= d
		}
	}
	for k := n - 1; k >= 0; k-- {
		wk := w[k*nrhs : (k+1)*nrhs]
		rows := lu.li[lu.lp[k]:lu.lp[k+1]]
		vals := lu.lx[lu.lp[k]:lu.lp[k+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			axpy(wk, -vals[t], w[int(i)*nrhs:(int(i)+1)*nrhs])
		}
	}
	for k, i := range lu.prow[:n] {
		copy(dst[int(i)*nrhs:(int(i)+1)*nrhs], w[k*nrhs:(k+1)*nrhs])
	}
}

// axpy computes y += a·x; len(x) must be at least len(y).
func axpy(y []float64, a float64, x []float64) {
	x = x[:len(y)]
	for c, v := range x {
		y[c] += a * v
	}
}

func (lu *LU) checkMany(dst, b []float64, nrhs int) []float64 {
	if !lu.ok {
		panic("sparse: solve without a valid factorization")
	}
	if nrhs < 1 || len(dst) != lu.n*nrhs || len(b) != lu.n*nrhs {
		panic("sparse: dimension mismatch")
	}
	if len(lu.xm) < lu.n*nrhs {
		lu.xm = make([]float64, lu.n*nrhs)
	}
	return lu.xm[:lu.n*nrhs]
}
