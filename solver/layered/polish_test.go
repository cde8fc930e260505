package layered_test

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/solver/layered"
)

// polish accepts a Newton step on its bound of the error the step leaves,
// and what it accepts is within its tolerance of the node's root, found
// here by Newton's method run until its steps vanish. A node a nanovolt
// from its root is done in one step.
func TestPolishErrorBound(t *testing.T) {
	// Hidden nodes clamped by their rails and between them, with and
	// without an amplifier's gain on their junctions.
	l, err := layered.New(compile(t, deepNet(30, []int{12, 10}, 4, 3)), nil)
	if err != nil {
		t.Fatal(err)
	}
	fis := layered.JunctionNodes(l)
	if len(fis) == 0 {
		t.Fatal("no node with junctions")
	}
	oneStep, accepted := 0, 0
	for _, fi := range fis {
		for _, vlin := range []float64{-2, -0.3, 0, 0.2, 0.45, 0.6, 1.3, 2, 4.9, 7} {
			// The root to the last bit.
			r := vlin
			for range 200 {
				f, d := layered.NodeBalance(l, fi, vlin, r)
				dv := f / d
				if dv == 0 || math.IsNaN(dv) {
					break
				}
				r -= dv
			}
			if f, _ := layered.NodeBalance(l, fi, vlin, r); math.Abs(f) > 1e-15 {
				t.Fatalf("node %d, vlin %g V: no root (balance %g A at %g V)", fi, vlin, f, r)
			}
			for _, off := range []float64{1e-9, -1e-9, 1e-6, -1e-5, 1e-3, -3e-2, 0.3} {
				v, ok, a := layered.Polish(l, fi, vlin, r+off, 1)
				tol := 1e-12 * math.Max(math.Abs(r), a)
				if ok {
					accepted++
					if math.Abs(v-r) > tol {
						t.Errorf("node %d, vlin %g V, %g V off: accepted %.17g V, root %.17g V (off by %g V, tolerance %g V)", fi, vlin, off, v, r, v-r, tol)
					}
				}
				if math.Abs(off) == 1e-9 {
					if !ok {
						t.Errorf("node %d, vlin %g V: a nanovolt from the root, one step is not accepted", fi, vlin)
					}
					oneStep++
				}
			}
		}
	}
	if accepted == oneStep {
		t.Errorf("only the nanovolt starts were accepted")
	}
	t.Logf("%d nodes, %d one-step polishes accepted", len(fis), accepted)
}
