package solver

import "math"

// coldStart lists the junctions of every folded node for Layered.start.
type coldStart struct {
	first []int // folded node i has junctions order[first[i]:first[i+1]]
	order []int
}

func (s *Layered) newColdStart() *coldStart {
	c := &coldStart{first: make([]int, s.nu+1)}
	for _, jn := range s.junc {
		c.first[jn.fi+1]++
	}
	for i := range s.nu {
		c.first[i+1] += c.first[i]
	}
	c.order = make([]int, len(s.junc))
	next := append([]int(nil), c.first[:s.nu]...)
	for k, jn := range s.junc {
		c.order[next[jn.fi]] = k
		next[jn.fi]++
	}
	return c
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
func (s *Layered) start() bool {
	if s.cold == nil {
		s.cold = s.newColdStart()
	}
	clear(s.v)
	s.evalLinear()
	copy(s.d, s.gf)
	if !s.step(true) {
		return false
	}
	copy(s.v, s.dx)
	c := s.cold
	for fi := range s.nu {
		js := c.order[c.first[fi]:c.first[fi+1]]
		if len(js) == 0 {
			continue
		}
		// The node's most forward-biased junction, if any.
		best, ubest := -1, 0.0
		for _, k := range js {
			jn := &s.junc[k]
			if u := jn.sgn * (jn.gain*s.v[fi] - jn.vpin); u > ubest {
				best, ubest = k, u
			}
		}
		if best < 0 {
			continue
		}
		// The node's linear part delivers gf*(vlin - v) to its junctions.
		// Newton's method on that balance starts where the most forward
		// junction alone would carry all of gf*ulin, above the root on
		// its convex exponential, where steps fall short of the root
		// rather than beyond it.
		vlin, gf := s.v[fi], s.gf[fi]
		jb := &s.junc[best]
		a := jb.j.NVt()
		u := math.Min(ubest, a*math.Log1p(gf*ubest/jb.j.IS()))
		v := (jb.vpin + jb.sgn*u) * jb.inv
		ok := false
		for range 30 {
			f, d := gf*(v-vlin), gf
			for _, k := range js {
				jn := &s.junc[k]
				i, g := jn.j.Eval(jn.sgn * (jn.gain*v - jn.vpin))
				f += jn.sgn * i * jn.inv
				d += g
			}
			dv := f / d
			v -= dv
			if !(math.Abs(dv) > 1e-12*math.Max(math.Abs(v), a)) {
				ok = !math.IsNaN(v)
				break
			}
		}
		if ok {
			s.v[fi] = v
		}
	}
	return true
}
