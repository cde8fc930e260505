package mna

import (
	"fmt"
	"math"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// Quantity is a quantity of a circuit's operating point that a chip's
// limits bound.
type Quantity int

const (
	// InputVoltage is the magnitude of an input node's voltage, V.
	InputVoltage Quantity = iota
	// DeviceVoltage is the magnitude of the drop across a trainable
	// conductance (across the device itself for a crossbar with wire
	// resistance), V.
	DeviceVoltage
	// DevicePower is the power a trainable conductance dissipates, W.
	DevicePower
	// AmplifierOutput is the magnitude of an amplifier channel's output
	// voltage V(to), V.
	AmplifierOutput
	// DiodeReverse is the reverse voltage across a diode, cathode minus
	// anode (0 when forward biased), V.
	DiodeReverse
	// DiodeCurrent is the magnitude of a diode's current, A.
	DiodeCurrent
	// NumQuantities is the number of quantities.
	NumQuantities
)

var quantityNames = [...]string{"input", "device_voltage", "device_power", "amplifier_output", "diode_reverse", "diode_current"}

// String returns the quantity's name as the keys of a netlist's [limits]
// name it: "input", "device_voltage", ...
func (q Quantity) String() string {
	if q >= 0 && q < NumQuantities {
		return quantityNames[q]
	}
	return fmt.Sprintf("Quantity(%d)", int(q))
}

// Unit returns the quantity's SI unit, "V", "W" or "A".
func (q Quantity) Unit() string {
	switch q {
	case DevicePower:
		return "W"
	case DiodeCurrent:
		return "A"
	}
	return "V"
}

// Extreme is the largest value of a quantity over the devices of one
// element at an operating point.
type Extreme struct {
	Quantity Quantity
	// Element is the element's name; Device names its device where it
	// has several: "[3][7]" a crossbar's cell (row, column), "[2]" an
	// amplifier's channel or an input's node (its node's name where it
	// is not the input's name and an index), "[4].hi" a rectifier's
	// diode, "" for a resistor or a diode.
	Element, Device string
	Value           float64
}

// Probe measures the operating point of a system: the extremes of every
// element's quantities (see Extreme). It belongs to one System (or
// clone) and is not safe for concurrent use.
type Probe struct {
	s     *System
	slots []Extreme
	// rec[i] is, per quantity, the slot of record i, -1 if none.
	rec [][NumQuantities]int
	// at[k] is where slot k's extreme is: the record and, for a
	// crossbar, its cell, for a junction its index; -1 for none.
	at [][2]int
}

// Probe returns a probe of s's operating point: which elements have
// which quantities is found once, here.
func (s *System) Probe() *Probe {
	p := &Probe{s: s, rec: make([][NumQuantities]int, len(s.recs))}
	slot := map[[2]string]int{} // element, quantity name -> slot
	add := func(i int, q Quantity) {
		r := &s.recs[i]
		k, ok := slot[[2]string{r.elem, q.String()}]
		if !ok {
			k = len(p.slots)
			slot[[2]string{r.elem, q.String()}] = k
			p.slots = append(p.slots, Extreme{Quantity: q, Element: r.elem})
		}
		p.rec[i][q] = k
	}
	for i := range s.recs {
		for q := range p.rec[i] {
			p.rec[i][q] = -1
		}
		r := &s.recs[i]
		switch r.kind {
		case recVoltage:
			if e := s.elemIndex[r.elem]; e != nil && e.Kind() == circuit.InputKind {
				add(i, InputVoltage)
			}
		case recConductance:
			if t, ok := s.elemIndex[r.elem].(circuit.Trainable); ok && t.IsTrainable() {
				add(i, DeviceVoltage)
				add(i, DevicePower)
			}
		case recCrossbar:
			if r.x.Trainable {
				add(i, DeviceVoltage)
				add(i, DevicePower)
			}
		case recJunction:
			add(i, DiodeReverse)
			add(i, DiodeCurrent)
		case recAmplifier:
			add(i, AmplifierOutput)
		}
	}
	return p
}

// Extremes returns the extremes at x, one per element and quantity that
// applies to it, in element order. The slice belongs to p and is
// overwritten by the next call.
func (p *Probe) Extremes(x []float64) []Extreme {
	s := p.s
	s.load(x)
	v := s.v
	if p.at == nil {
		p.at = make([][2]int, len(p.slots))
	}
	for k := range p.slots {
		p.slots[k].Value, p.at[k] = math.Inf(-1), [2]int{-1, 0}
	}
	put := func(k int, val float64, rec, cell int) {
		if e := &p.slots[k]; val > e.Value {
			e.Value, p.at[k] = val, [2]int{rec, cell}
		}
	}
	nd, nc := 0, 0 // junction and crossbar counters: records keep element order
	for i := range s.recs {
		r, slot := &s.recs[i], &p.rec[i]
		switch r.kind {
		case recVoltage:
			if k := slot[InputVoltage]; k >= 0 {
				put(k, math.Abs(v[r.n[0]]-v[r.n[1]]), i, 0)
			}
		case recConductance:
			if k := slot[DeviceVoltage]; k >= 0 {
				d := v[r.n[0]] - v[r.n[1]]
				put(k, math.Abs(d), i, 0)
				put(slot[DevicePower], *r.val*d*d, i, 0)
			}
		case recCrossbar:
			if k := slot[DeviceVoltage]; k >= 0 {
				c := &s.cross[nc]
				bv, iv, bp, ip := c.extremeCells(v)
				put(k, bv, i, iv)
				put(slot[DevicePower], bp, i, ip)
			}
			nc++
		case recJunction:
			d := s.diodes[nd]
			vd := v[d.a] - v[d.k]
			cur, _ := d.j.Eval(vd)
			put(slot[DiodeReverse], math.Max(0, -vd), i, nd)
			put(slot[DiodeCurrent], math.Abs(cur), i, nd)
			nd++
		case recAmplifier:
			put(slot[AmplifierOutput], math.Abs(v[r.n[1]]), i, 0)
		}
	}
	for k := range p.slots {
		p.slots[k].Device = p.device(k)
	}
	return p.slots
}

// device names the device at which slot k's extreme is.
func (p *Probe) device(k int) string {
	e, at := &p.slots[k], p.at[k]
	if at[0] < 0 {
		e.Value = 0
		return ""
	}
	r := &p.s.recs[at[0]]
	// Names made from the element's, "x[3]" or "RH[4].hi", lose it.
	own := func(name string) string {
		if strings.HasPrefix(name, r.elem+"[") {
			return name[len(r.elem):]
		}
		return name
	}
	switch r.kind {
	case recVoltage:
		return own(p.s.names[r.n[0]])
	case recCrossbar:
		n := len(r.x.To)
		return fmt.Sprintf("[%d][%d]", at[1]/n, at[1]%n)
	case recJunction:
		if name := p.s.dnames[at[1]]; name != r.elem {
			return own(name)
		}
	case recAmplifier:
		if _, dev, ok := cutChannel(r.name); ok {
			return dev
		}
		return r.name
	}
	return ""
}

// extremeCells returns the largest drop across a crossbar's cells (the
// devices' own for wired crossbars) in volts and its cell (row-major),
// and the largest power in watts and its cell, at node voltages v; -1 for
// a crossbar without cells.
func (c *cCross) extremeCells(v []float64) (bv float64, iv int, bp float64, ip int) {
	raw := c.x.G.RawMatrix()
	n := len(c.to)
	bv, bp = -1, -1
	for i := range c.from {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		va := v[c.from[i]]
		for j, g := range row {
			k := i*n + j
			var d float64
			if c.r != nil {
				d = v[c.r[k]] - v[c.c[k]]
			} else {
				d = va - v[c.to[j]]
			}
			if a := math.Abs(d); a > bv {
				bv, iv = a, k
			}
			if w := g * d * d; w > bp {
				bp, ip = w, k
			}
		}
	}
	return bv, iv, bp, ip
}

// cutChannel splits a channel's branch name "A[3]" into "A" and "[3]".
func cutChannel(name string) (elem, dev string, ok bool) {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '[' {
			return name[:i], name[i:], name[len(name)-1] == ']'
		}
	}
	return name, "", false
}
