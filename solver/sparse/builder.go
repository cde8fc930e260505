package sparse

import "math"

// Builder collects the structure of a square sparse matrix entry by entry,
// the way a circuit declares which Jacobian entries each element stamps.
// The same (i, j) may be declared any number of times; all its
// declarations share one slot, so contributions added into that slot sum.
type Builder struct {
	n          int
	rows, cols []int32
}

// NewBuilder returns a Builder for an n×n matrix. It panics if n < 0 or n
// does not fit in an int32.
func NewBuilder(n int) *Builder {
	if n < 0 || n > math.MaxInt32 {
		panic("sparse: bad matrix order")
	}
	return &Builder{n: n}
}

// Add declares entry (i, j) and returns its handle: the index of this
// declaration, counting from zero. After Compile, slots[handle] is where
// the entry's value lives in Matrix.Values. It panics if i or j is out of
// range.
func (b *Builder) Add(i, j int) int {
	if i < 0 || i >= b.n || j < 0 || j >= b.n {
		panic("sparse: index out of range")
	}
	b.rows = append(b.rows, int32(i))
	b.cols = append(b.cols, int32(j))
	return len(b.rows) - 1
}

// Len returns the number of declarations so far.
func (b *Builder) Len() int { return len(b.rows) }

// Compile returns the matrix of the declared structure, with zero values,
// and the slot of every declaration: slots[h] is the position in
// m.Values() of the entry declared with handle h. Duplicate declarations
// get the same slot. Compile takes O(n + declarations) time (two counting
// sorts) and leaves the Builder unchanged.
func (b *Builder) Compile() (m *Matrix, slots []int) {
	n, nd := b.n, len(b.rows)
	// Counting sort by row, then a stable counting sort by column: within
	// each column the declarations end up in increasing row order.
	byRow := bucket(n, b.rows, nil)
	byCol := bucket(n, b.cols, byRow)
	colPtr := make([]int, n+1)
	rowIdx := make([]int32, 0, nd)
	slots = make([]int, nd)
	for t, j := 0, 0; j < n; j++ {
		colPtr[j] = len(rowIdx)
		last := int32(-1)
		for ; t < nd && int(b.cols[byCol[t]]) == j; t++ {
			h := byCol[t]
			if i := b.rows[h]; i != last {
				rowIdx = append(rowIdx, i)
				last = i
			}
			slots[h] = len(rowIdx) - 1
		}
	}
	colPtr[n] = len(rowIdx)
	p := &pattern{n: n, colPtr: colPtr, rowIdx: rowIdx[:len(rowIdx):len(rowIdx)]}
	return &Matrix{pat: p, values: make([]float64, len(rowIdx))}, slots
}

// bucket returns the declarations in order (nil: 0, 1, ...) stably sorted
// by key.
func bucket(n int, key []int32, order []int) []int {
	count := make([]int, n+1)
	for _, k := range key {
		count[k+1]++
	}
	for i := range n {
		count[i+1] += count[i]
	}
	out := make([]int, len(key))
	for t := range key {
		h := t
		if order != nil {
			h = order[t]
		}
		out[count[key[h]]] = h
		count[key[h]]++
	}
	return out
}
