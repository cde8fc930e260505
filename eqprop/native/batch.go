package native

import "github.com/eqsim/eqsim/circuit/mna"

// batchProducts holds, for the samples of a batch, the products of their
// inputs with the striped feeds of the layered network (see eqprop.Batched),
// shared by the replicas.
type batchProducts struct {
	x [][]float64 // per sample, its features
	// Per sample and striped feed: the pinned voltages, the stripes'
	// products (stripes x free side) and whether each stripe had a
	// nonzero voltage.
	v, part [][][]float64
	lit     [][][]bool
}

// layering returns the layered form of the free phases' system, or nil
// if the network is not solved layered.
func (n *Network) layering() *mna.Layering {
	l, _ := n.free.dc.Layered()
	if l == nil {
		return nil
	}
	return l.Layering()
}

// BatchInput records x as sample s's features (see eqprop.Batched); x must
// stay unchanged until the batch's relaxations.
func (n *Network) BatchInput(s int, x []float64) {
	lay := n.layering()
	if lay == nil || lay.StripedFeeds() == 0 {
		return
	}
	b := n.batch
	for len(b.v) <= s {
		nf := lay.StripedFeeds()
		v, part, lit := make([][]float64, nf), make([][]float64, nf), make([][]bool, nf)
		for k := range nf {
			rows, cols, ns := lay.FeedShape(k)
			v[k], part[k], lit[k] = make([]float64, rows), make([]float64, ns*cols), make([]bool, ns)
		}
		b.x, b.v, b.part, b.lit = append(b.x, nil), append(b.v, v), append(b.part, part), append(b.lit, lit)
	}
	b.x[s] = x
}

// BatchStripes computes worker r of w's share of the products of the
// first ns samples recorded (see eqprop.Batched): for each sample, the
// voltages of its stripes' pinned rows, from the receiver's input set to
// the sample's features, and their products.
func (n *Network) BatchStripes(ns, r, w int) {
	lay := n.layering()
	if lay == nil {
		return
	}
	b := n.batch
	for s := range min(ns, len(b.v)) {
		n.SetInput(b.x[s])
		for k, v := range b.v[s] {
			_, _, stripes := lay.FeedShape(k)
			lo, hi := mna.Share(stripes, r, w)
			lay.FeedVoltagesTo(v, k, lo, hi)
			lay.StripeProducts(b.part[s][k], b.lit[s][k], k, v, lo, hi)
		}
	}
}

// UseBatch gives the free phases' system sample s's products (see
// eqprop.Batched).
func (n *Network) UseBatch(s int) {
	lay := n.layering()
	if lay == nil || s >= len(n.batch.v) {
		return
	}
	if n.version.Load() != n.seen {
		// A refresh forgets the products.
		n.refresh()
	}
	b := n.batch
	for k, v := range b.v[s] {
		lay.SetProduct(k, v, b.part[s][k], b.lit[s][k])
	}
}
