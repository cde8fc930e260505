package mna

// EnergyWeights returns, for every node (by index; 0 is ground), the
// weight of the energy at the node seen from the given nodes (the
// outputs): 1 at those nodes, the same on both sides of a resistor and
// across a crossbar (from its periphery nodes, whatever its wires),
// multiplied by the square of an amplifier's nominal gain from the
// channel's driven node to its driving node, and 0 where no weight
// reaches. Only free nodes take a weight. The first weight that reaches a
// node is its weight.
//
// An amplifier of gain A scales the voltages behind it by 1/A as seen
// from the outputs, so the loss gradient of a conductance behind it is
// the weight times its drop-squared difference; learning rules use the
// weight of a trainable block as its calibration constant.
func (s *System) EnergyWeights(outputs []int) []float64 {
	w := make([]float64, len(s.names))
	has := make([]bool, len(s.names))
	for _, i := range outputs {
		w[i], has[i] = 1, true
	}
	changed := true
	set := func(i int, v float64) {
		if !has[i] && i != 0 && s.kind[i] == kindFree {
			w[i], has[i] = v, true
			changed = true
		}
	}
	for changed {
		changed = false
		for _, r := range s.res {
			if has[r.a] {
				set(r.b, w[r.a])
			}
			if has[r.b] {
				set(r.a, w[r.b])
			}
		}
		for k := range s.cross {
			c := &s.cross[k]
			known, found := 0.0, false
			for _, side := range [][]int{c.from, c.to} {
				for _, i := range side {
					if has[i] && !found {
						known, found = w[i], true
					}
				}
			}
			if !found {
				continue
			}
			for _, side := range [][]int{c.from, c.to} {
				for _, i := range side {
					set(i, known)
				}
			}
		}
		for _, a := range s.amps {
			if has[a.to] {
				set(a.from, w[a.to]*a.gain*a.gain)
			}
		}
	}
	return w
}
