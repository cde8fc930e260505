package sparse

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// triplets builds a matrix from (i, j, v) entries, summing duplicates.
func triplets(n int, ii, jj []int, vv []float64) *Matrix {
	b := NewBuilder(n)
	h := make([]int, len(ii))
	for t := range ii {
		h[t] = b.Add(ii[t], jj[t])
	}
	m, slots := b.Compile()
	v := m.Values()
	for t := range ii {
		v[slots[h[t]]] += vv[t]
	}
	return m
}

// dense returns m as a gonum matrix.
func dense(m *Matrix) *mat.Dense {
	n := m.N()
	d := mat.NewDense(max(n, 1), max(n, 1), nil)
	cp := m.pat.colPtr
	for j := range n {
		for k := cp[j]; k < cp[j+1]; k++ {
			d.Set(m.RowIndex(k), j, m.values[k])
		}
	}
	return d
}

// randomSparse returns an n×n matrix with about density·n² entries of
// values in [-1, 1], plus the entries of a random permutation so that it is
// structurally nonsingular. A fraction zeroDiag of the diagonal is left out
// of the structure, which forces off-diagonal pivots.
func randomSparse(rng *rand.Rand, n int, density, zeroDiag float64) *Matrix {
	var ii, jj []int
	var vv []float64
	add := func(i, j int) {
		ii, jj = append(ii, i), append(jj, j)
		vv = append(vv, 2*rng.Float64()-1)
	}
	skip := make([]bool, n)
	for i := range n {
		skip[i] = rng.Float64() < zeroDiag
		if !skip[i] {
			add(i, i)
		}
	}
	for i, j := range rng.Perm(n) {
		if i != j || !skip[i] {
			add(i, j)
		}
	}
	for range int(density * float64(n) * float64(n)) {
		i, j := rng.IntN(n), rng.IntN(n)
		if i != j || !skip[i] {
			add(i, j)
		}
	}
	return triplets(n, ii, jj, vv)
}

// grid returns the 5-point Laplacian of a side×side grid with Dirichlet
// boundary: 4 on the diagonal, -1 between neighbours.
func grid(side int) *Matrix {
	n := side * side
	b := NewBuilder(n)
	type stamp struct {
		h int
		v float64
	}
	var st []stamp
	for y := range side {
		for x := range side {
			i := y*side + x
			st = append(st, stamp{b.Add(i, i), 4})
			if x+1 < side {
				st = append(st, stamp{b.Add(i, i+1), -1}, stamp{b.Add(i+1, i), -1})
			}
			if y+1 < side {
				st = append(st, stamp{b.Add(i, i+side), -1}, stamp{b.Add(i+side, i), -1})
			}
		}
	}
	m, slots := b.Compile()
	for _, s := range st {
		m.values[slots[s.h]] += s.v
	}
	return m
}

// mnaGrid returns the modified nodal analysis matrix of a side×side
// resistor grid (conductances 0.5 to 2 S, 1 nS from each node to ground),
// with a voltage source from each node of the left edge to ground (a
// branch-current unknown with a zero diagonal) and side voltage-controlled
// current sources of 0.1 S between random nodes (unsymmetric entries).
func mnaGrid(rng *rand.Rand, side int) *Matrix {
	nodes := side * side
	n := nodes + side
	var ii, jj []int
	var vv []float64
	add := func(i, j int, v float64) {
		ii, jj, vv = append(ii, i), append(jj, j), append(vv, v)
	}
	cond := func(a, b int, g float64) {
		add(a, a, g)
		add(b, b, g)
		add(a, b, -g)
		add(b, a, -g)
	}
	for y := range side {
		for x := range side {
			i := y*side + x
			add(i, i, 1e-9)
			if x+1 < side {
				cond(i, i+1, 0.5+1.5*rng.Float64())
			}
			if y+1 < side {
				cond(i, i+side, 0.5+1.5*rng.Float64())
			}
		}
	}
	for y := range side {
		node, br := y*side, nodes+y
		add(node, br, 1)
		add(br, node, 1)
	}
	for range side {
		out, ctl := rng.IntN(nodes), rng.IntN(nodes)
		add(out, ctl, 0.1)
	}
	return triplets(n, ii, jj, vv)
}

func relErr(x, ref []float64) float64 {
	num, den := 0.0, 0.0
	for i := range x {
		num = max(num, math.Abs(x[i]-ref[i]))
		den = max(den, math.Abs(ref[i]))
	}
	if den == 0 {
		return num
	}
	return num / den
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }

// crossbar returns the nodal conductance matrix of a differential rows×cols
// crossbar with wire resistance, as issue 13's wired MNIST layer: each of
// the two arrays has a row-wire node and a column-wire node per cell,
// joined by the cell's conductance (1 to 10 µS); wire segments are 1 S;
// row wires start at grounded inputs (a source's conductance to ground) and
// the column wires of both arrays end at cols shared output nodes, each
// with 1 mS to ground (a diode's small-signal conductance).
func crossbar(rng *rand.Rand, rows, cols int) *Matrix {
	cells := rows * cols
	n := 4*cells + cols
	var ii, jj []int
	var vv []float64
	add := func(i, j int, v float64) {
		ii, jj, vv = append(ii, i), append(jj, j), append(vv, v)
	}
	cond := func(a, b int, g float64) {
		add(a, a, g)
		add(b, b, g)
		add(a, b, -g)
		add(b, a, -g)
	}
	const gw = 1.0
	for arr := range 2 {
		r := func(i, j int) int { return arr*2*cells + i*cols + j }
		c := func(i, j int) int { return arr*2*cells + cells + i*cols + j }
		for i := range rows {
			add(r(i, 0), r(i, 0), gw)
			for j := range cols {
				cond(r(i, j), c(i, j), 1e-6+9e-6*rng.Float64())
				if j+1 < cols {
					cond(r(i, j), r(i, j+1), gw)
				}
				if i+1 < rows {
					cond(c(i, j), c(i+1, j), gw)
				} else {
					cond(c(i, j), 4*cells+j, gw)
				}
			}
		}
	}
	for j := range cols {
		add(4*cells+j, 4*cells+j, 1e-3)
	}
	return triplets(n, ii, jj, vv)
}
