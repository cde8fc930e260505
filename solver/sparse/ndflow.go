package sparse

// This file improves a level separator by a minimum vertex cut in a band of
// levels around it. Breadth-first levels cut a long strip diagonally: in a
// wired crossbar, where row wires and column wires meet only through the
// cells, a level crosses every column twice (its row-wire and column-wire
// node), while a cut straight across the column wires needs half the
// nodes. Separator size enters the cost of the factorization cubed, so the
// band's minimum cut is worth its price: a maximum flow of unit vertex
// capacities (Dinic's algorithm on the graph with each node split into an
// entry and an exit) from the levels before the band to the levels after
// it.

const (
	bandLevels = 64  // largest half-width of the band, in levels
	bandRatio  = 128 // largest band, in multiples of the middle level
	bandPhases = 256 // Dinic phases before giving up on the band
)

// A flow state: 2*b is the entry of band node b, 2*b+1 its exit.
const (
	stateS = -1
	stateT = -2
)

type bandFlow struct {
	st     *ndState
	s      int32 // serial of the part
	lo, hi int32 // levels of the band
	nodes  []int32
	used   []bool  // a unit of flow passes through the node
	pred   []int32 // where that flow enters from: a band node or stateS
	dist   []int32 // BFS distance of each state, -1 if not reached
	cur    []int32 // Dinic's current arc of each exit state
	tDist  int32
	queue  []int32
	stack  []int32
}

// refineSeparator looks for a smaller separator than level m in a band of
// levels around it. It returns the band (lo, hi), the class of each band
// node (0 the near side, 1 the far side, 2 the separator) by its index in
// st.local, and true if it found one.
func (st *ndState) refineSeparator(count, levels, m int) (lo, hi int32, cls []int8, ok bool) {
	q := st.queue[:count]
	// The level sizes, and the band: widen it while both outer sides keep
	// a quarter of the part and the band stays within its limits.
	size := make([]int, levels+1)
	for _, v := range q {
		size[st.level[v]]++
	}
	cum := make([]int, levels+1) // cum[l]: nodes before level l
	for l := 1; l <= levels; l++ {
		cum[l] = cum[l-1] + size[l-1]
	}
	lo, hi = int32(m), int32(m)
	band := size[m]
	for w := 1; w <= bandLevels; w++ {
		l, h := m-w, m+w
		if l < 1 || h > levels-2 || cum[l] < count/4 || count-cum[h+1] < count/4 {
			break
		}
		if band+size[l]+size[h] > bandRatio*size[m] {
			break
		}
		band += size[l] + size[h]
		lo, hi = int32(l), int32(h)
	}
	if hi-lo < 2 {
		return 0, 0, nil, false
	}
	f := &bandFlow{st: st, s: st.serial, lo: lo, hi: hi}
	f.nodes = make([]int32, 0, band)
	for _, v := range q {
		if l := st.level[v]; l >= lo && l <= hi {
			st.local[v] = int32(len(f.nodes))
			f.nodes = append(f.nodes, v)
		}
	}
	nb := len(f.nodes)
	f.used = make([]bool, nb)
	f.pred = make([]int32, nb)
	f.cur = make([]int32, nb)
	f.dist = make([]int32, 2*nb)
	f.queue = make([]int32, 0, 2*nb)
	flow := 0
	for phase := 0; ; phase++ {
		if !f.bfs() {
			break
		}
		if phase == bandPhases {
			return 0, 0, nil, false
		}
		flow += f.blockingFlow()
	}
	if flow >= size[m] {
		return 0, 0, nil, false
	}
	cls = make([]int8, nb)
	for b := range nb {
		switch in, out := f.dist[2*b] >= 0, f.dist[2*b+1] >= 0; {
		case in && out:
			cls[b] = 0
		case in:
			cls[b] = 2
		default:
			cls[b] = 1
		}
	}
	return lo, hi, cls, true
}

// inBand returns the band index of node w, or -1.
func (f *bandFlow) inBand(w int32) int32 {
	st := f.st
	if st.tag[w] != f.s {
		return -1
	}
	if l := st.level[w]; l < f.lo || l > f.hi {
		return -1
	}
	return st.local[w]
}

// atSink reports whether band node b has a neighbour beyond the band.
func (f *bandFlow) atSink(b int32) bool {
	st := f.st
	v := f.nodes[b]
	if st.level[v] != f.hi {
		return false
	}
	for _, w := range st.idx[st.ptr[v]:st.ptr[v+1]] {
		if st.tag[w] == f.s && st.level[w] > f.hi {
			return true
		}
	}
	return false
}

// bfs labels the states by their distance from the source in the residual
// graph and reports whether the sink is reached.
func (f *bandFlow) bfs() bool {
	for i := range f.dist {
		f.dist[i] = -1
	}
	f.queue = f.queue[:0]
	for b, v := range f.nodes {
		if f.st.level[v] == f.lo {
			f.dist[2*b] = 1
			f.queue = append(f.queue, int32(2*b))
		}
	}
	f.tDist = -1
	for h := 0; h < len(f.queue); h++ {
		s := f.queue[h]
		d := f.dist[s]
		if f.tDist >= 0 && d >= f.tDist-1 {
			continue // nothing beyond the sink's level is needed
		}
		f.arcs(s, 0, func(t int32) bool {
			if t == stateT {
				if f.tDist < 0 {
					f.tDist = d + 1
				}
			} else if f.dist[t] < 0 {
				f.dist[t] = d + 1
				f.queue = append(f.queue, t)
			}
			return false
		})
	}
	return f.tDist >= 0
}

// arcs calls visit on the residual arcs of state s from arc number from
// on, until visit returns true; it returns the number of that arc, or -1.
// The arcs of an exit are: back to its entry (if used), to the sink (if at
// the far level), then to the entries of its band neighbours. An entry has
// one arc: to its exit if unused, else back to the exit of its pred.
func (f *bandFlow) arcs(s int32, from int32, visit func(int32) bool) int32 {
	b := s / 2
	if s%2 == 0 {
		if from > 0 {
			return -1
		}
		if !f.used[b] {
			if visit(s + 1) {
				return 0
			}
		} else if p := f.pred[b]; p >= 0 && visit(2*p+1) {
			return 0
		}
		return -1
	}
	if from == 0 {
		if f.used[b] && visit(s-1) {
			return 0
		}
		from = 1
	}
	if from == 1 {
		if f.atSink(b) && visit(stateT) {
			return 1
		}
		from = 2
	}
	st := f.st
	v := f.nodes[b]
	adj := st.idx[st.ptr[v]:st.ptr[v+1]]
	for a := from - 2; int(a) < len(adj); a++ {
		if w := f.inBand(adj[a]); w >= 0 && visit(2*w) {
			return a + 2
		}
	}
	return -1
}

// blockingFlow sends flow along shortest residual paths until none is
// left in the level graph of the last bfs, and returns how much.
func (f *bandFlow) blockingFlow() int {
	clear(f.cur)
	flow := 0
	for b, v := range f.nodes {
		if f.st.level[v] != f.lo {
			continue
		}
		for f.dist[2*b] == 1 && f.augmentFrom(int32(2*b)) {
			flow++
		}
	}
	return flow
}

// augmentFrom searches, depth first in the level graph, a path from the
// entry state start to the sink and pushes a unit of flow along it. It
// reports whether it found one; dead ends are removed from the level
// graph.
func (f *bandFlow) augmentFrom(start int32) bool {
	f.stack = append(f.stack[:0], start)
	for len(f.stack) > 0 {
		s := f.stack[len(f.stack)-1]
		d := f.dist[s]
		next := int32(-3)
		var at int32
		if s%2 == 0 {
			at = f.arcs(s, 0, func(t int32) bool {
				if f.dist[t] == d+1 {
					next = t
					return true
				}
				return false
			})
		} else {
			at = f.arcs(s, f.cur[s/2], func(t int32) bool {
				if t == stateT {
					if f.tDist == d+1 {
						next = t
						return true
					}
					return false
				}
				if f.dist[t] == d+1 {
					next = t
					return true
				}
				return false
			})
		}
		if at < 0 {
			// A dead end: drop it from the level graph.
			f.dist[s] = -1
			f.stack = f.stack[:len(f.stack)-1]
			continue
		}
		if s%2 == 1 {
			f.cur[s/2] = at
		}
		if next == stateT {
			f.push()
			return true
		}
		f.stack = append(f.stack, next)
	}
	return false
}

// push sends a unit of flow along the path on the stack, from the source
// to the sink, updating used and pred. The arcs of a path are: source or
// another node's exit to an entry (a forward edge: the node's flow now
// comes from there), an exit back to its own entry (the node's flow is
// cancelled), an entry to its own exit (flow through the node), and an
// entry to another node's exit (the backward edge from the old pred,
// already replaced on arrival at the entry).
func (f *bandFlow) push() {
	prev := int32(stateS)
	for _, s := range f.stack {
		b := s / 2
		switch {
		case s%2 == 0 && prev == stateS:
			f.pred[b] = stateS
		case s%2 == 0 && prev == s+1:
			f.used[b] = false
		case s%2 == 0:
			f.pred[b] = prev / 2
		case prev == s-1:
			f.used[b] = true
		}
		prev = s
	}
}
