package sparse

// This file is a nested dissection ordering by level structures (George,
// SIAM J. Numer. Anal. 10(2), 1973; George and Liu, "Computer Solution of
// Large Sparse Positive Definite Systems", 1981): a breadth-first search
// from a pseudo-peripheral node splits a graph into the nodes before and
// after a middle level, which separates them; the two sides are ordered
// first, recursively, and the separator last. Parts below ndLeaf nodes are
// ordered by AMD. On meshes and on long strips such as wired crossbars,
// where minimum degree orderings grow wavefronts the width of the strip,
// this takes far less fill and arithmetic.

// ndLeaf is the size below which a part is ordered by AMD: small enough
// that minimum degree sees no long-range structure, large enough that the
// dissection's cost stays a small part of the analysis.
const ndLeaf = 256

type ndState struct {
	ptr, idx []int32
	perm     []int32 // the parts, each a range of perm
	tag      []int32 // tag[v] == serial: v is in the part being split
	seen     []int32 // seen[v] == visit: the last search reached v
	level    []int32 // level[v]: v's level in the last search
	queue    []int32 // the last search, in order
	buf      []int32 // scratch for partition
	local    []int32 // local index of a node of a leaf
	serial   int32
	visit    int32
}

type ndPart struct{ lo, hi int }

// nestedDissection returns an elimination order of the symmetric pattern
// (ptr, idx) of n nodes, without diagonal.
func nestedDissection(n int, ptr, idx []int32) []int32 {
	st := &ndState{ptr: ptr, idx: idx}
	all := make([]int32, 7*n)
	for i, f := range []*[]int32{&st.perm, &st.tag, &st.seen, &st.level, &st.queue, &st.buf, &st.local} {
		*f = all[i*n : (i+1)*n]
	}
	for i := range st.perm {
		st.perm[i] = int32(i)
	}
	stack := []ndPart{{0, n}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p.hi-p.lo <= ndLeaf {
			st.orderLeaf(p)
			continue
		}
		parts := st.split(p)
		if parts == nil {
			st.orderLeaf(p)
			continue
		}
		stack = append(stack, parts...)
	}
	return st.perm
}

// bfs searches the part being split from root. It leaves the nodes
// reached in queue[:count], in order, their levels in level, and returns
// count and the number of levels.
func (st *ndState) bfs(root int32) (count, levels int) {
	s := st.serial
	st.visit++
	vis := st.visit
	st.seen[root] = vis
	st.level[root] = 0
	st.queue[0] = root
	head, tail := 0, 1
	for head < tail {
		v := st.queue[head]
		head++
		for _, w := range st.idx[st.ptr[v]:st.ptr[v+1]] {
			if st.tag[w] == s && st.seen[w] != vis {
				st.seen[w] = vis
				st.level[w] = st.level[v] + 1
				st.queue[tail] = w
				tail++
			}
		}
	}
	return tail, int(st.level[st.queue[tail-1]]) + 1
}

// split divides part p into two sides and a separator, which it leaves at
// the end of the part's range, and returns the sides; or, for a
// disconnected part, returns its components. It returns nil if the part
// has no useful level structure.
func (st *ndState) split(p ndPart) []ndPart {
	nodes := st.perm[p.lo:p.hi]
	st.serial++
	s := st.serial
	for _, v := range nodes {
		st.tag[v] = s
	}
	count, levels := st.pseudoPeripheral(nodes[0])
	if count < len(nodes) {
		return st.components(p)
	}
	if levels < 3 {
		return nil
	}
	// The separator is the level that holds the middle node of the
	// search, kept off the first and last levels, unless a smaller cut
	// lies in a band of levels around it.
	m := int(st.level[st.queue[count/2]])
	m = max(1, min(m, levels-2))
	if lo, hi, cls, ok := st.refineSeparator(count, levels, m); ok {
		na, nb := st.partition(nodes, func(v int32) int {
			switch l := st.level[v]; {
			case l < lo:
				return 0
			case l > hi:
				return 1
			}
			return int(cls[st.local[v]])
		})
		return []ndPart{{p.lo, p.lo + na}, {p.lo + na, p.lo + na + nb}}
	}
	// A separator node with no neighbour beyond the separator joins the
	// near side: the others still separate the two sides.
	na, nb := st.partition(nodes, func(v int32) int {
		switch l := int(st.level[v]); {
		case l < m:
			return 0
		case l > m:
			return 1
		}
		for _, w := range st.idx[st.ptr[v]:st.ptr[v+1]] {
			if st.tag[w] == s && int(st.level[w]) > m {
				return 2
			}
		}
		return 0
	})
	return []ndPart{{p.lo, p.lo + na}, {p.lo + na, p.lo + na + nb}}
}

// components reorders the nodes of the part p, whose nodes are tagged, by
// connected component and returns the components, in one pass: splitting
// off one component at a time would take time quadratic in the number of
// components.
func (st *ndState) components(p ndPart) []ndPart {
	nodes := st.perm[p.lo:p.hi]
	st.visit++
	s, vis := st.serial, st.visit
	q := st.queue
	var parts []ndPart
	tail := 0
	for _, r := range nodes {
		if st.seen[r] == vis {
			continue
		}
		start := tail
		st.seen[r] = vis
		q[tail] = r
		tail++
		for head := start; head < tail; head++ {
			v := q[head]
			for _, w := range st.idx[st.ptr[v]:st.ptr[v+1]] {
				if st.tag[w] == s && st.seen[w] != vis {
					st.seen[w] = vis
					q[tail] = w
					tail++
				}
			}
		}
		parts = append(parts, ndPart{p.lo + start, p.lo + tail})
	}
	copy(nodes, q[:tail])
	return parts
}

// pseudoPeripheral finds a node of nearly greatest eccentricity in the
// component of start within the part (George and Liu's algorithm: search
// again from a least-degree node of the last level while the levels
// grow) and leaves the search from it in queue and level.
func (st *ndState) pseudoPeripheral(start int32) (count, levels int) {
	root := start
	count, levels = st.bfs(root)
	for range 4 {
		best, bestDeg := int32(-1), int32(1<<30)
		for t := count - 1; t >= 0 && int(st.level[st.queue[t]]) == levels-1; t-- {
			v := st.queue[t]
			if d := st.ptr[v+1] - st.ptr[v]; d < bestDeg {
				best, bestDeg = v, d
			}
		}
		c, l := st.bfs(best)
		if l <= levels {
			return st.bfs(root)
		}
		root, count, levels = best, c, l
	}
	return count, levels
}

// partition reorders nodes stably by class (0, 1, 2) and returns the
// sizes of classes 0 and 1.
func (st *ndState) partition(nodes []int32, class func(int32) int) (int, int) {
	var size [3]int
	buf := st.buf[:len(nodes)]
	for t, v := range nodes {
		k := class(v)
		buf[t] = int32(k)
		size[k]++
	}
	start := [3]int{0, size[0], size[0] + size[1]}
	out := st.local[:len(nodes)] // free until orderLeaf
	for t, v := range nodes {
		k := buf[t]
		out[start[k]] = v
		start[k]++
	}
	copy(nodes, out)
	return size[0], size[1]
}

// orderLeaf orders the nodes of part p by AMD on the graph they induce.
func (st *ndState) orderLeaf(p ndPart) {
	nodes := st.perm[p.lo:p.hi]
	if len(nodes) <= 1 {
		return
	}
	st.serial++
	s := st.serial
	for t, v := range nodes {
		st.tag[v] = s
		st.local[v] = int32(t)
	}
	ptr := make([]int32, len(nodes)+1)
	var idx []int32
	for t, v := range nodes {
		for _, w := range st.idx[st.ptr[v]:st.ptr[v+1]] {
			if st.tag[w] == s {
				idx = append(idx, st.local[w])
			}
		}
		ptr[t+1] = int32(len(idx))
	}
	order, _ := amd(len(nodes), ptr, idx)
	buf := st.buf[:len(nodes)]
	for t, l := range order {
		buf[t] = nodes[l]
	}
	copy(nodes, buf)
}
