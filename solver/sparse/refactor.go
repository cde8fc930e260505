package sparse

import "math"

// Refactor computes the LU factorization of a, which must have the
// structure of the matrix last given to Factor, with the pivot sequence
// and the patterns of L and U of that Factor: no search, no pivot choice,
// no allocation. It is the step of a Newton iteration, where only the
// values of the Jacobian change.
//
// Refactor checks every reused pivot by the test Factor chooses pivots
// with: it must be nonzero, above rounding, and at least the pivot
// tolerance times the largest other candidate of its column. If one fails,
// Refactor returns a *PivotError and the caller should call Factor, which
// picks new pivots. A NaN or an infinity gives a *NotFiniteError. After an
// error the LU cannot be used for solving.
//
// If the last Factor failed, there is no pivot sequence to reuse and
// Refactor calls Factor with the same Symbolic. Refactor panics if Factor
// was never called or a has another structure.
func (lu *LU) Refactor(a *Matrix) error {
	if lu.sym == nil {
		panic("sparse: Refactor before Factor")
	}
	if !a.sameStructure(lu.pat) {
		panic("sparse: Refactor of another structure")
	}
	if !lu.structured {
		return lu.Factor(a, lu.sym)
	}
	lu.ok = false
	n := lu.n
	x := lu.x
	lp, li, lx := lu.lp, lu.li, lu.lx
	up, ui, ux := lu.up, lu.ui, lu.ux
	clear(x)
	for k := range n {
		col := lu.q[k]
		colmax, err := lu.scatter(a, col, 0)
		if err != nil {
			return err
		}
		umax := 0.0
		urows := ui[up[k]:up[k+1]]
		uvals := ux[up[k]:up[k+1]]
		uvals = uvals[:len(urows)]
		for t, j := range urows {
			xj := x[j]
			x[j] = 0
			uvals[t] = xj
			umax = max(umax, math.Abs(xj))
			if xj == 0 {
				continue
			}
			rows := li[lp[j]:lp[j+1]]
			vals := lx[lp[j]:lp[j+1]]
			vals = vals[:len(rows)]
			for s, i := range rows {
				x[i] -= vals[s] * xj
			}
		}
		if err := lu.pivotColumn(k, col, colmax, umax); err != nil {
			return err
		}
	}
	lu.ok = true
	return nil
}

// scatter writes the entries of column col of a whose rows are steps from
// lo on into lu.x, by step, and returns the largest magnitude of all the
// column's entries.
func (lu *LU) scatter(a *Matrix, col int32, lo int) (colmax float64, err error) {
	cp, ax := a.pat.colPtr, a.values
	for p := cp[col]; p < cp[col+1]; p++ {
		v := ax[p]
		colmax = max(colmax, math.Abs(v))
		if r := lu.arow[p]; int(r) >= lo {
			lu.x[r] = v
		}
	}
	if !(colmax <= math.MaxFloat64) {
		return colmax, lu.fail(&NotFiniteError{Col: int(col)})
	}
	return colmax, nil
}

// pivotColumn ends step k of a refactorization, with the column in lu.x
// reduced by the columns before it: it checks the reused pivot x[k] by the
// test Factor chooses pivots with (against the largest other candidate,
// and above rounding of colmax and umax, the largest entries of the
// column of A and of U), and divides the column of L by it, clearing x.
func (lu *LU) pivotColumn(k int, col int32, colmax, umax float64) error {
	x := lu.x
	piv := x[k]
	x[k] = 0
	rows := lu.li[lu.lp[k]:lu.lp[k+1]]
	vals := lu.lx[lu.lp[k]:lu.lp[k+1]]
	vals = vals[:len(rows)]
	amax, sum := 0.0, math.Abs(piv)
	for _, i := range rows {
		v := math.Abs(x[i])
		sum += v
		amax = max(amax, v)
	}
	if !(sum <= math.MaxFloat64) {
		return lu.fail(&NotFiniteError{Col: int(col)})
	}
	ap := math.Abs(piv)
	if ap == 0 || ap < lu.tol*amax || ap <= eps*max(colmax, umax, amax) {
		return lu.fail(&PivotError{Col: int(col), Step: k, Pivot: piv, Max: amax})
	}
	lu.udiag[k] = piv
	for s, i := range rows {
		vals[s] = x[i] / piv
		x[i] = 0
	}
	return nil
}
