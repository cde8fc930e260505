package mna

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit"
)

// checkFinite returns a *circuit.Error naming the element of the first
// derived value that is not finite, though every value given is: a
// junction whose saturation current the temperature scaling overflows,
// or a node whose currents would overflow at the voltages the sources
// set (a conductance of 1e300 S across a source of 1e308 V). Each
// current term of KCL at a node is about its conductance times a drop of
// at most the sum of the source voltages (amplifier gains aside; twice
// that in the worst case, which would refuse sane circuits only within a
// factor of two of the float64 range), so a finite bound here keeps the
// evaluation of the linear part finite.
func (s *System) checkFinite() error {
	for _, r := range s.recs {
		if r.kind != recJunction {
			continue
		}
		if err := r.model.CheckTemperature(s.temp, s.tnom); err != nil {
			return &circuit.Error{Element: r.elem, Msg: fmt.Sprintf("diode model %q: %v", r.model.Name, err)}
		}
	}
	vsum := 0.0
	for _, r := range s.recs {
		var v float64
		switch r.kind {
		case recVoltage:
			v = *r.val * r.scale
		case recAmplifier:
			v = r.offset
		default:
			continue
		}
		vsum += math.Abs(v)
		if math.IsInf(vsum, 0) || math.IsNaN(vsum) {
			return &circuit.Error{Element: r.elem, Msg: fmt.Sprintf("the source voltages add up to %g V, beyond float64", vsum)}
		}
	}
	span := vsum
	load := make([]float64, len(s.names))
	blame := make([]string, len(s.names))
	largest := make([]float64, len(s.names))
	add := func(n int, amps float64, elem string) {
		load[n] += amps
		if amps > largest[n] || blame[n] == "" {
			largest[n], blame[n] = amps, elem
		}
	}
	// amps bounds the current of a conductance g; without sources only g
	// itself must be finite.
	amps := func(g float64) float64 { return math.Abs(g) * max(span, 1) }
	cond := func(a, b int, g float64, elem string) {
		add(a, amps(g), elem)
		add(b, amps(g), elem)
	}
	for _, r := range s.recs {
		switch r.kind {
		case recConductance:
			cond(r.n[0], r.n[1], *r.val, r.elem)
		case recCurrent:
			add(r.n[0], math.Abs(*r.val), r.elem)
			add(r.n[1], math.Abs(*r.val), r.elem)
		}
	}
	for _, cx := range s.cross {
		x := cx.x
		n := len(cx.to)
		for i, a := range cx.from {
			for j, b := range cx.to {
				if cx.r != nil {
					a, b = cx.r[i*n+j], cx.c[i*n+j]
				}
				cond(a, b, x.G.At(i, j), x.Name)
			}
		}
		if cx.r != nil {
			// Every internal node has two wire segments on it.
			for k := range cx.r {
				add(cx.r[k], 2*amps(1/x.WireR), x.Name)
				add(cx.c[k], 2*amps(1/x.WireR), x.Name)
			}
		}
	}
	for n := 1; n < len(load); n++ {
		if math.IsInf(load[n], 0) || math.IsNaN(load[n]) {
			return &circuit.Error{Element: blame[n], Msg: fmt.Sprintf(
				"the currents at node %q overflow float64: its conductances times the %g V of the sources (and its current sources) add up to %g A", s.names[n], span, load[n])}
		}
	}
	return nil
}
