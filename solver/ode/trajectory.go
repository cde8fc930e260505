package ode

import "math"

// trajectory records, after every accepted step of a transient, the node
// rows of the state and the energy delivered so far.
type trajectory struct {
	nf    int
	times []float64
	v     []float64 // len(times) rows of nf
	e     []Energy
}

// reset empties tr for a transient with nf node rows, keeping its memory.
func (tr *trajectory) reset(nf int) {
	tr.nf = nf
	tr.times, tr.v, tr.e = tr.times[:0], tr.v[:0], tr.e[:0]
}

func (tr *trajectory) add(t float64, x []float64, e Energy) {
	tr.times = append(tr.times, t)
	tr.v = append(tr.v, x[:tr.nf]...)
	tr.e = append(tr.e, e)
}

// settlingTime returns the time after which every node row i stayed within
// tol/eg[i] of its final voltage in x (eg nil means all ones). Within the
// step where a row entered that band, its distance from the final voltage
// is taken to decay exponentially, as a settling transient's tail does,
// or linearly if it changed sign.
func (tr *trajectory) settlingTime(x []float64, tol float64, eg []float64) float64 {
	var settle float64
	last := len(tr.times) - 1
	for i := 0; i < tr.nf; i++ {
		final := x[i]
		band := tol
		if eg != nil {
			band /= eg[i]
		}
		for k := last; k >= 0; k-- {
			a := tr.v[k*tr.nf+i] - final
			if math.Abs(a) <= band {
				continue
			}
			ts := tr.times[k]
			if k < last {
				// Entered the band between records k and k+1.
				b := tr.v[(k+1)*tr.nf+i] - final
				var s float64
				switch {
				case a*b > 0:
					s = math.Log(math.Abs(a)/band) / math.Log(a/b)
				case a > 0:
					s = (a - band) / (a - b)
				default:
					s = (a + band) / (a - b)
				}
				ts += s * (tr.times[k+1] - tr.times[k])
			}
			settle = math.Max(settle, ts)
			break
		}
	}
	return settle
}

// energyAt returns the energy delivered until time t, linear between the
// records.
func (tr *trajectory) energyAt(t float64) Energy {
	k := 0
	for k+1 < len(tr.times) && tr.times[k+1] < t {
		k++
	}
	if k+1 >= len(tr.times) {
		return tr.e[len(tr.e)-1]
	}
	s := (t - tr.times[k]) / (tr.times[k+1] - tr.times[k])
	if tr.times[k+1] == tr.times[k] || s < 0 {
		s = 0
	}
	a, b := tr.e[k], tr.e[k+1]
	return Energy{a.Sources + s*(b.Sources-a.Sources), a.Controlled + s*(b.Controlled-a.Controlled)}
}
