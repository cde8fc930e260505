package eqprop

import "github.com/eqsim/eqsim/eqprop/device"

// This file opens some of the trainer's internals to the tests of package
// eqprop_test. Those tests are external because they train the networks
// of package eqprop/native, which imports eqprop: package eqprop's own
// tests cannot import it.

// SenseMeasurement is senseMeasurement.
var SenseMeasurement = senseMeasurement

// HasSensor reports whether newSensor gives s a sensor.
func HasSensor(s Sensing, seed uint64) bool { return newSensor(s, seed) != nil }

// Draw returns the move and the mirroring t draws for sample i in epoch
// e (move and mirrored).
func (t *Trainer) Draw(e, i int) (dx, dy int, mirror bool) {
	saved := t.epoch
	defer func() { t.epoch = saved }()
	t.epoch = e
	dx, dy = t.move(i)
	return dx, dy, t.mirrored(i)
}

// Shown returns training sample i of set as t shows it in epoch e: moved,
// mirrored and with its inputs dropped as drawn.
func (t *Trainer) Shown(e int, set *Set, i int) []float64 {
	saved := t.epoch
	defer func() { t.epoch = saved }()
	t.epoch = e
	x := make([]float64, set.Features)
	t.sampleTo(x, set, i)
	return x
}

// Devices returns block k's devices (nil without Config.Device).
func (t *Trainer) Devices(k int) *device.Array { return t.dev[k] }

// Direct reports whether t updates block k's conductances where the
// network reads them.
func (t *Trainer) Direct(k int) bool { return t.direct[k] }

// InPlace is inPlace.
func (t *Trainer) InPlace() bool { return t.inPlace() }

// Measurements returns the two measurements, m1 and m2, of every slot of
// t, which an update reduces.
func (t *Trainer) Measurements() (m1, m2 []*Measurement) {
	for _, s := range t.slots {
		m1, m2 = append(m1, s.m1), append(m2, s.m2)
	}
	return m1, m2
}

// Update updates the conductances from the measurements of the first n
// slots (update).
func (t *Trainer) Update(n int) { t.update(t.slots[:n], nil, nil) }

// Product returns what the update makes of block k's measurements in the
// first n slots, differenced over step (gather and fillP): the change of
// every conductance, row-major, as change computes it row by row, and the
// matrices P (Rows×kk) and Q (kk×Cols), row-major, whose product it is.
func (t *Trainer) Product(k, n int, step float64) (change, p, q []float64, kk int) {
	b := t.blocks[k]
	slots := t.slots[:n]
	kk, da0, sa0 := t.gather(k, slots, step)
	t.fillP(k, slots, kk, da0, sa0, 0, b.Rows)
	change = make([]float64, b.Rows*b.Cols)
	for i := range b.Rows {
		row := change[i*b.Cols : (i+1)*b.Cols]
		copy(row, t.change(row, k, kk, i))
	}
	return change, t.p[k][:b.Rows*kk], t.q[k][:kk*b.Cols], kk
}
