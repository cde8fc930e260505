package solver

// TransientTo integrates the system's ODE from x0 (nil means all nodes at
// 0 V) with the integrator the DC chose, and writes the final state into
// dst (len sys.Size(); it may be x0), which becomes the Result's X: the
// layered transient on a layered network whose capacitances are diagonal
// in its unknowns, keeping its work space from one call to the next, the
// general Transient otherwise, and the general one as well, from x0 again,
// when the layered transient fails and the system is small enough.
func (d *DC) TransientTo(dst, x0 []float64, set *TransientSettings) (Result, error) {
	if d.lay != nil && d.diagonal() {
		var start []float64
		if x0 != nil && &x0[0] == &dst[0] {
			start = append(start, x0...) // the layered transient overwrites dst
		}
		res, err := d.lay.TransientTo(dst, x0, set)
		if err == nil || checkSize(d.sys, set.WithDefaults().Settings) != nil {
			return res, err
		}
		if start != nil {
			x0 = start
		}
	}
	d.sys.UpdatePins()
	res, err := Transient(d.sys, x0, set)
	if len(res.X) == len(dst) {
		copy(dst, res.X)
		res.X = dst
	}
	return res, err
}

// diagonal reports whether no capacitor joins two free nodes.
func (d *DC) diagonal() bool {
	for _, c := range d.sys.Capacitances() {
		if c.J >= 0 {
			return false
		}
	}
	return true
}
