package sparse

// SolveTo solves A·x = b for the factorized A and writes x into dst. dst
// and b may be the same slice. It does not allocate. It panics if the LU
// holds no valid factorization or the lengths of dst and b are not N.
func (lu *LU) SolveTo(dst, b []float64) {
	lu.checkSolve(dst, b)
	n, w := lu.n, lu.x
	for k, i := range lu.prow[:n] {
		w[k] = b[i]
	}
	lu.lower(w)
	lu.upper(w)
	for k, j := range lu.q[:n] {
		dst[j] = w[k]
	}
}

// SolveTransTo solves Aᵀ·x = b for the factorized A and writes x into dst,
// as an adjoint method needs. dst and b may be the same slice. It does not
// allocate. It panics if the LU holds no valid factorization or the
// lengths of dst and b are not N.
func (lu *LU) SolveTransTo(dst, b []float64) {
	lu.checkSolve(dst, b)
	n, w := lu.n, lu.x
	for k, j := range lu.q[:n] {
		w[k] = b[j]
	}
	// Uᵀ·z = Qᵀ·b: row k of Uᵀ is column k of U.
	for k := range n {
		s := w[k]
		rows := lu.ui[lu.up[k]:lu.up[k+1]]
		vals := lu.ux[lu.up[k]:lu.up[k+1]]
		vals = vals[:len(rows)]
		for t, j := range rows {
			s -= vals[t] * w[j]
		}
		w[k] = s / lu.udiag[k]
	}
	// Lᵀ·y = z, from the last row.
	for k := n - 1; k >= 0; k-- {
		s := w[k]
		rows := lu.li[lu.lp[k]:lu.lp[k+1]]
		vals := lu.lx[lu.lp[k]:lu.lp[k+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			s -= vals[t] * w[i]
		}
		w[k] = s
	}
	for k, i := range lu.prow[:n] {
		dst[i] = w[k]
	}
}

func (lu *LU) checkSolve(dst, b []float64) {
	if !lu.ok {
		panic("sparse: solve without a valid factorization")
	}
	if len(dst) != lu.n || len(b) != lu.n {
		panic("sparse: dimension mismatch")
	}
}
