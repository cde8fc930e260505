package sparse

import (
	"fmt"
	"slices"
)

// Ordering selects the fill-reducing column ordering of Analyze.
type Ordering int

const (
	// Auto is AMD and, for matrices of order AutoND or more, also nested
	// dissection, keeping the one whose factorization is predicted to
	// take fewer multiply-adds. It is the default.
	Auto Ordering = iota
	// AMD is the approximate minimum degree ordering of the pattern of
	// A+Aᵀ.
	AMD
	// NestedDissection orders the pattern of A+Aᵀ by nested dissection
	// with level structures, and its small parts by AMD. It suits meshes
	// and long strips (such as wired crossbars); on graphs with long-range
	// edges its separators can be large.
	NestedDissection
	// Natural keeps the columns in their given order.
	Natural
)

// AutoND is the least order at which Auto tries nested dissection.
const AutoND = 4096

func (o Ordering) String() string {
	switch o {
	case Auto:
		return "auto"
	case AMD:
		return "amd"
	case NestedDissection:
		return "nested-dissection"
	case Natural:
		return "natural"
	}
	return fmt.Sprintf("Ordering(%d)", int(o))
}

// DefaultPivotTol is the default threshold of partial pivoting.
const DefaultPivotTol = 1e-3

// Options configures Analyze and the factorizations that use its result.
// The zero value (or nil) asks for the defaults.
type Options struct {
	// Ordering is the column ordering (default AMD).
	Ordering Ordering
	// PivotTol is the threshold of partial pivoting, in (0, 1]: the
	// diagonal entry of the ordered matrix is the pivot if its magnitude
	// is at least PivotTol times the largest candidate of its column,
	// else the largest candidate is. 1 is plain partial pivoting; small
	// values keep the fill-reducing order for diagonally dominant
	// matrices such as MNA Jacobians. Refactor accepts a reused pivot by
	// the same test. Zero means DefaultPivotTol (1e-3).
	PivotTol float64
}

// Symbolic is the analysis of a matrix structure: the fill-reducing column
// order and the predicted fill. It depends only on the structure, so one
// Symbolic serves every matrix with that structure. It is read-only and
// safe for concurrent use.
type Symbolic struct {
	n        int
	pat      *pattern
	ordering Ordering // the ordering used, never Auto
	order    []int32  // order[k] is the column of A eliminated at step k
	inv      []int32  // inv[order[k]] == k
	pivotTol float64
	cost     fillCost
}

// Analyze computes the column ordering of a's structure; its values are
// not used. It panics if o.PivotTol is outside [0, 1] or o.Ordering is
// unknown.
func Analyze(a *Matrix, o *Options) *Symbolic {
	var opt Options
	if o != nil {
		opt = *o
	}
	if !(opt.PivotTol >= 0 && opt.PivotTol <= 1) {
		panic("sparse: pivot tolerance outside [0, 1]")
	}
	if opt.PivotTol == 0 {
		opt.PivotTol = DefaultPivotTol
	}
	n := a.N()
	s := &Symbolic{n: n, pat: a.pat, pivotTol: opt.PivotTol, ordering: opt.Ordering}
	ptr, idx := symmetricPattern(a.pat)
	switch opt.Ordering {
	case Auto:
		s.ordering = AMD
		s.order, _ = amd(n, ptr, idx)
		s.cost = orderingCost(n, ptr, idx, s.order)
		if n >= AutoND {
			nd := nestedDissection(n, ptr, idx)
			if c := orderingCost(n, ptr, idx, nd); c.madds < s.cost.madds {
				s.ordering, s.order, s.cost = NestedDissection, nd, c
			}
		}
	case AMD:
		s.order, _ = amd(n, ptr, idx)
	case NestedDissection:
		s.order = nestedDissection(n, ptr, idx)
	case Natural:
		s.order = make([]int32, n)
		for i := range s.order {
			s.order[i] = int32(i)
		}
	default:
		panic("sparse: unknown ordering")
	}
	if opt.Ordering != Auto {
		s.cost = orderingCost(n, ptr, idx, s.order)
	}
	s.inv = make([]int32, n)
	for k, j := range s.order {
		s.inv[j] = int32(k)
	}
	return s
}

// N returns the order of the analyzed matrix.
func (s *Symbolic) N() int { return s.n }

// Ordering returns the ordering used: the one asked for, or for Auto the
// one it chose.
func (s *Symbolic) Ordering() Ordering { return s.ordering }

// Order returns the column ordering: column Order()[k] of A is eliminated
// at step k. It is a new slice.
func (s *Symbolic) Order() []int {
	out := make([]int, len(s.order))
	for i, v := range s.order {
		out[i] = int(v)
	}
	return out
}

// Predicted returns the number of entries of L and U (as LU.NNZ counts
// them) and the multiply-adds of the factorization, predicted from the
// structure of A+Aᵀ for pivots on the diagonal. Off-diagonal pivots
// change both; for an unsymmetric structure the prediction is an upper
// bound on the pattern but not on the pivoting.
func (s *Symbolic) Predicted() (nnz, madds float64) {
	return 2*s.cost.lnz + float64(s.n), s.cost.madds
}

// symmetricPattern returns the structure of A+Aᵀ without its diagonal, as
// column pointers and row indices (in no particular order within a column).
func symmetricPattern(p *pattern) (ptr, idx []int32) {
	n := p.n
	ptr = make([]int32, n+1)
	for j := range n {
		for _, i := range p.rowIdx[p.colPtr[j]:p.colPtr[j+1]] {
			if int(i) != j {
				ptr[i+1]++
				ptr[j+1]++
			}
		}
	}
	for j := range n {
		ptr[j+1] += ptr[j]
	}
	idx = make([]int32, ptr[n])
	fill := slices.Clone(ptr[:n])
	for j := range n {
		for _, i := range p.rowIdx[p.colPtr[j]:p.colPtr[j+1]] {
			if int(i) != j {
				idx[fill[j]] = i
				fill[j]++
				idx[fill[i]] = int32(j)
				fill[i]++
			}
		}
	}
	// An entry present in both A and Aᵀ appears twice: keep the first.
	mark := make([]int32, n)
	for i := range mark {
		mark[i] = -1
	}
	q := int32(0)
	for j := range n {
		start := q
		for _, i := range idx[ptr[j]:ptr[j+1]] {
			if mark[i] != int32(j) {
				mark[i] = int32(j)
				idx[q] = i
				q++
			}
		}
		ptr[j] = start
	}
	ptr[n] = q
	return ptr, idx[:q]
}
