package layered

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/eqsim/eqsim/solver/solve"
)

// gsCostRatio is how many sweeps of Gauss-Seidel one block elimination
// must cost before the Solver solves by Gauss-Seidel instead of Newton's
// method: a network with two wide hidden layers has a dense Schur
// complement as large as a layer to factor at every Newton iteration,
// while its sweeps cost two products with each crossbar between free
// nodes.
const gsCostRatio = 20

// useGaussSeidel reports whether one block elimination costs more than
// gsCostRatio sweeps.
func (s *Solver) useGaussSeidel() bool {
	elim := 0.0
	for _, blocks := range s.chain {
		for k := 1; k < len(blocks); k++ {
			n, p := float64(blocks[k].n), float64(blocks[k-1].n)
			elim += n*n*p + n*n*n/3 + n*n*float64(blocks[k].nnxt)
		}
	}
	sweep := float64(s.nu)
	for _, k := range s.lay.Links {
		r, c := k.G.Dims()
		sweep += 2 * float64(r*c)
	}
	return elim > gsCostRatio*sweep
}

// gaussSeidel solves the folded problem from s.v by nonlinear block
// Gauss-Seidel: a sweep sets every block of a chain, first those at even
// positions and then those at odd ones, to the voltages at which each of
// its nodes balances its currents with its neighbours' voltages held (the
// blocks are diagonal: their nodes are joined only to other blocks).
// Scellier (2024) solves deep resistive networks so; a sweep costs two
// products with every crossbar between free nodes, where a Newton
// iteration would factor dense Schur complements as wide as a layer.
//
// The sweeps contract by a factor rho, estimated from successive sweeps.
// The iterate is accepted once the distance to the solution this implies,
// the last change times rho/(1-rho), is within the voltage tolerance of
// every node and the KCL residual is within its current tolerance, as
// Newton accepts an iterate whose next update and residual are. It
// returns the status and the number of sweeps; s.v is then the last
// iterate and s.f its residual.
func (s *Solver) gaussSeidel(set *solve.Settings) (solve.Status, int) {
	if len(s.gsc) != s.nu {
		s.gsc = make([]float64, s.nu)
	}
	last, lastRatio := math.Inf(1), math.Inf(1)
	maxSweeps := 10 * set.MaxIterations
	for sweep := 1; sweep <= maxSweeps; sweep++ {
		// The largest change of the sweep in units of each node's
		// voltage tolerance.
		change := 0.0
		for color := range 2 {
			for _, blocks := range s.chain {
				for k := color; k < len(blocks); k += 2 {
					c, ok := s.gsBlock(blocks, k, set)
					if !ok {
						return solve.Diverged, sweep
					}
					change = math.Max(change, c)
				}
			}
		}
		ratio := change / last
		rho := math.Min(ratio, 0.99)
		last = change
		// Once the sweeps contract steadily by rho, successive
		// over-relaxation with Young's factor 2/(1 + sqrt(1 - rho))
		// (rho is the square of the block Jacobi iteration's radius
		// for a block tridiagonal chain) contracts by about omega - 1.
		if !s.omegaSet && sweep >= 3 && ratio < 0.95 && math.Abs(ratio-lastRatio) < 0.05*ratio {
			s.omegaSet = true
			s.omega = 2 / (1 + math.Sqrt(1-ratio))
		}
		lastRatio = ratio
		if sweep == 1 || change*math.Max(1, rho/(1-rho)) > 1 {
			continue
		}
		s.eval(true)
		if s.residualConverged(set) {
			return solve.Converged, sweep
		}
	}
	s.eval(true)
	return solve.IterationLimit, maxSweeps
}

// gsBlock sets block k of a chain as gaussSeidel says and returns its
// largest change in units of each node's voltage tolerance, and false if
// a voltage is not finite.
func (s *Solver) gsBlock(blocks []cblock, k int, set *solve.Settings) (float64, bool) {
	b := &blocks[k]
	c := s.gsc[b.off : b.off+b.n]
	copy(c, s.kf[b.off:b.off+b.n])
	if k > 0 {
		p := &blocks[k-1]
		blas64.Gemv(blas.NoTrans, 1, gen(b.dn, b.n, b.nprev), vec(s.v[p.off:p.off+p.n]), 1, vec(c))
	}
	if k+1 < len(blocks) {
		q := &blocks[k+1]
		blas64.Gemv(blas.Trans, 1, gen(b.upT, b.nnxt, b.n), vec(s.v[q.off:q.off+q.n]), 1, vec(c))
	}
	change := 0.0
	for i, ci := range c {
		fi := b.off + i
		gf := s.gf[fi]
		v := -ci / gf
		if js := s.junctionsOf(fi); len(js) > 0 {
			// Once the sweeps settle, Newton's method from the node's
			// last voltage takes a step or two; a large step means it
			// is not there yet.
			a := s.junc[js[0]].j.NVt()
			w, ok := s.polish(fi, v, s.v[fi], a, 3, a)
			if !ok {
				if w, ok = s.balance(fi, v); !ok {
					return 0, false
				}
			}
			v = w
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		v = s.v[fi] + s.omega*(v-s.v[fi])
		change = math.Max(change, math.Abs(v-s.v[fi])/(set.VoltTol+set.RelTol*math.Abs(v)))
		s.v[fi] = v
	}
	return change, true
}

// residualConverged reports whether the residual s.f is within the
// current tolerance of every node.
func (s *Solver) residualConverged(set *solve.Settings) bool {
	for i, r := range s.f {
		if !(math.Abs(r) <= set.CurrentTol+set.RelTol*s.scale[i]) {
			return false
		}
	}
	return true
}

// solveGS is SolveTo by Gauss-Seidel sweeps from x0, or from 0 V, where
// the first sweep's balances make a cold start.
//
// A warm start keeps the over-relaxation factor of the last solve: the
// nudged phases of EqProp start from the free equilibrium of the same
// circuit.
func (s *Solver) solveGS(dst, x0 []float64, set *solve.Settings) (solve.Result, error) {
	clear(s.v)
	if x0 != nil {
		for i, u := range s.xidx {
			s.v[i] = x0[u]
		}
	}
	if x0 == nil || s.omega == 0 {
		s.omega, s.omegaSet = 1, false
	}
	st, it := s.gaussSeidel(set)
	if st != solve.Converged && x0 != nil {
		clear(s.v)
		s.omega, s.omegaSet = 1, false
		var it2 int
		st, it2 = s.gaussSeidel(set)
		it += it2
	}
	return s.result(dst, st, it, set)
}
