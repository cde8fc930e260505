package sparse

// This file predicts the cost of an ordering without factoring: the column
// counts of the Cholesky factor of the permuted symmetric pattern, by the
// algorithm of Gilbert, Ng and Peyton (SIAM J. Matrix Anal. Appl. 15(4),
// 1994) on the elimination tree, in time nearly linear in nnz(A). With the
// pivots on the diagonal, L has the pattern of that factor and U its
// transpose, so the counts give nnz(L+U) and the multiply-adds of the LU.

// fillCost is the predicted size and work of an LU in a given order.
type fillCost struct {
	lnz   float64 // entries of L below the diagonal
	madds float64 // multiply-adds of the factorization
}

// orderingCost returns the predicted cost of eliminating the symmetric
// pattern (ptr, idx) (no diagonal) of n nodes in the order perm.
func orderingCost(n int, ptr, idx, perm []int32) fillCost {
	if n == 0 {
		return fillCost{}
	}
	all := make([]int32, 9*n)
	part := func(i int) []int32 { return all[i*n : (i+1)*n] }
	inv, parent, anc := part(0), part(1), part(2)
	post, first, maxfirst, prevleaf, delta, head := part(3), part(4), part(5), part(6), part(7), part(8)
	for k, j := range perm {
		inv[j] = int32(k)
	}
	// Elimination tree (Liu), with path compression through anc.
	for k := range int32(n) {
		parent[k], anc[k] = -1, -1
		j := perm[k]
		for _, r := range idx[ptr[j]:ptr[j+1]] {
			for i := inv[r]; i != -1 && i < k; {
				next := anc[i]
				anc[i] = k
				if next == -1 {
					parent[i] = k
				}
				i = next
			}
		}
	}
	etreePostorder(parent, post, head, first)
	// first[j]: the first node of j's subtree in postorder; leaves start
	// with delta 1 (their diagonal).
	for i := range first {
		first[i] = -1
	}
	for k, j := range post {
		delta[j] = 0
		if first[j] == -1 {
			delta[j] = 1
		}
		for ; j != -1 && first[j] == -1; j = parent[j] {
			first[j] = int32(k)
		}
	}
	for i := range n {
		anc[i] = int32(i)
		maxfirst[i], prevleaf[i] = -1, -1
	}
	for _, j := range post {
		if p := parent[j]; p != -1 {
			delta[p]--
		}
		for _, r := range idx[ptr[perm[j]]:ptr[perm[j]+1]] {
			i := inv[r]
			// Row subtree of i: is j a leaf of it, and if not its first,
			// where does it meet the previous leaf?
			if i <= j || first[j] <= maxfirst[i] {
				continue
			}
			maxfirst[i] = first[j]
			jprev := prevleaf[i]
			prevleaf[i] = j
			delta[j]++
			if jprev == -1 {
				continue
			}
			q := jprev
			for q != anc[q] {
				q = anc[q]
			}
			for s := jprev; s != q; {
				sp := anc[s]
				anc[s] = q
				s = sp
			}
			delta[q]--
		}
		if p := parent[j]; p != -1 {
			anc[j] = p
		}
	}
	// Column counts are the sums of delta over subtrees; children come
	// before parents in post.
	var c fillCost
	for _, j := range post {
		if p := parent[j]; p != -1 {
			delta[p] += delta[j]
		}
		off := float64(delta[j] - 1)
		c.lnz += off
		c.madds += off * off
	}
	return c
}

// etreePostorder writes a postorder of the forest parent into post, using
// head and next as workspace.
func etreePostorder(parent, post, head, next []int32) {
	n := len(parent)
	for i := range head {
		head[i] = -1
	}
	for j := n - 1; j >= 0; j-- {
		if p := parent[j]; p != -1 {
			next[j] = head[p]
			head[p] = int32(j)
		}
	}
	k := 0
	stack := make([]int32, 0, 64)
	for root := range int32(n) {
		if parent[root] != -1 {
			continue
		}
		stack = append(stack[:0], root)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			if c := head[v]; c != -1 {
				head[v] = next[c]
				stack = append(stack, c)
				continue
			}
			stack = stack[:len(stack)-1]
			post[k] = v
			k++
		}
	}
}
