//go:build !amd64 || purego

package eqprop

// clipAdd4Arch is clipAdd4 for n > 0 columns, in Go where there is no
// kernel of this architecture's.
func clipAdd4Arch(g, d *[4][]float64, cols []float64, lo, hi float64) [4]float64 {
	return clipAdd4Go(g, d, cols, lo, hi)
}
