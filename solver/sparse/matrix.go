package sparse

import (
	"fmt"
	"math"
	"slices"
)

// pattern is the immutable nonzero structure of a square matrix in
// compressed sparse column form: the row indices of column j are
// rowIdx[colPtr[j]:colPtr[j+1]], strictly increasing. Matrices that share a
// pattern share the pointer, which lets LU.Refactor check cheaply that it is
// given the structure it factored.
type pattern struct {
	n      int
	colPtr []int
	rowIdx []int32
}

// Matrix is a square sparse matrix in compressed sparse column (CSC) form.
// Its structure is fixed when it is made; its values may change at any
// time through the slice that Values returns, which is how a Newton loop
// restamps a Jacobian: zero the values, then add each contribution into
// the slot the Builder gave for it.
type Matrix struct {
	pat    *pattern
	values []float64
}

// NewMatrix returns an n×n matrix with the given CSC structure and values.
// The row indices of each column must be strictly increasing and in
// [0, n). NewMatrix copies colPtr and rowIdx and keeps values, which must
// have one element per entry (nil allocates zeros). It panics if the
// structure is invalid.
func NewMatrix(n int, colPtr []int, rowIdx []int, values []float64) *Matrix {
	if n < 0 || len(colPtr) != n+1 || colPtr[0] != 0 {
		panic("sparse: bad column pointers")
	}
	nnz := colPtr[n]
	if len(rowIdx) != nnz || nnz > math.MaxInt32 {
		panic("sparse: row index length does not match column pointers")
	}
	if values == nil {
		values = make([]float64, nnz)
	}
	if len(values) != nnz {
		panic("sparse: value length does not match column pointers")
	}
	p := &pattern{n: n, colPtr: slices.Clone(colPtr), rowIdx: make([]int32, nnz)}
	for j := range n {
		if colPtr[j+1] < colPtr[j] {
			panic("sparse: column pointers decrease")
		}
		last := -1
		for k := colPtr[j]; k < colPtr[j+1]; k++ {
			i := rowIdx[k]
			if i <= last || i >= n {
				panic(fmt.Sprintf("sparse: row index %d of column %d out of order or out of range", i, j))
			}
			last = i
			p.rowIdx[k] = int32(i)
		}
	}
	return &Matrix{pat: p, values: values}
}

// N returns the order of the matrix.
func (m *Matrix) N() int { return m.pat.n }

// NNZ returns the number of structural entries (stored values).
func (m *Matrix) NNZ() int { return len(m.values) }

// Values returns the stored values, column by column: the matrix's own
// storage, not a copy. Writing to it changes the matrix.
func (m *Matrix) Values() []float64 { return m.values }

// ColPtr returns a copy of the column pointers: the entries of column j are
// at positions [ColPtr()[j], ColPtr()[j+1]) of Values.
func (m *Matrix) ColPtr() []int { return slices.Clone(m.pat.colPtr) }

// RowIndex returns the row of the entry stored at position k of Values.
func (m *Matrix) RowIndex(k int) int { return int(m.pat.rowIdx[k]) }

// WithValues returns a matrix with the structure of m and the given values,
// one per entry. It shares the structure, so an LU of m can Refactor it.
// It panics if len(values) != m.NNZ().
func (m *Matrix) WithValues(values []float64) *Matrix {
	if len(values) != len(m.values) {
		panic("sparse: value length does not match the structure")
	}
	return &Matrix{pat: m.pat, values: values}
}

// Slot returns the position in Values of entry (i, j) and true, or -1 and
// false if (i, j) is not in the structure. It takes O(log nnz(column j))
// time; a stamping loop should keep the slots the Builder returns instead.
func (m *Matrix) Slot(i, j int) (int, bool) {
	n := m.pat.n
	if i < 0 || i >= n || j < 0 || j >= n {
		panic("sparse: index out of range")
	}
	lo, hi := m.pat.colPtr[j], m.pat.colPtr[j+1]
	k, found := slices.BinarySearch(m.pat.rowIdx[lo:hi], int32(i))
	if !found {
		return -1, false
	}
	return lo + k, true
}

// At returns the value of entry (i, j), zero if it is not in the structure.
func (m *Matrix) At(i, j int) float64 {
	if k, ok := m.Slot(i, j); ok {
		return m.values[k]
	}
	return 0
}

// MulVecTo computes dst = A*x, or dst = Aᵀ*x if trans is true. dst must not
// overlap x. It panics if the lengths of dst or x are not N.
func (m *Matrix) MulVecTo(dst []float64, trans bool, x []float64) {
	n := m.pat.n
	if len(dst) != n || len(x) != n {
		panic("sparse: dimension mismatch")
	}
	cp, ri, v := m.pat.colPtr, m.pat.rowIdx, m.values
	if trans {
		for j := range n {
			s := 0.0
			for k := cp[j]; k < cp[j+1]; k++ {
				s += v[k] * x[ri[k]]
			}
			dst[j] = s
		}
		return
	}
	clear(dst)
	for j := range n {
		xj := x[j]
		for k := cp[j]; k < cp[j+1]; k++ {
			dst[ri[k]] += v[k] * xj
		}
	}
}

// sameStructure reports whether m has the structure p.
func (m *Matrix) sameStructure(p *pattern) bool {
	q := m.pat
	if q == p {
		return true
	}
	return q.n == p.n && slices.Equal(q.colPtr, p.colPtr) && slices.Equal(q.rowIdx, p.rowIdx)
}
