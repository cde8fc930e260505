package sparse

import (
	"math"
)

// This file is the approximate minimum degree ordering of Amestoy, Davis
// and Duff (SIAM J. Matrix Anal. Appl. 17(4), 1996; ACM TOMS 30(3), 2004),
// written for this package from the published algorithm: elimination on a
// quotient graph of variables and elements, approximate external degrees
// from set differences |Le \ Lk|, element absorption (also aggressive),
// mass elimination, supervariables found by hashing, dense rows ordered
// last, and a postorder of the assembly tree.
//
// Every node i in [0, n) is, at any time, one of
//   - a live variable: elen[i] >= 0 elements then the variables of its
//     adjacency list at iw[pe[i]:pe[i]+length[i]], nv[i] > 0 its size as a
//     supervariable, degree[i] its approximate external degree;
//   - a live element: elen[i] == elemFlag, its variables at
//     iw[pe[i]:pe[i]+length[i]], degree[i] their total size, w[i] > 0;
//   - dead: absorbed into node p, with pe[i] == flip(p) (an element into a
//     newer element, a variable into a supervariable or an element), or a
//     root of the assembly tree with pe[i] == -1.
// Node n is a placeholder parent for dense variables.

const elemFlag = -2

// flip maps a node to a negative value and back; flip(-1) == -1 marks a
// root.
func flip(i int32) int32 { return -i - 2 }

type amdGraph struct {
	n                               int32
	pe, length, nv, elen, degree, w []int32
	head, next, last, hhead         []int32
	iw                              []int32
	free                            int32 // iw[free:] is unused
	mark, lemax, mindeg, nel        int32
	lnz                             float64 // entries of L, an estimate
	dense                           int32
}

// amd returns a fill-reducing elimination order of the symmetric pattern
// (ptr, idx) of n nodes, given without its diagonal, and an estimate of
// the number of entries in the strictly lower triangular Cholesky factor
// of the permuted pattern. perm[k] is the node eliminated at step k.
func amd(n int, ptr, idx []int32) (perm []int32, lnz float64) {
	if n == 0 {
		return nil, 0
	}
	g := newAMDGraph(int32(n), ptr, idx)
	for g.nel < g.n {
		g.eliminate()
	}
	return g.postorder(), g.lnz
}

func newAMDGraph(n int32, ptr, idx []int32) *amdGraph {
	nnz := int(ptr[n])
	// Elbow room for new elements: AMD's live storage never exceeds the
	// initial graph by more than about n, and compress reclaims the rest.
	size := nnz + nnz/5 + 2*int(n) + 1
	all := make([]int32, 10*(int(n)+1))
	part := func(i int) []int32 { return all[i*(int(n)+1) : (i+1)*(int(n)+1)] }
	g := &amdGraph{
		n: n, pe: part(0), length: part(1), nv: part(2), elen: part(3), degree: part(4),
		w: part(5), head: part(6), next: part(7), last: part(8), hhead: part(9),
		iw: make([]int32, size), free: int32(nnz),
	}
	copy(g.iw, idx[:nnz])
	d := int32(max(16, 10*math.Sqrt(float64(n))))
	g.dense = min(n-2, d)
	for i := range n + 1 {
		g.head[i], g.next[i], g.last[i], g.hhead[i] = -1, -1, -1, -1
		g.nv[i], g.w[i] = 1, 1
		if i < n {
			g.pe[i] = ptr[i]
			g.length[i] = ptr[i+1] - ptr[i]
			g.degree[i] = g.length[i]
		}
	}
	g.mark = g.clearW(0)
	// Node n collects dense variables: a dead element of its own.
	g.nv[n] = 0
	g.elen[n] = elemFlag
	g.pe[n] = -1
	g.w[n] = 0
	for i := range n {
		switch d := g.degree[i]; {
		case d == 0:
			// An isolated node is an element at once, a root of the tree.
			g.elen[i] = elemFlag
			g.pe[i] = -1
			g.w[i] = 0
			g.nel++
		case d > g.dense:
			// A dense variable is ordered last: it would make every
			// neighbour's degree useless as a guide.
			g.nv[i] = 0
			g.elen[i] = -1
			g.pe[i] = flip(n)
			g.nv[n]++
			g.nel++
		default:
			g.pushDegree(i, d)
		}
	}
	return g
}

// clearW returns a fresh mark: one larger than every w of a live element.
// It resets w only when mark would come near overflow.
func (g *amdGraph) clearW(mark int32) int32 {
	if mark < 2 || mark > math.MaxInt32-4*(g.n+2) {
		for i, v := range g.w[:g.n] {
			if v != 0 {
				g.w[i] = 1
			}
		}
		mark = 2
	}
	return mark
}

func (g *amdGraph) pushDegree(i, d int32) {
	if h := g.head[d]; h != -1 {
		g.last[h] = i
	}
	g.next[i] = g.head[d]
	g.last[i] = -1
	g.head[d] = i
}

func (g *amdGraph) removeDegree(i int32) {
	if nx := g.next[i]; nx != -1 {
		g.last[nx] = g.last[i]
	}
	if lt := g.last[i]; lt != -1 {
		g.next[lt] = g.next[i]
	} else {
		g.head[g.degree[i]] = g.next[i]
	}
}

// eliminate picks a variable of least approximate degree, turns it into an
// element and updates the degrees of its neighbours.
func (g *amdGraph) eliminate() {
	k := int32(-1)
	for ; g.mindeg < g.n; g.mindeg++ {
		if k = g.head[g.mindeg]; k != -1 {
			break
		}
	}
	g.removeDegree(k)
	elenk := g.elen[k]
	nvk := g.nv[k]
	g.nel += nvk
	if elenk > 0 && int(g.free)+int(g.mindeg) >= len(g.iw) {
		g.compress()
	}
	pk1, pk2, dk := g.newElement(k, elenk, nvk)
	g.mark = g.clearW(g.mark)
	g.setDifferences(pk1, pk2)
	dk, nvk = g.updateDegrees(k, pk1, pk2, dk, nvk)
	g.degree[k] = dk
	g.lemax = max(g.lemax, dk)
	g.mark = g.clearW(g.mark + g.lemax)
	g.findSupervariables(pk1, pk2)
	g.finish(k, elenk, pk1, pk2, dk, nvk)
	f, r := float64(nvk), float64(dk)
	g.lnz += f*r + f*(f-1)/2
}

// compress packs the lists of live nodes and elements at the start of iw.
func (g *amdGraph) compress() {
	n := g.n
	// Mark the first entry of every list with flip(owner), keeping the
	// entry in pe, so one pass over iw finds where each list starts.
	for j := range n {
		if p := g.pe[j]; p >= 0 && g.length[j] > 0 {
			g.pe[j] = g.iw[p]
			g.iw[p] = flip(j)
		}
	}
	q := int32(0)
	for p := int32(0); p < g.free; {
		j := flip(g.iw[p])
		p++
		if j < 0 {
			continue
		}
		g.iw[q] = g.pe[j]
		g.pe[j] = q
		q++
		for range g.length[j] - 1 {
			g.iw[q] = g.iw[p]
			q++
			p++
		}
	}
	g.free = q
	if need := int(g.free) + int(g.n) + 1; need > len(g.iw) {
		g.iw = append(g.iw, make([]int32, need-len(g.iw)+len(g.iw)/5)...)
	}
}

// newElement forms the element k: the union of its own variables and the
// variables of the elements it absorbs. The list is built in place when k
// has no elements, else at the end of iw. It returns where the list lies
// and its total size dk.
func (g *amdGraph) newElement(k, elenk, nvk int32) (pk1, pk2, dk int32) {
	iw, nv := g.iw, g.nv
	nv[k] = -nvk // negative nv: a variable in the new element
	p := g.pe[k]
	pk1 = g.free
	if elenk == 0 {
		pk1 = p
	}
	pk2 = pk1
	for k1 := int32(0); k1 <= elenk; k1++ {
		e, pj, ln := k, p, g.length[k]-elenk
		if k1 < elenk {
			e = iw[p]
			p++
			pj, ln = g.pe[e], g.length[e]
		}
		for _, i := range iw[pj : pj+ln] {
			nvi := nv[i]
			if nvi <= 0 {
				continue // dead, or already in the element
			}
			dk += nvi
			nv[i] = -nvi
			iw[pk2] = i
			pk2++
			g.removeDegree(i)
		}
		if e != k {
			g.pe[e] = flip(k)
			g.w[e] = 0
		}
	}
	if elenk != 0 {
		g.free = pk2
	}
	g.degree[k] = dk
	g.pe[k] = pk1
	g.length[k] = pk2 - pk1
	g.elen[k] = elemFlag
	return pk1, pk2, dk
}

// setDifferences leaves w[e] - mark = |Le \ Lk| for every live element e
// adjacent to a variable of the new element Lk = iw[pk1:pk2].
func (g *amdGraph) setDifferences(pk1, pk2 int32) {
	iw, w, mark := g.iw, g.w, g.mark
	for _, i := range iw[pk1:pk2] {
		eln := g.elen[i]
		if eln <= 0 {
			continue
		}
		nvi := -g.nv[i]
		wnvi := mark - nvi
		p := g.pe[i]
		for _, e := range iw[p : p+eln] {
			if w[e] >= mark {
				w[e] -= nvi
			} else if w[e] != 0 {
				w[e] = g.degree[e] + wnvi
			}
		}
	}
}

// updateDegrees bounds the external degree of every variable i of Lk,
// prunes its lists (absorbing elements inside Lk, dropping variables of
// Lk), puts k first among its elements and hashes it for supervariable
// detection. A variable left with no outside neighbour is eliminated with
// k (mass elimination). It returns the updated size of Lk and of k.
func (g *amdGraph) updateDegrees(k, pk1, pk2, dk, nvk int32) (int32, int32) {
	iw, w, mark, nv := g.iw, g.w, g.mark, g.nv
	for _, i := range iw[pk1:pk2] {
		p1 := g.pe[i]
		p2 := p1 + g.elen[i]
		pn := p1
		var h uint32
		d := int32(0)
		for p := p1; p < p2; p++ {
			e := iw[p]
			if w[e] == 0 {
				continue
			}
			if dext := w[e] - mark; dext > 0 {
				d += dext
				iw[pn] = e
				pn++
				h += uint32(e)
			} else {
				// Le is inside Lk: aggressive absorption.
				g.pe[e] = flip(k)
				w[e] = 0
			}
		}
		g.elen[i] = pn - p1 + 1
		p3 := pn
		p4 := p1 + g.length[i]
		for p := p2; p < p4; p++ {
			j := iw[p]
			if nvj := nv[j]; nvj > 0 {
				d += nvj
				iw[pn] = j
				pn++
				h += uint32(j)
			}
		}
		if d == 0 {
			g.pe[i] = flip(k)
			nvi := -nv[i]
			dk -= nvi
			nvk += nvi
			g.nel += nvi
			nv[i] = 0
			g.elen[i] = -1
			continue
		}
		g.degree[i] = min(g.degree[i], d)
		// Make k the first element of i: the old first element moves to
		// the end of the element part, the old first variable to the end.
		iw[pn] = iw[p3]
		iw[p3] = iw[p1]
		iw[p1] = k
		g.length[i] = pn - p1 + 1
		hb := int32(h % uint32(g.n))
		g.next[i] = g.hhead[hb]
		g.hhead[hb] = i
		g.last[i] = hb
	}
	return dk, nvk
}

// findSupervariables merges the variables of Lk that have identical
// element and variable lists (k, first in every list, is skipped). Only
// variables in the same hash bucket are compared.
func (g *amdGraph) findSupervariables(pk1, pk2 int32) {
	iw, w, nv := g.iw, g.w, g.nv
	for _, i := range iw[pk1:pk2] {
		if nv[i] >= 0 {
			continue
		}
		h := g.last[i]
		i = g.hhead[h]
		g.hhead[h] = -1
		for ; i != -1 && g.next[i] != -1; i = g.next[i] {
			ln, eln := g.length[i], g.elen[i]
			pi := g.pe[i]
			for _, v := range iw[pi+1 : pi+ln] {
				w[v] = g.mark
			}
			jlast := i
			for j := g.next[i]; j != -1; {
				ok := g.length[j] == ln && g.elen[j] == eln
				if ok {
					pj := g.pe[j]
					for _, v := range iw[pj+1 : pj+ln] {
						if w[v] != g.mark {
							ok = false
							break
						}
					}
				}
				if ok {
					g.pe[j] = flip(i)
					nv[i] += nv[j]
					nv[j] = 0
					g.elen[j] = -1
					j = g.next[j]
					g.next[jlast] = j
				} else {
					jlast = j
					j = g.next[j]
				}
			}
			g.mark++
		}
	}
}

// finish restores the sizes of the surviving variables of Lk, puts them
// back in the degree lists with their new degrees, and compacts Lk.
func (g *amdGraph) finish(k, elenk, pk1, pk2, dk, nvk int32) {
	iw, nv := g.iw, g.nv
	p := pk1
	for pk := pk1; pk < pk2; pk++ {
		i := iw[pk]
		nvi := -nv[i]
		if nvi <= 0 {
			continue
		}
		nv[i] = nvi
		d := min(g.degree[i]+dk-nvi, g.n-g.nel-nvi)
		g.pushDegree(i, d)
		g.mindeg = min(g.mindeg, d)
		g.degree[i] = d
		iw[p] = i
		p++
	}
	nv[k] = nvk
	g.length[k] = p - pk1
	if g.length[k] == 0 {
		g.pe[k] = -1
		g.w[k] = 0
	}
	if elenk != 0 {
		g.free = p
	}
}

// postorder returns the nodes in a postorder of the assembly tree, whose
// parent links are the flipped pe: absorbed elements, then absorbed
// variables, come before their parent, and the dense variables, children
// of the placeholder n, come last.
func (g *amdGraph) postorder() []int32 {
	n := g.n
	parent := g.pe // the lists are no longer needed
	for i := range n {
		parent[i] = flip(parent[i])
	}
	parent[n] = -1
	first, sibling := g.head, g.next
	for i := range n + 1 {
		first[i] = -1
	}
	// Children are visited in list order, and an absorbed variable must
	// follow the subtrees of the elements below its parent: it is
	// eliminated with the parent. Linking the variables first and the
	// elements after, each in decreasing order, puts the elements first
	// in every list, each group in increasing order.
	for j := n; j >= 0; j-- {
		if g.nv[j] <= 0 && j != n {
			sibling[j] = first[parent[j]]
			first[parent[j]] = j
		}
	}
	for e := n; e >= 0; e-- {
		if g.nv[e] > 0 && parent[e] != -1 {
			sibling[e] = first[parent[e]]
			first[parent[e]] = e
		}
	}
	perm := make([]int32, 0, n+1)
	stack := g.w
	for root := range n + 1 {
		if parent[root] != -1 {
			continue
		}
		// Iterative depth-first search: stack holds the path; a node is
		// emitted once its children are.
		top := 0
		stack[0] = root
		for top >= 0 {
			v := stack[top]
			if c := first[v]; c != -1 {
				first[v] = sibling[c]
				top++
				stack[top] = c
				continue
			}
			top--
			if v != n {
				perm = append(perm, v)
			}
		}
	}
	return perm
}
