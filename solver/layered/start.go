package layered

import (
	"math"
	"slices"
)

// coldStart is the work space of Solver.start: the factorization of the
// linear part's Jacobian, which depends on the conductances alone.
type coldStart struct {
	gf    []float64 // the linear conductances factored, as of valid
	invd  []float64
	fac   [][]blockFactor // per chain and block
	valid bool            // fac factors gf's Jacobian; Refresh clears it
}

// blockFactor is the part of a cblock that a factorization writes.
type blockFactor struct {
	s    []float64
	ipiv []int
	tt   []float64
}

// swap exchanges the factorization in s's blocks with c's.
func (c *coldStart) swap(s *Solver) {
	s.invd, c.invd = c.invd, s.invd
	for ci, blocks := range s.chain {
		for k := range blocks {
			b, f := &blocks[k], &c.fac[ci][k]
			b.s, f.s = f.s, b.s
			b.ipiv, f.ipiv = f.ipiv, b.ipiv
			b.tt, f.tt = f.tt, b.tt
		}
	}
}

func (s *Solver) newColdStart() *coldStart {
	c := &coldStart{gf: make([]float64, s.nu), invd: make([]float64, s.nu)}
	for _, blocks := range s.chain {
		fs := make([]blockFactor, len(blocks))
		for k, b := range blocks {
			fs[k] = blockFactor{s: make([]float64, len(b.s)), ipiv: make([]int, len(b.ipiv)), tt: make([]float64, len(b.tt))}
		}
		c.fac = append(c.fac, fs)
	}
	return c
}

// nodeJunctions lists the junctions of every folded node: node i has
// junctions order[first[i]:first[i+1]].
type nodeJunctions struct {
	first, order []int
}

// junctionsOf returns the junctions of folded node fi.
func (s *Solver) junctionsOf(fi int) []int {
	if s.nodeJ.first == nil {
		nj := nodeJunctions{first: make([]int, s.nu+1), order: make([]int, len(s.junc))}
		for _, jn := range s.junc {
			nj.first[jn.fi+1]++
		}
		for i := range s.nu {
			nj.first[i+1] += nj.first[i]
		}
		next := append([]int(nil), nj.first[:s.nu]...)
		for k, jn := range s.junc {
			nj.order[next[jn.fi]] = k
			next[jn.fi]++
		}
		s.nodeJ = nj
	}
	return s.nodeJ.order[s.nodeJ.first[fi]:s.nodeJ.first[fi+1]]
}

// start sets s.v to a cold start for Newton's method and reports whether
// it could: the solution of the network's linear part (its junctions
// open), with every node that this leaves with a junction forward biased
// moved to where its junctions balance the node's linear current, the
// rest of the circuit held.
//
// Started from 0 V instead, Newton spends most of its iterations on the
// diodes: SPICE's junction limiting lets a junction voltage climb only
// logarithmically, and one that overshoots comes back down by at most
// N*Vt an iteration. On the MNIST example this start takes a cold solve
// from 11 iterations to 4.
func (s *Solver) start() bool {
	if s.cold == nil {
		s.cold = s.newColdStart()
	}
	c := s.cold
	clear(s.v)
	s.evalLinear()
	copy(s.d, s.gf)
	// The linear part's Jacobian is factored once until the conductances
	// change, in work space of its own, so that Newton's last
	// factorization is kept.
	factor := !c.valid || !slices.Equal(c.gf, s.gf)
	c.swap(s)
	ok := s.step(factor)
	c.swap(s)
	c.valid = ok
	copy(c.gf, s.gf)
	if !ok {
		return false
	}
	copy(s.v, s.dx)
	for fi := range s.nu {
		if len(s.junctionsOf(fi)) == 0 {
			continue
		}
		if v, ok := s.balance(fi, s.v[fi]); ok {
			s.v[fi] = v
		}
	}
	return true
}

// balance returns the voltage of folded node fi at which its junctions
// carry the current its linear part delivers, gf*(vlin - v) with gf its
// linear conductance and vlin its voltage with the junctions open, and
// whether it found it. The rest of the circuit is held.
func (s *Solver) balance(fi int, vlin float64) (float64, bool) {
	js := s.junctionsOf(fi)
	// The node's most forward-biased junction, if any.
	best, ubest := -1, 0.0
	for _, k := range js {
		jn := &s.junc[k]
		if u := jn.sgn * (jn.gain*vlin - jn.vpin); u > ubest {
			best, ubest = k, u
		}
	}
	// The node's linear part delivers gf*(ulin - u) to the most forward
	// junction at junction voltage u. Where that junction alone carries
	// it, is*(exp(u/a) - 1) = gf*(ulin - u), or u = a*log(1 + gf*(ulin -
	// u)/is): two steps of Newton's method on that form, from the voltage
	// at which the junction would carry all of gf*ulin, come within
	// rounding of its root for the large ulin of clamped nodes. Newton's
	// method on the node's balance with all its junctions then finishes,
	// from vlin if no junction is forward biased there.
	gf, v, a := s.gf[fi], vlin, 0.0
	if best >= 0 {
		jb := &s.junc[best]
		a = jb.j.NVt()
		is := jb.j.IS()
		u := math.Min(ubest, a*math.Log1p(gf*ubest/is))
		for range 2 {
			r := is + gf*(ubest-u)
			if !(r > 0) {
				break
			}
			u -= (u - a*math.Log(r/is)) / (1 + a*gf/r)
		}
		v = (jb.vpin + jb.sgn*u) * jb.inv
	} else if len(js) > 0 {
		a = s.junc[js[0]].j.NVt()
	}
	return s.polish(fi, vlin, v, a, 30, math.Inf(1))
}

// polish runs at most n steps of Newton's method on the balance of node
// fi (see balance) from v, a the N*Vt of its junctions, and returns the
// root and true once the root is known within 1e-12 relative (or a), or
// false if a step exceeds maxStep volts or n steps do not get there.
//
// The root is known once a step is that small, or once the error left
// after the step is: Newton's method leaves about f2/(2*f1)*dv^2 after a
// step dv, f1 and f2 the balance's first and second derivatives. A
// junction's second derivative is at most 2g/(N*Vt) in magnitude at its
// own voltage (its exponential, the SPICE3 reverse form below -3*N*Vt,
// and breakdown; a series resistance only lowers it), so f2 is at most
// the sum of 2*gain*g/(N*Vt) over the node's junctions. Accepting the
// step on that bound saves the evaluation that would only confirm it: in
// Gauss-Seidel sweeps a node's balance moves by micro- to nanovolts from
// sweep to sweep, and its junctions' exponentials are most of a sweep's
// cost.
func (s *Solver) polish(fi int, vlin, v, a float64, n int, maxStep float64) (float64, bool) {
	for range n {
		f, d, curve := s.nodeBalance(fi, vlin, v)
		dv := f / d
		if !(math.Abs(dv) <= maxStep) {
			return vlin, false
		}
		v -= dv
		tol := 1e-12 * math.Max(math.Abs(v), a)
		if !(math.Abs(dv) > tol) || curve/d*dv*dv <= tol {
			return v, !math.IsNaN(v)
		}
	}
	return vlin, false
}

// nodeBalance returns the balance of folded node fi at voltage v (see
// balance), the current its linear part and junctions take from it, with
// its derivative d and the bound curve on its second derivative that
// polish uses.
func (s *Solver) nodeBalance(fi int, vlin, v float64) (f, d, curve float64) {
	gf := s.gf[fi]
	f, d = gf*(v-vlin), gf
	for _, k := range s.junctionsOf(fi) {
		jn := &s.junc[k]
		i, g := jn.j.Eval(jn.sgn * (jn.gain*v - jn.vpin))
		f += jn.sgn * i * jn.inv
		d += g
		curve += jn.gain * g / jn.j.NVt()
	}
	return f, d, curve
}
