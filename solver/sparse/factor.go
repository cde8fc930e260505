package sparse

import (
	"math"
)

const eps = 0x1p-52 // machine epsilon of float64

// LU is a sparse LU factorization with threshold partial pivoting,
//
//	P·A·Q = L·U,
//
// where Q is the column ordering of a Symbolic, P the row permutation
// chosen while factoring, L unit lower triangular and U upper triangular.
// The zero value is ready for Factor. An LU holds workspace that Solve
// and Refactor reuse, so one LU must not be used by several goroutines at
// once.
type LU struct {
	n   int
	pat *pattern
	sym *Symbolic // of the last Factor
	tol float64
	ok  bool // the factors are usable for solving
	// structured: the last Factor succeeded, so the pivot sequence and
	// the patterns of L and U are there for Refactor.
	structured bool

	q    []int32 // q[k] is the column of A eliminated at step k
	qinv []int32 // qinv[q[k]] == k
	prow []int32 // prow[k] is the row of A that is pivot k
	// While factoring, row i of A is known by its place qinv[i] in the
	// ordering: the preferred pivot of step k is then row k, and the rows
	// that the columns of L touch lie close together in x. pinv[qinv[i]]
	// is the step at which row i is pivot, or -1.
	pinv []int32
	arow []int32 // arow[p] is the step of the row of the entry p of A

	// Column k of L (without its unit diagonal) and of U (without its
	// diagonal udiag[k]) have their rows, as steps, at li[lp[k]:lp[k+1]]
	// and ui[up[k]:up[k+1]]. The rows of U are in a topological order of
	// the elimination, which Refactor follows.
	lp, up []int
	li, ui []int32
	lx, ux []float64
	udiag  []float64

	x     []float64 // dense column: zero while factoring, the solves' workspace
	flag  []int32   // flag[i] == k: row i is in the pattern of column k
	stack []int32   // depth-first search path
	pos   []int     // where the search resumes in each column on the path
	out   []int32   // topological order of the pattern of U, from the end
	lpend []int     // end of the unpruned part of each column of L, or -1
	xm    []float64 // workspace of the solves with many right-hand sides

	// symm says whether RefactorSymmetric may compute L alone (see
	// symmetric.go), found at its first call after each Factor; next is
	// its pointer into every column of L.
	symm symmetry
	next []int
}

// Factor computes the LU factorization of a with the column ordering of
// s, choosing pivots by threshold partial pivoting (Options.PivotTol). It
// is the left-looking algorithm of Gilbert and Peierls: each column of L
// and U is a sparse triangular solve with the columns already computed,
// whose pattern a depth-first search finds, pruned symmetrically
// (Eisenstat and Liu). The work is proportional to the arithmetic.
//
// Factor returns a *SingularError if a is singular to working precision
// and a *NotFiniteError if it meets a NaN or an infinity; the LU cannot be
// used for solving then. It panics if s is the analysis of another
// structure.
//
// Factor is the first call for a structure and the fallback when Refactor
// fails. It sizes its storage from the previous factorization and the
// estimate of s, so later calls allocate little.
func (lu *LU) Factor(a *Matrix, s *Symbolic) error {
	if s.n != a.N() || !a.sameStructure(s.pat) {
		panic("sparse: Symbolic is of another structure")
	}
	lu.reset(a, s)
	n := lu.n
	cp, ri, ax := a.pat.colPtr, a.pat.rowIdx, a.values
	x, flag, pinv, qinv := lu.x, lu.flag, lu.pinv, lu.qinv
	for k := range n {
		col := lu.q[k]
		k32 := int32(k)
		// The pattern: rows of A not yet pivotal go straight into L, the
		// others start a search through the columns of L.
		lstart := len(lu.li)
		top := n
		for _, i := range ri[cp[col]:cp[col+1]] {
			i = qinv[i]
			if flag[i] == k32 {
				continue
			}
			if pinv[i] < 0 {
				flag[i] = k32
				lu.li = append(lu.li, i)
				continue
			}
			top = lu.reach(i, k32, top)
		}
		colmax := 0.0
		for p := cp[col]; p < cp[col+1]; p++ {
			v := ax[p]
			x[qinv[ri[p]]] = v
			colmax = max(colmax, math.Abs(v))
		}
		if !(colmax <= math.MaxFloat64) {
			return lu.fail(&NotFiniteError{Col: int(col)})
		}
		umax := lu.solveColumn(top)
		if err := lu.pivot(k, lstart, max(colmax, umax)); err != nil {
			return lu.fail(err)
		}
	}
	// From now on rows of L are steps, like the rows of U.
	for p, i := range lu.li {
		lu.li[p] = pinv[i]
	}
	for p, i := range ri {
		lu.arow[p] = pinv[qinv[i]]
	}
	lu.ok, lu.structured = true, true
	return nil
}

// reset sizes the factorization for a and s and clears the workspace.
func (lu *LU) reset(a *Matrix, s *Symbolic) {
	n := a.N()
	lu.ok, lu.structured, lu.symm = false, false, symmetryUnknown
	lu.n, lu.pat, lu.sym, lu.tol = n, a.pat, s, s.pivotTol
	if len(lu.x) != n {
		lu.prow = make([]int32, n)
		lu.pinv = make([]int32, n)
		lu.lp = make([]int, n+1)
		lu.up = make([]int, n+1)
		lu.udiag = make([]float64, n)
		lu.x = make([]float64, n)
		lu.flag = make([]int32, n)
		lu.stack = make([]int32, n)
		lu.pos = make([]int, n)
		lu.out = make([]int32, n)
		lu.lpend = make([]int, n)
	}
	lu.q, lu.qinv = s.order, s.inv
	if len(lu.arow) != a.NNZ() {
		lu.arow = make([]int32, a.NNZ())
	}
	clear(lu.x)
	for i := range n {
		lu.pinv[i] = -1
		lu.flag[i] = -1
		lu.lpend[i] = -1
	}
	// L and U each hold about the entries of a Cholesky factor when the
	// pivots stay on the diagonal; grow from there by appending.
	want := int(1.2*s.cost.lnz) + n
	lu.li, lu.lx = grow(lu.li, want), grow(lu.lx, want)
	lu.ui, lu.ux = grow(lu.ui, want), grow(lu.ux, want)
}

// grow returns s emptied, with room for at least want elements.
func grow[T any](s []T, want int) []T {
	if cap(s) >= want {
		return s[:0]
	}
	return make([]T, 0, want)
}

func (lu *LU) fail(err error) error {
	clear(lu.x)
	lu.ok = false
	return err
}

// reach adds to the pattern of the current column k the rows reachable
// from the pivotal row start through the columns of L: rows not yet
// pivotal are appended to L, pivotal ones are placed in topological order
// at lu.out[top-...]. It returns the new top.
func (lu *LU) reach(start, k int32, top int) int {
	li, lp, lpend, pinv, flag := lu.li, lu.lp, lu.lpend, lu.pinv, lu.flag
	stack, pos, out := lu.stack, lu.pos, lu.out
	head := 0
	stack[0] = start
	for head >= 0 {
		j := stack[head]
		jn := pinv[j]
		if flag[j] != k {
			flag[j] = k
			if lpend[jn] >= 0 {
				pos[head] = lpend[jn]
			} else {
				pos[head] = lp[jn+1]
			}
		}
		lo := lp[jn]
		p := pos[head] - 1
		for ; p >= lo; p-- {
			i := li[p]
			if flag[i] == k {
				continue
			}
			if pinv[i] >= 0 {
				pos[head] = p
				head++
				stack[head] = i
				break
			}
			flag[i] = k
			li = append(li, i)
		}
		if p < lo {
			head--
			top--
			out[top] = j
		}
	}
	lu.li = li
	return top
}

// solveColumn completes x = L⁻¹·A(:,q[k]) over the pivotal rows
// lu.out[top:], in topological order, stores them as column k of U and
// returns their largest magnitude.
func (lu *LU) solveColumn(top int) float64 {
	x, pinv, lp, li, lx := lu.x, lu.pinv, lu.lp, lu.li, lu.lx
	umax := 0.0
	for _, j := range lu.out[top:lu.n] {
		jn := pinv[j]
		xj := x[j]
		x[j] = 0
		lu.ui = append(lu.ui, jn)
		lu.ux = append(lu.ux, xj)
		umax = max(umax, math.Abs(xj))
		if xj == 0 {
			continue
		}
		rows := li[lp[jn]:lp[jn+1]]
		vals := lx[lp[jn]:lp[jn+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			x[i] -= vals[t] * xj
		}
	}
	return umax
}

// pivot chooses the pivot of step k among the rows of L appended since
// lstart, completes column k of L and U, and prunes the columns of L that
// the new pivot makes redundant for later searches. scale is the largest
// magnitude met in the column so far.
func (lu *LU) pivot(k, lstart int, scale float64) error {
	x, li := lu.x, lu.li
	col := lu.q[k]
	amax, sum := 0.0, 0.0
	ipos, dpos := -1, -1
	for p := lstart; p < len(li); p++ {
		i := li[p]
		v := math.Abs(x[i])
		sum += v
		if v > amax {
			amax, ipos = v, p
		}
		if int(i) == k {
			dpos = p
		}
	}
	if !(sum <= math.MaxFloat64) {
		return &NotFiniteError{Col: int(col)}
	}
	scale = max(scale, amax)
	if ipos < 0 || amax <= eps*scale {
		return &SingularError{Col: int(col), Step: k, Structural: len(li) == lstart}
	}
	// Prefer the diagonal of the ordered matrix: it keeps the ordering's
	// fill estimate and, for MNA matrices, is usually the largest anyway.
	if dv := math.Abs(x[k]); dpos >= 0 && dv >= lu.tol*amax && dv > eps*scale {
		ipos = dpos
	}
	ipiv := li[ipos]
	piv := x[ipiv]
	x[ipiv] = 0
	last := len(li) - 1
	li[ipos] = li[last]
	li = li[:last]
	lu.pinv[ipiv] = int32(k)
	lu.prow[k] = lu.q[ipiv]
	lu.udiag[k] = piv
	for _, i := range li[lstart:] {
		lu.lx = append(lu.lx, x[i]/piv)
		x[i] = 0
	}
	lu.li = li
	lu.lp[k+1] = len(li)
	lu.up[k+1] = len(lu.ui)
	lu.prune(ipiv, lu.up[k], lu.up[k+1])
	return nil
}

// prune applies symmetric pruning: for each column j of L with an entry in
// row ipiv, the new pivot row, while U has entry (j, k), the rows of L(:,j)
// that are not yet pivotal are reachable through column k and need not be
// searched from j again. They are moved to the end of the column and
// lpend[j] marks where the searched part ends.
func (lu *LU) prune(ipiv int32, u0, u1 int) {
	li, lx, lp, lpend, pinv := lu.li, lu.lx, lu.lp, lu.lpend, lu.pinv
	for _, j := range lu.ui[u0:u1] {
		if lpend[j] >= 0 {
			continue
		}
		lo, hi := lp[j], lp[j+1]
		for p := lo; p < hi; p++ {
			if li[p] != ipiv {
				continue
			}
			head, tail := lo, hi
			for head < tail {
				if pinv[li[head]] >= 0 {
					head++
					continue
				}
				tail--
				li[head], li[tail] = li[tail], li[head]
				lx[head], lx[tail] = lx[tail], lx[head]
			}
			lpend[j] = head
			break
		}
	}
}

// N returns the order of the factorized matrix.
func (lu *LU) N() int { return lu.n }

// NNZ returns the number of entries stored in the factors: the strictly
// lower triangle of L (its unit diagonal is implicit) and all of U.
func (lu *LU) NNZ() int { return len(lu.li) + len(lu.ui) + lu.n }

// Valid reports whether the LU holds a factorization usable for solving.
func (lu *LU) Valid() bool { return lu.ok }
