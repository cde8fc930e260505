package layered

import (
	"math"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// satFold is the work space of the layered solver's nonlinear fold, for
// networks with saturating amplifiers: a driven node's voltage is then
// V(u) = Swing*tanh((Gain*v + Offset)/Swing) of its owner's voltage v
// (circuit.AmplifierChannel), and its current, divided by the channel's
// gain as the mirror returns it, joins its owner's row. Newton's
// Jacobian takes the output's slope at the present iterate: the diagonal
// and the coupling blocks are formed anew at every evaluation, and the
// residual from the node voltages themselves rather than from the
// constant currents and conductances of the linear fold.
type satFold struct {
	ch        []circuit.AmplifierChannel // per free node: its channel; an undriven node has gain 1
	vu, slope []float64                  // per free node: V(u) and dV(u)/dv(owner)
	lc        []float64                  // per free node: current leaving through links, A
	vf, vt    [][]float64                // per link: voltages of its sides
	cf, ct    [][]float64                // per link: G*vt and G^T*vf
}

func newSatFold(lay *mna.Layering) *satFold {
	nf := len(lay.Gain)
	f := &satFold{ch: make([]circuit.AmplifierChannel, nf), vu: make([]float64, nf), slope: make([]float64, nf), lc: make([]float64, nf)}
	for u := range nf {
		f.ch[u] = circuit.AmplifierChannel{Gain: lay.Gain[u], Offset: lay.Offset[u], Swing: lay.Swing[u]}
	}
	for _, k := range lay.Links {
		f.vf = append(f.vf, make([]float64, len(k.From)))
		f.cf = append(f.cf, make([]float64, len(k.From)))
		f.vt = append(f.vt, make([]float64, len(k.To)))
		f.ct = append(f.ct, make([]float64, len(k.To)))
	}
	return f
}

// outputs sets vu and slope from the owners' voltages s.v.
func (f *satFold) outputs(s *Solver) {
	for u, ch := range f.ch {
		v := s.v[s.fidx[u]]
		if s.lay.Owner[u] == u {
			f.vu[u], f.slope[u] = v, 1
			continue
		}
		f.vu[u], f.slope[u] = ch.Out(v)
	}
}

// evalSat is eval for the nonlinear fold. It limits no junction: the
// fold's Newton updates are limited instead (satFold.limit), so that
// every iterate is a consistent state of the circuit.
func (s *Solver) evalSat(first bool) (limited bool) {
	sf, lay := s.sat, s.lay
	f, d, sc := s.f, s.d, s.scale
	sf.outputs(s)
	clear(sf.lc)
	for l, k := range lay.Links {
		vf, vt, cf, ct := sf.vf[l], sf.vt[l], sf.cf[l], sf.ct[l]
		for i, u := range k.From {
			vf[i] = sf.vu[u]
		}
		for j, u := range k.To {
			vt[j] = sf.vu[u]
		}
		g := k.G.RawMatrix()
		blas64.Gemv(blas.NoTrans, 1, g, vec(vt), 0, vec(cf))
		blas64.Gemv(blas.Trans, 1, g, vec(vf), 0, vec(ct))
		for i, u := range k.From {
			sf.lc[u] -= cf[i]
		}
		for j, u := range k.To {
			sf.lc[u] -= ct[j]
		}
	}
	clear(f)
	clear(d)
	cond := lay.Conductance()
	for u := range s.fidx {
		fi, inv := s.fidx[u], 1/s.gain[u]
		f[fi] += (cond[u]*sf.vu[u] + s.cur0[u] + sf.lc[u]) * inv
		d[fi] += cond[u] * sf.slope[u] * inv
	}
	for i, r := range f {
		sc[i] = math.Abs(r)
	}
	// Junctions are evaluated where they are: limit keeps the iterates'
	// junction voltages within pnjlim's steps (see satFold.limit).
	for k := range s.junc {
		jn := &s.junc[k]
		vd := jn.sgn * (sf.vu[jn.u] - jn.vpin)
		s.vdl[k] = vd
		i, g := jn.j.Eval(vd)
		s.ij[k] = i
		s.gj[k] = g
		i *= jn.inv
		f[jn.fi] += jn.sgn * i
		d[jn.fi] += g * sf.slope[jn.u] * jn.inv
		sc[jn.fi] += math.Abs(i)
	}
	s.coupleLinks(sf.slope)
	return limited
}

// satLinear is the argument |u| of tanh below which a saturating
// channel counts as linear in its Newton update (see limit): tanh's slope
// there is at least 1 - tanh(2)^2 = 0.07.
const satLinear = 2

// limit limits the Newton update s.dx of the owners (the unknowns of the
// fold), so that the next iterate is a state of the circuit reached by
// limited steps, rather than an iterate with limited junction voltages
// and node voltages that disagree with them, as pnjlim leaves it: through
// a saturating output's tanh the two would disagree by volts, and Newton
// cycles between them.
//
// First the argument u = (gain*v + offset)/swing of every saturating
// channel moves freely within the saturated region it is in, but at most
// by 1 within the linear region |u| < satLinear or into it: from a
// saturated iterate the output's slope is nearly zero, and an unlimited
// update would throw u across the linear region to the other side, and
// back. Then every junction's voltage moves as pnjlim would let it: an
// update that pnjlim would cut is shortened to where the junction voltage
// is the one pnjlim gives.
func (f *satFold) limit(s *Solver) {
	for u, ch := range f.ch {
		if ch.Swing == 0 || s.lay.Owner[u] == u {
			continue
		}
		fi := s.fidx[u]
		v := s.v[fi]
		uo := (ch.Gain*v + ch.Offset) / ch.Swing
		un := (ch.Gain*(v+s.dx[fi]) + ch.Offset) / ch.Swing
		lo, hi := uo-1, uo+1
		switch {
		case uo >= satLinear:
			lo, hi = satLinear-1, math.Inf(1)
		case uo <= -satLinear:
			lo, hi = math.Inf(-1), 1-satLinear
		}
		if un < lo || un > hi {
			un = math.Max(lo, math.Min(hi, un))
			s.dx[fi] = (un*ch.Swing-ch.Offset)/ch.Gain - v
		}
	}
	for k := range s.junc {
		jn := &s.junc[k]
		fi, ch := jn.fi, f.ch[jn.u]
		v := s.v[fi]
		out := func(v float64) float64 {
			if s.lay.Owner[jn.u] == jn.u {
				return v
			}
			y, _ := ch.Out(v)
			return y
		}
		vd := jn.sgn * (out(v+s.dx[fi]) - jn.vpin)
		vl := jn.j.Limit(vd, s.vdl[k])
		if vl == vd {
			continue
		}
		// The owner's voltage at which the junction is at vl.
		y := jn.vpin + jn.sgn*vl
		w := y
		if s.lay.Owner[jn.u] != jn.u {
			if ch.Swing != 0 {
				if math.Abs(y) >= ch.Swing {
					continue // beyond the output's reach
				}
				y = ch.Swing * math.Atanh(y/ch.Swing)
			}
			w = (y - ch.Offset) / ch.Gain
		}
		if d := w - v; math.Abs(d) < math.Abs(s.dx[fi]) && d*s.dx[fi] >= 0 {
			s.dx[fi] = d
		}
	}
}
