package mna

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// TestEvalSparseMatchesDense checks that the sparse Jacobian, summed
// entry by entry into the positions of JacobianPattern, is the dense
// Jacobian of Eval bit for bit (both add the same terms in the same
// order at every position), and that the residuals agree, on random
// circuits with every element kind, with and without limiting, ideal and
// wired crossbars.
func TestEvalSparseMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for k := range 12 {
		var nl circuittest.Nonideal
		if k >= 6 {
			nl = circuittest.Nonideal{
				WireR:      1e3,
				Diodes:     circuit.DiodeVariation{ISSpread: 1, NSpread: 0.1, Seed: uint64(k)},
				Amplifiers: circuit.AmplifierVariation{GainError: 0.2, Offset: 0.05, Seed: uint64(k)},
			}
		}
		c := randomCircuit(rng, k%2 == 1, nl)
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		n := s.Size()
		rows, cols := s.JacobianPattern()
		if len(rows) != len(cols) || len(rows) == 0 {
			t.Fatalf("circuit %d: pattern of %d rows and %d columns", k, len(rows), len(cols))
		}
		// One slot per position, as a sparse matrix gives.
		slot := map[[2]int]int{}
		slots := make([]int, len(rows))
		for h := range rows {
			p := [2]int{rows[h], cols[h]}
			if _, ok := slot[p]; !ok {
				slot[p] = len(slot)
			}
			slots[h] = slot[p]
		}
		vals := make([]float64, len(slot))
		for i := range vals {
			vals[i] = 7 // EvalSparse zeroes them
		}
		for _, limit := range []bool{false, true} {
			x := randX(rng, s)
			var la, lb *Limiter
			if limit {
				la, lb = s.NewLimiter(), s.NewLimiter()
				x0 := randX(rng, s)
				s.Eval(make([]float64, n), nil, x0, la)
				s.Eval(make([]float64, n), nil, x0, lb)
			}
			fd, fs := make([]float64, n), make([]float64, n)
			jd := mat.NewDense(n, n, nil)
			ld := s.Eval(fd, jd, x, la)
			ls := s.EvalSparse(fs, vals, slots, x, lb)
			if ld != ls {
				t.Errorf("circuit %d: limited %v dense, %v sparse", k, ld, ls)
			}
			for i := range fd {
				if fd[i] != fs[i] {
					t.Errorf("circuit %d: f[%d] = %g dense, %g sparse", k, i, fd[i], fs[i])
				}
			}
			got := mat.NewDense(n, n, nil)
			for p, sl := range slot {
				got.Set(p[0], p[1], vals[sl])
			}
			if !mat.Equal(got, jd) {
				t.Errorf("circuit %d (limit %v): sparse Jacobian\n%v\nwant\n%v", k, limit, mat.Formatted(got), mat.Formatted(jd))
			}
		}
	}
}

// TestEvalSparseSlotsMismatch checks that slots of another length panic.
func TestEvalSparseSlotsMismatch(t *testing.T) {
	s, err := Compile(randomCircuit(rand.New(rand.NewPCG(1, 1)), true, circuittest.Nonideal{}))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := s.JacobianPattern()
	n := s.Size()
	defer func() {
		if recover() == nil {
			t.Error("no panic for slots longer than the pattern")
		}
	}()
	s.EvalSparse(make([]float64, n), make([]float64, 1), make([]int, len(rows)+1), make([]float64, n), nil)
}
