package layered

import (
	"math"

	"github.com/eqsim/eqsim/solver/reduce"
)

// The tests of package layered_test, which compare the layered solver with
// package solver's Newton, see these internals through the functions below.

// ForceGaussSeidel makes s solve by Gauss-Seidel sweeps whatever its
// cost estimate says.
func ForceGaussSeidel(s *Solver) { s.gs = true }

// UsesGaussSeidel reports whether s solves by Gauss-Seidel sweeps.
func UsesGaussSeidel(s *Solver) bool { return s.gs }

// Factorizations returns the number of DC Newton factorizations s made.
func Factorizations(s *Solver) int { return s.fac.n }

// ColdStart loads the present sources into s and returns its cold start
// (see Solver.start) and whether it found one.
func ColdStart(s *Solver) ([]float64, bool) {
	s.load()
	ok := s.start()
	return append([]float64(nil), s.v...), ok
}

// WiredNetwork returns the reduced network of s's k-th crossbar with wire
// resistance.
func WiredNetwork(s *Solver, k int) *reduce.Network { return s.wired[k].Network() }

// JunctionNodes loads the present sources into s and returns its folded
// nodes that have junctions.
func JunctionNodes(s *Solver) []int {
	s.load()
	var fis []int
	for fi := range s.nu {
		if len(s.junctionsOf(fi)) > 0 {
			fis = append(fis, fi)
		}
	}
	return fis
}

// Polish runs s.polish on folded node fi, n steps at most, and returns
// its result with the N*Vt it was given.
func Polish(s *Solver, fi int, vlin, v float64, n int) (float64, bool, float64) {
	a := s.junc[s.junctionsOf(fi)[0]].j.NVt()
	w, ok := s.polish(fi, vlin, v, a, n, math.Inf(1))
	return w, ok, a
}

// NodeBalance returns the balance of folded node fi at voltage v (the
// current polish drives to 0) and its derivative.
func NodeBalance(s *Solver, fi int, vlin, v float64) (f, d float64) {
	f, d, _ = s.nodeBalance(fi, vlin, v)
	return f, d
}
