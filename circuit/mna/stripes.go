package mna

import (
	"gonum.org/v1/gonum/blas/blas64"
)

// Stripe is the number of rows of a crossbar that is the unit of the
// work on it that workers share: the sums of its conductances
// (CrossbarSums) and the products of a pinned side on its rows
// (StripeProducts). Sums and products are added up a stripe at a time,
// in the order of the stripes, whichever worker took each stripe, so
// that they do not depend on the number of workers; and a worker that
// always takes the same stripes, to read and to write them, keeps them
// in its core's cache.
const Stripe = 32

// Share returns the stripes [lo, hi) of n that worker r of w takes: the
// same ones every time, so that a worker that reads and writes the
// stripes it takes finds them in its core's cache.
func Share(n, r, w int) (lo, hi int) { return r * n / w, (r + 1) * n / w }

// stripes returns the number of stripes of n rows.
func stripes(n int) int { return (n + Stripe - 1) / Stripe }

// addTo adds x to y: y += 1*x with BLAS, which is exact in the product.
func addTo(y, x []float64) {
	blas64.Axpy(1, blas64.Vector{N: len(x), Inc: 1, Data: x}, blas64.Vector{N: len(y), Inc: 1, Data: y})
}

// stripeProduct adds into dst (zeroed by the caller) the currents that
// the nonzero voltages of v on stripe b of the feed's pinned rows drive
// into its free side, and reports whether there were any.
func (f *feed) stripeProduct(dst, v []float64, b int) bool {
	raw := f.g.RawMatrix()
	c := blas64.Vector{N: len(dst), Inc: 1, Data: dst}
	lit := false
	for i := b * Stripe; i < min((b+1)*Stripe, len(v)); i++ {
		if x := v[i]; x != 0 {
			blas64.Axpy(x, blas64.Vector{N: len(dst), Inc: 1, Data: raw.Data[i*raw.Stride : i*raw.Stride+len(dst)]}, c)
			lit = true
		}
	}
	return lit
}

// StripedFeeds returns the number of feeds whose products workers can
// share by stripes: the crossbars whose rows are pinned and whose
// columns are free, in the order of the system's crossbars. Feed k of
// them is the argument k of FeedVoltagesTo, StripeProducts and
// SetProduct.
func (l *Layering) StripedFeeds() int { return len(l.striped()) }

// striped returns the indices in l.feeds of the striped feeds.
func (l *Layering) striped() []int {
	if l.stripedIdx == nil {
		l.stripedIdx = []int{}
		for i := range l.feeds {
			if l.feeds[i].rows {
				l.stripedIdx = append(l.stripedIdx, i)
			}
		}
	}
	return l.stripedIdx
}

// FeedShape returns the number of pinned rows and free columns of striped
// feed k, and its number of stripes.
func (l *Layering) FeedShape(k int) (rows, cols, nStripes int) {
	f := &l.feeds[l.striped()[k]]
	return len(f.pinned), len(f.free), stripes(len(f.pinned))
}

// FeedVoltagesTo reads the present values of the sources and inputs, as
// PinnedTo does, and copies into dst the voltages of the pinned rows of
// stripes [lo, hi) of striped feed k: what their product multiplies.
// Only those rows' pins are computed (pinVoltage).
func (l *Layering) FeedVoltagesTo(dst []float64, k, lo, hi int) {
	f := &l.feeds[l.striped()[k]]
	for i := lo * Stripe; i < min(hi*Stripe, len(f.pinned)); i++ {
		dst[i] = l.pinVoltage(f.pinned[i])
	}
}

// pinVoltage returns the voltage of pinned node, computed as
// System.UpdatePins computes it, bit for bit: the voltage of the node
// its source hangs from plus the source's.
func (l *Layering) pinVoltage(node int) float64 {
	if node == 0 {
		return 0
	}
	s := l.sys
	p := &s.pins[l.pinOf[node]]
	return l.pinVoltage(p.from) + p.drive(s.srcScale)
}

// StripeProducts writes into part, for stripes b in [lo, hi) of striped
// feed k, the currents the pinned voltages v drive through the stripe's
// rows into the free side at 0 V (part holds nStripes x cols, stripe b
// at b*cols), and into lit[b] whether the stripe had a nonzero voltage.
// It reads only those rows of the crossbar: calls for disjoint stripes
// may run at once, on Layerings of replicas that share the crossbar.
func (l *Layering) StripeProducts(part []float64, lit []bool, k int, v []float64, lo, hi int) {
	f := &l.feeds[l.striped()[k]]
	m := len(f.free)
	for b := lo; b < hi; b++ {
		dst := part[b*m : (b+1)*m]
		clear(dst)
		lit[b] = f.stripeProduct(dst, v, b)
	}
}

// SetProduct gives striped feed k the product of the pinned voltages v,
// from the stripes' products (StripeProducts, all of them): the next
// PinnedTo with these voltages uses it, bit for bit what it would have
// computed itself, rather than reading the crossbar.
func (l *Layering) SetProduct(k int, v, part []float64, lit []bool) {
	f := &l.feeds[l.striped()[k]]
	m := len(f.free)
	copy(f.c, part[:m])
	for b := 1; b < len(lit); b++ {
		if lit[b] {
			addTo(f.c, part[b*m:(b+1)*m])
		}
	}
	copy(f.last, v)
	f.valid = true
}

// CrossbarSums writes into rows and cols the sums of the conductances g
// of a crossbar (len(rows) x len(cols), row-major) along its rows and
// columns, with bands (one len(cols) per stripe) as work space. It adds
// them up in one order, which anyone who gives Sums must follow so that
// sums computed while a crossbar is written and sums computed from it
// agree bit for bit: a stripe at a time (StripeSums), then the stripes'
// column sums in the order of the stripes (AddStripes).
func CrossbarSums(g, rows, cols, bands []float64) {
	c := len(cols)
	if len(g) != len(rows)*c || len(bands) != stripes(len(rows))*c {
		panic("circuit: bad lengths for CrossbarSums")
	}
	for b := range stripes(len(rows)) {
		i0, i1 := b*Stripe, min((b+1)*Stripe, len(rows))
		StripeSums(g[i0*c:i1*c], rows[i0:i1], bands[b*c:(b+1)*c])
	}
	AddStripes(cols, bands)
}

// StripeSums writes into rows the sums of the rows of a stripe g
// (len(rows) x len(cols), row-major), each from its first entry to its
// last, and into cols the sums of its columns, each from the stripe's
// first row.
func StripeSums(g, rows, cols []float64) {
	c := len(cols)
	clear(cols)
	for i := range rows {
		s := 0.0
		for j, v := range g[i*c : (i+1)*c] {
			s += v
			cols[j] += v
		}
		rows[i] = s
	}
}

// AddStripes writes into cols the sums of the stripes' column sums
// bands (one len(cols) per stripe), in the order of the stripes.
func AddStripes(cols, bands []float64) {
	c := len(cols)
	copy(cols, bands[:c])
	for b := c; b < len(bands); b += c {
		for j, v := range bands[b : b+c] {
			cols[j] += v
		}
	}
}
