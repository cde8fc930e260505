package sparse

import (
	"math"
	"testing"
)

// FuzzFactor factors small matrices built from the input and checks, when
// Factor reports success, the residuals of both solves against the
// backward error bound of LU (a small multiple of n·ε·‖A‖·‖x‖, times the
// pivot growth), and that Refactor with the same values reproduces the
// solution bit for bit.
func FuzzFactor(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 10, 1, 1, 20, 2, 2, 30, 0, 1, 5})
	f.Add([]byte{4, 1, 0, 1, 7, 1, 0, 9, 2, 3, 1, 3, 2, 250, 0, 1, 3})
	f.Add([]byte{2, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		n := 1 + int(data[0])%12
		opt := &Options{Ordering: Ordering(data[1] % 4)}
		if data[1]&4 != 0 {
			opt.PivotTol = 1
		}
		var ii, jj []int
		var vv []float64
		for t := 2; t+2 < len(data); t += 3 {
			ii = append(ii, int(data[t])%n)
			jj = append(jj, int(data[t+1])%n)
			vv = append(vv, float64(int8(data[t+2]))/8)
		}
		a := triplets(n, ii, jj, vv)
		var lu LU
		if err := lu.Factor(a, Analyze(a, opt)); err != nil {
			if lu.Valid() {
				t.Fatalf("valid factors after %v", err)
			}
			return
		}
		b := make([]float64, n)
		for i := range b {
			b[i] = float64(i%3) - 1 + 0.25*float64(i)
		}
		growth := lu.ReciprocalPivotGrowth(a)
		for _, trans := range []bool{false, true} {
			x := make([]float64, n)
			if trans {
				lu.SolveTransTo(x, b)
			} else {
				lu.SolveTo(x, b)
			}
			ax := make([]float64, n)
			a.MulVecTo(ax, trans, x)
			res, normX, normB := 0.0, 0.0, 0.0
			for i := range n {
				res = max(res, math.Abs(ax[i]-b[i]))
				normX = max(normX, math.Abs(x[i]))
				normB = max(normB, math.Abs(b[i]))
			}
			normA := 0.0
			for _, v := range a.Values() {
				normA = max(normA, math.Abs(v))
			}
			bound := 100 * float64(n*n) * eps * (normA*normX + normB) / growth
			if !(res <= bound) {
				t.Fatalf("trans %t: residual %g above %g (x %v, growth %g)", trans, res, bound, x, growth)
			}
		}
		x1 := make([]float64, n)
		lu.SolveTo(x1, b)
		if err := lu.Refactor(a); err != nil {
			t.Fatalf("Refactor with the values just factored: %v", err)
		}
		x2 := make([]float64, n)
		lu.SolveTo(x2, b)
		for i := range x1 {
			if x1[i] != x2[i] {
				t.Fatalf("Refactor changed x[%d] from %g to %g", i, x1[i], x2[i])
			}
		}
	})
}
