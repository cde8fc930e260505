//go:build !amd64 || purego

package eqprop

func clipAdd4Arch(g, d *[4][]float64, cols []float64, lo, hi float64) [4]float64 {
	return clipAdd4Go(g, d, cols, lo, hi)
}
