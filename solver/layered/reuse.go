package layered

import "math"

// lastFactor remembers where the layered solver last factored its DC
// Jacobian, so that a solve that starts next to that point (a nudged
// phase from the free equilibrium: the nudge moves the junction nodes by
// microvolts) can take its first update from that factorization rather
// than refactor.
type lastFactor struct {
	v     []float64 // folded voltages of the factorization
	valid bool      // no other factorization and no Refresh since
	n     int       // DC Newton factorizations so far
}

// note records a DC Newton factorization at v.
func (f *lastFactor) note(v []float64) {
	if f.v == nil {
		f.v = make([]float64, len(v))
	}
	copy(f.v, v)
	f.valid = true
	f.n++
}

// near reports whether the last factorization is still valid and was
// taken within tol volts of v at every node, close enough that its
// Jacobian predicts a Newton update from v to within a small fraction.
func (f *lastFactor) near(v []float64, tol float64) bool {
	if !f.valid {
		return false
	}
	for i, x := range v {
		if !(math.Abs(x-f.v[i]) <= tol) {
			return false
		}
	}
	return true
}
