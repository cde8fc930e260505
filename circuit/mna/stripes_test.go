package mna

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// stripedNetwork returns a Kendall network of 150 inputs (300 pinned
// rows, ten stripes, the last one short) with a sparse input, its system
// and layering.
func stripedNetwork(t *testing.T) (*circuit.Circuit, *System, *Layering) {
	t.Helper()
	c := circuittest.KendallNetwork(150, 7, 3, 2)
	s, l := layering(t, c, "striped network")
	in := c.Element("in").(*circuit.Input)
	for k := range in.Values {
		in.Values[k] = 0
		if k%5 == 2 || (k >= 40 && k < 80) {
			in.Values[k] = 0.01 * float64(k)
		}
	}
	return c, s, l
}

// The products of a feed's stripes, shared among any number of workers
// and given to a layering by SetProduct, are bit for bit the product
// PinnedTo computes itself; the voltages FeedVoltagesTo reads are those
// PinnedTo multiplies.
func TestStripeProducts(t *testing.T) {
	_, s, l := stripedNetwork(t)
	if l.StripedFeeds() != 1 {
		t.Fatalf("%d striped feeds, want 1", l.StripedFeeds())
	}
	rows, cols, ns := l.FeedShape(0)
	if rows != 300 || ns != 10 {
		t.Fatalf("feed of %d rows in %d stripes, want 300 in 10", rows, ns)
	}
	want, vj := make([]float64, s.NumFree()), make([]float64, len(l.Junctions))
	l.PinnedTo(want, vj)
	for _, w := range []int{1, 2, 3, 4} {
		v, part, any := make([]float64, rows), make([]float64, ns*cols), make([]bool, ns)
		for r := range w {
			lo, hi := Share(ns, r, w)
			l.FeedVoltagesTo(v, 0, lo, hi)
			l.StripeProducts(part, any, 0, v, lo, hi)
		}
		l.Refresh() // forgets the product PinnedTo took
		l.SetProduct(0, v, part, any)
		products := l.products
		got := make([]float64, s.NumFree())
		l.PinnedTo(got, vj)
		if l.products != products {
			t.Errorf("%d workers: PinnedTo took the product again", w)
		}
		for u := range got {
			if math.Float64bits(got[u]) != math.Float64bits(want[u]) {
				t.Errorf("%d workers: free node %d: %v A, want %v A", w, u, got[u], want[u])
			}
		}
	}
}

// Sums given to RefreshSums, computed by CrossbarSums, give the
// conductances Refresh computes, bit for bit; CrossbarSums adds up what
// a plain sum does.
func TestRefreshSums(t *testing.T) {
	c, _, l := stripedNetwork(t)
	rng := rand.New(rand.NewPCG(3, 4))
	w1 := c.Element("W1").(*circuit.Crossbar)
	data := w1.ConductanceData()
	for i := range data {
		data[i] = 1e-6 * rng.Float64()
	}
	l.Refresh()
	want := append([]float64(nil), l.Conductance()...)
	r, k := w1.G.Dims()
	rows, cols := make([]float64, r), make([]float64, k)
	CrossbarSums(data, rows, cols, make([]float64, stripes(r)*k))
	for j := range k {
		plain := 0.0
		for i := range r {
			plain += w1.G.At(i, j)
		}
		if math.Abs(cols[j]-plain) > 1e-14*plain {
			t.Errorf("column %d: %g S, a plain sum %g S", j, cols[j], plain)
		}
	}
	// Known sums are used as given: zeros show.
	l.RefreshSums([]Sums{{Data: data, Rows: make([]float64, r), Cols: make([]float64, k)}})
	if floatsEqual(l.Conductance(), want) {
		t.Fatal("RefreshSums ignored the sums it was given")
	}
	l.RefreshSums([]Sums{{Data: data, Rows: rows, Cols: cols}})
	if !floatsEqual(l.Conductance(), want) {
		t.Errorf("conductances from given sums %v, computed %v", l.Conductance(), want)
	}
}

func floatsEqual(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}
