package mna

// Power returns System.Power at x, the power in watts the sources deliver,
// at the cost of the free nodes rather than the conductances: the power
// a crossbar from pinned nodes p to free nodes u carries from the
// sources,
//
//	sum over p, u of G*V(p)*(V(p) - V(u)) = sum over p of V(p)^2*S(p) - sum over u of V(u)*c(u),
//
// takes the sums S of its conductances over the free side (summed once
// after Refresh) and the products c = G^T V(p) that PinnedTo keeps for the
// present inputs. A crossbar whose pinned voltages changed since
// PinnedTo is summed cell by cell, as System.Power does. Equal to
// System.Power within rounding. A wired crossbar is summed over its wire
// segments and cells, from the internal node voltages in x; for a
// solution without them, see ReducedPower.
func (l *Layering) Power(x []float64) Power { return l.sys.power(x, l.feedPower) }

// feedPower returns the power in watts that the pinned side of crossbar k
// of the system delivers, computed from the free side's voltages, and
// false if crossbar k is no feed or its pinned voltages changed since
// PinnedTo.
func (l *Layering) feedPower(k int) (float64, bool) {
	s := l.sys
	if l.feedOf == nil {
		l.feedOf = make([]int, len(s.cross))
		for k := range l.feedOf {
			l.feedOf[k] = -1
		}
		for i := range l.feeds {
			l.feedOf[l.feeds[i].cross] = i
		}
	}
	if l.feedOf[k] < 0 {
		return 0, false
	}
	f := &l.feeds[l.feedOf[k]]
	for i, n := range f.pinned {
		f.v[i] = s.v[n]
	}
	if !f.unchanged(f.v) {
		return 0, false
	}
	if !f.sumsOK {
		rows, cols := l.sums(f.g)
		if !f.rows {
			// The pinned side is the columns: each one's sum.
			rows = cols
		}
		f.sums = append(f.sums[:0], rows...)
		f.sumsOK = true
	}
	var w float64
	for i, vp := range f.v {
		w += vp * vp * f.sums[i]
	}
	for j, u := range f.free {
		w -= s.v[s.free[u]] * f.c[j]
	}
	return w, true
}
