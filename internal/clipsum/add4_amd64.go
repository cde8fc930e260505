//go:build !purego

package clipsum

// clip4 is Add4 in SSE2 (add4_amd64.s) for n > 0 columns: gs and ds
// point at the rows' first elements, s receives the sums.
//
//go:noescape
func clip4(gs, ds *[4]*float64, cols *float64, n int, lo, hi float64, s *[4]float64)

// add4Arch is Add4 for n > 0 columns, in SSE2.
func add4Arch(g, d *[4][]float64, cols []float64, lo, hi float64) (s [4]float64) {
	var gp, dp [4]*float64
	for r := range gp {
		gp[r], dp[r] = &g[r][0], &d[r][0]
	}
	clip4(&gp, &dp, &cols[0], len(cols), lo, hi, &s)
	return s
}
