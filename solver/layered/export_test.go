package layered

import "github.com/eqsim/eqsim/solver/reduce"

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
