package sparse

import (
	"math"
	"sort"
)

// symmetry is what RefactorSymmetric knows of the last Factor.
type symmetry uint8

const (
	symmetryUnknown symmetry = iota // not yet looked at
	symmetric                       // diagonal pivots, L's columns sorted, U's pattern Lᵀ's
	notSymmetric                    // RefactorSymmetric refactors as Refactor does
)

// RefactorSymmetric is Refactor for a matrix a whose values are symmetric,
// as a conductance matrix's are: if the last Factor chose its pivots on
// the diagonal (DiagonalPivots), then U = D·Lᵀ with D the pivots, and it
// computes L and D alone, each column of L from the columns before it,
// and U from them: about half the arithmetic of Refactor. Otherwise it is
// Refactor. It checks the pivots as Refactor does and returns the same
// errors, after which the caller should call Factor.
//
// The symmetry of a's values is the caller's promise: RefactorSymmetric
// reads only the entries of a on and below the diagonal of P·A·Q (their
// transposes stand for those above). Its factors differ from Refactor's
// in rounding only. It panics as Refactor does.
func (lu *LU) RefactorSymmetric(a *Matrix) error {
	if lu.sym == nil {
		panic("sparse: Refactor before Factor")
	}
	if !a.sameStructure(lu.pat) {
		panic("sparse: Refactor of another structure")
	}
	if !lu.structured || !lu.symmetricFactors() {
		return lu.Refactor(a)
	}
	lu.ok = false
	n := lu.n
	x, next := lu.x, lu.next
	lp, li, lx := lu.lp, lu.li, lu.lx
	up, ui, ux := lu.up, lu.ui, lu.ux
	clear(x)
	copy(next, lp[:n])
	for k := range n {
		col := lu.q[k]
		colmax, err := lu.scatter(a, col, k) // the rows above stand for U
		if err != nil {
			return err
		}
		// Column k of U is D times row k of L, and row k of L is where
		// the columns it names now point: their rows are sorted, and
		// every earlier row of theirs has been passed.
		umax := 0.0
		urows := ui[up[k]:up[k+1]]
		uvals := ux[up[k]:up[k+1]]
		uvals = uvals[:len(urows)]
		for t, j := range urows {
			p := next[j]
			next[j] = p + 1
			m := lx[p] * lu.udiag[j]
			uvals[t] = m
			umax = max(umax, math.Abs(m))
			if m == 0 {
				continue
			}
			// Row k itself too: the pivot loses l_kj·d_j·l_kj.
			rows := li[p:lp[j+1]]
			vals := lx[p:lp[j+1]]
			vals = vals[:len(rows)]
			for s, i := range rows {
				x[i] -= vals[s] * m
			}
		}
		if err := lu.pivotColumn(k, col, colmax, umax); err != nil {
			return err
		}
	}
	lu.ok = true
	return nil
}

// symmetricFactors reports whether the last Factor's factors have the
// form RefactorSymmetric needs: pivots on the diagonal, and the pattern
// of every column k of U that of row k of L. The first call after a
// Factor finds out, sorting the rows of every column of L (the solves do
// not depend on their order).
func (lu *LU) symmetricFactors() bool {
	if lu.symm != symmetryUnknown {
		return lu.symm == symmetric
	}
	lu.symm = notSymmetric
	if !lu.DiagonalPivots() {
		return false
	}
	n := lu.n
	byRow := &columnSorter{}
	for j := range n {
		byRow.rows, byRow.vals = lu.li[lu.lp[j]:lu.lp[j+1]], lu.lx[lu.lp[j]:lu.lp[j+1]]
		if !sort.IsSorted(byRow) {
			sort.Sort(byRow)
		}
	}
	if len(lu.next) != n {
		lu.next = make([]int, n)
	}
	next := lu.next
	copy(next, lu.lp[:n])
	for k := range n {
		for _, j := range lu.ui[lu.up[k]:lu.up[k+1]] {
			if p := next[j]; p == lu.lp[j+1] || int(lu.li[p]) != k {
				return false
			}
			next[j]++
		}
	}
	for j := range n {
		if next[j] != lu.lp[j+1] {
			return false
		}
	}
	lu.symm = symmetric
	return true
}

// columnSorter sorts a column of L by row.
type columnSorter struct {
	rows []int32
	vals []float64
}

func (c *columnSorter) Len() int           { return len(c.rows) }
func (c *columnSorter) Less(a, b int) bool { return c.rows[a] < c.rows[b] }
func (c *columnSorter) Swap(a, b int) {
	c.rows[a], c.rows[b] = c.rows[b], c.rows[a]
	c.vals[a], c.vals[b] = c.vals[b], c.vals[a]
}
