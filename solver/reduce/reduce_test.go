package reduce

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomNetwork returns a connected random network of nI internal and nP
// periphery nodes: a path through every node, so that every internal node
// reaches the periphery, and extra random edges.
func randomNetwork(rng *rand.Rand, nI, nP, extra int) (a, b []int, g []float64) {
	perm := rng.Perm(nI + nP)
	for k := 1; k < len(perm); k++ {
		a, b = append(a, perm[k-1]), append(b, perm[k])
	}
	for range extra {
		i, j := rng.IntN(nI+nP), rng.IntN(nI+nP)
		if i != j && (i < nI || j < nI) {
			a, b = append(a, i), append(b, j)
		}
	}
	for range a {
		g = append(g, math.Pow(10, -6+4*rng.Float64()))
	}
	return a, b, g
}

// TestReduceAgainstDense checks S and T against the Schur complement of
// the dense conductance matrix, the internal voltages against a dense
// solve, the power the pinned nodes deliver against vpᵀ·U·vp (U the
// pinned block of the Schur complement), and the zero row sums of [S T],
// on random networks, over two updates of the conductances (the second
// refactors), with more free periphery nodes than BlockRHS.
func TestReduceAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 6 {
		nI, nP := 5+rng.IntN(60), 2+rng.IntN(50)
		if trial == 5 {
			nP = BlockRHS + 20
		}
		a, b, g := randomNetwork(rng, nI, nP, 3*nI)
		free := make([]bool, nP)
		for p := range free {
			free[p] = rng.IntN(3) > 0
		}
		net := New(nI, free, a, b)
		net.noHalves = trial%2 == 1
		for round := range 2 {
			if round == 1 {
				for k := range g {
					g[k] *= 1 + 0.3*rng.Float64()
				}
			}
			if err := net.Update(g); err != nil {
				t.Fatal(err)
			}
			checkDense(t, net, g, free)
		}
	}
}

func checkDense(t *testing.T, net *Network, g []float64, free []bool) {
	t.Helper()
	nI, nP := net.nI, len(free)
	n := nI + nP
	k := mat.NewDense(n, n, nil)
	for e := range net.a {
		i, j := net.a[e], net.b[e]
		k.Set(i, i, k.At(i, i)+g[e])
		k.Set(j, j, k.At(j, j)+g[e])
		k.Set(i, j, k.At(i, j)-g[e])
		k.Set(j, i, k.At(j, i)-g[e])
	}
	var fi, pi []int
	for p, f := range free {
		if f {
			fi = append(fi, nI+p)
		} else {
			pi = append(pi, nI+p)
		}
	}
	sub := func(rows, cols []int) *mat.Dense {
		m := mat.NewDense(max(len(rows), 1), max(len(cols), 1), nil)
		for r, i := range rows {
			for c, j := range cols {
				m.Set(r, c, k.At(i, j))
			}
		}
		return m
	}
	ii := make([]int, nI)
	for i := range ii {
		ii[i] = i
	}
	var kinv mat.Dense
	if err := kinv.Inverse(sub(ii, ii)); err != nil {
		t.Fatal(err)
	}
	s := net.Coupling()
	scale := 0.0
	for _, v := range g {
		scale = math.Max(scale, v)
	}
	check := func(got []float64, cols []int, what string) {
		t.Helper()
		if len(fi) == 0 || len(cols) == 0 {
			return
		}
		var m, want mat.Dense
		m.Mul(sub(fi, ii), &kinv)
		want.Mul(&m, sub(ii, cols))
		want.Sub(sub(fi, cols), &want)
		for r := range fi {
			for q := range cols {
				if d := math.Abs(got[r*len(cols)+q] - want.At(r, q)); d > 1e-10*scale {
					t.Fatalf("%s (%d, %d): %g, want %g", what, r, q, got[r*len(cols)+q], want.At(r, q))
				}
			}
		}
	}
	check(s, fi, "S")
	// T column by column, through PinnedCurrentsTo with unit voltages.
	tt := make([]float64, len(fi)*len(pi))
	col := make([]float64, len(fi))
	work := net.Work()
	for q := range pi {
		vp := make([]float64, len(pi))
		vp[q] = 1
		net.PinnedCurrentsTo(col, vp, work)
		for r := range fi {
			tt[r*len(pi)+q] = col[r]
		}
	}
	check(tt, pi, "T")
	// The power the pinned nodes deliver with the free ones at 0 V:
	// vpᵀ·(K_PP - K_PI·K_II⁻¹·K_IP)·vp.
	if len(pi) > 0 {
		vp := mat.NewVecDense(len(pi), nil)
		for q := range pi {
			vp.SetVec(q, rng2.NormFloat64())
		}
		var m, u mat.Dense
		m.Mul(sub(pi, ii), &kinv)
		u.Mul(&m, sub(ii, pi))
		u.Sub(sub(pi, pi), &u)
		want := mat.Inner(vp, &u, vp)
		got := net.PinnedCurrentsTo(col, vp.RawVector().Data, work)
		if d := math.Abs(got - want); d > 1e-10*scale*mat.Dot(vp, vp) {
			t.Fatalf("pinned power %g W, want %g W", got, want)
		}
	}
	// Internal voltages: K_II x = -K_IP v.
	vp := make([]float64, nP)
	for p := range vp {
		vp[p] = rng2.NormFloat64()
	}
	got := make([]float64, nI)
	net.InternalTo(got, vp, net.Work())
	per := make([]int, nP)
	for p := range per {
		per[p] = nI + p
	}
	var rhs, want mat.VecDense
	rhs.MulVec(sub(ii, per), mat.NewVecDense(nP, vp))
	rhs.ScaleVec(-1, &rhs)
	want.MulVec(&kinv, &rhs)
	for i := range got {
		if d := math.Abs(got[i] - want.AtVec(i)); d > 1e-9 {
			t.Fatalf("internal %d: %g V, want %g V", i, got[i], want.AtVec(i))
		}
	}
}

var rng2 = rand.New(rand.NewPCG(9, 9))

// TestReduceSingular checks that an internal node with no path to the
// periphery makes Update fail.
func TestReduceSingular(t *testing.T) {
	// Internal node 2 is joined to nothing.
	net := New(3, []bool{true, false}, []int{0, 1}, []int{3, 4})
	if err := net.Update([]float64{1, 1}); err == nil {
		t.Error("no error for an isolated internal node")
	}
}
