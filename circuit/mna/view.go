package mna

import "github.com/eqsim/eqsim/circuit/mna/devices"

// Devices returns the view of the devices s was compiled from, for the
// packages that read them: the noise sources (package noise) and the
// operating-point probe (package audit). It is built at the first call
// and belongs to s (a Clone builds its own).
func (s *System) Devices() *devices.List {
	if s.devs != nil {
		return s.devs
	}
	l := &devices.List{Devices: make([]devices.Device, len(s.recs)), Nodes: s.names, Unknown: s.unk,
		NumFree: len(s.free), Temperature: s.temp,
		Voltages: func(x []float64) []float64 { s.load(x); return s.v }}
	var nd, nc int // Compile keeps each kind of record in record order.
	for i := range s.recs {
		r := &s.recs[i]
		d := &l.Devices[i]
		*d = devices.Device{Kind: r.kind, Elem: r.elem, Name: r.name, A: r.n[0], B: r.n[1], Value: r.val}
		switch r.kind {
		case recJunction:
			d.Junction = &s.diodes[nd].j
			nd++
		case recCrossbar:
			c := &s.cross[nc]
			d.Crossbar = &devices.Crossbar{Element: c.x, From: c.from, To: c.to, Rows: c.r, Cols: c.c}
			nc++
		}
	}
	s.devs = l
	return l
}
