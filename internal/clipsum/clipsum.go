package clipsum

import "math"

// Add4 adds the changes d[r] to four rows g[r] of values, each of
// len(cols), clipped to [lo, hi] (0 < lo < hi), adds the new values to
// cols in row order (cols[j] + g0[j] + g1[j] + g2[j] + g3[j]) and
// returns each row's sum, taken in column order from 0. A NaN change
// gives one of the bounds. On amd64 it runs two columns at a time in
// SSE2 (add4_amd64.s), bit for bit what the Go loop computes for changes
// that are not NaN, in half the time (BenchmarkAdd4). It panics if a
// row's length is not len(cols).
func Add4(g, d *[4][]float64, cols []float64, lo, hi float64) (s [4]float64) {
	n := len(cols)
	for r := range g {
		if len(g[r]) != n || len(d[r]) != n {
			panic("clipsum: rows of different lengths")
		}
	}
	if n == 0 {
		return s
	}
	return add4Arch(g, d, cols, lo, hi)
}

// add4Go is Add4 in Go: four rows side by side, so that the rows' sums,
// each a chain of dependent additions, do not wait on one another.
func add4Go(g, d *[4][]float64, cols []float64, lo, hi float64) (s [4]float64) {
	n := len(cols)
	g0, g1, g2, g3 := g[0][:n], g[1][:n], g[2][:n], g[3][:n]
	d0, d1, d2, d3 := d[0][:n], d[1][:n], d[2][:n], d[3][:n]
	l, h := bitsOf(lo), bitsOf(hi)
	for j := range cols {
		v0 := clip(g0[j]+d0[j], l, h)
		v1 := clip(g1[j]+d1[j], l, h)
		v2 := clip(g2[j]+d2[j], l, h)
		v3 := clip(g3[j]+d3[j], l, h)
		g0[j], g1[j], g2[j], g3[j] = v0, v1, v2, v3
		s[0] += v0
		s[1] += v1
		s[2] += v2
		s[3] += v3
		cols[j] = cols[j] + v0 + v1 + v2 + v3
	}
	return s
}

// Add1 is Add4 for one row.
func Add1(g, d, cols []float64, lo, hi float64) (s float64) {
	l, h := bitsOf(lo), bitsOf(hi)
	g, d = g[:len(cols)], d[:len(cols)]
	for j := range cols {
		v := clip(g[j]+d[j], l, h)
		g[j] = v
		s += v
		cols[j] += v
	}
	return s
}

// bitsOf returns the bits of x, a positive float64, as an int64: for
// positive floats the order of the bits is the order of the numbers, and
// every negative float's bits are negative as an int64.
func bitsOf(x float64) int64 { return int64(math.Float64bits(x)) }

// clip returns x clipped to [lo, hi], the bits (bitsOf) of two positive
// floats: bit for bit min(max(x, lo), hi) for every x but NaN, which it
// clips too. Without branches (about half the conductances sit at GMin,
// which branches mispredict) and in integer registers, where min and max
// are a compare and a conditional move each: Go's float min and max
// handle NaN and signed zeros in some six instructions each, and were
// half of the loop.
func clip(x float64, lo, hi int64) float64 {
	return math.Float64frombits(uint64(min(max(bitsOf(x), lo), hi)))
}
