//go:build !amd64 || purego

package clipsum

// add4Arch is Add4 for n > 0 columns, in Go where there is no kernel of
// this architecture's.
func add4Arch(g, d *[4][]float64, cols []float64, lo, hi float64) [4]float64 {
	return add4Go(g, d, cols, lo, hi)
}
