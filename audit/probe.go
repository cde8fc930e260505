package audit

import (
	"fmt"
	"math"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/circuit/mna/devices"
	"gonum.org/v1/gonum/floats"
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

// Dissipation is the power an element dissipates at an operating point.
type Dissipation struct {
	// Element is the element's name.
	Element string
	// Power is the power in watts the element's devices dissipate (see
	// Probe.Measure).
	Power float64
}

// Probe measures the operating point of a system: the extremes of every
// element's quantities (see Extreme) and the power every element
// dissipates (see Measure). It reads the system's devices
// (mna.System.Devices), belongs to one System (or clone) and is not safe
// for concurrent use. It reads the conductances of the system's crossbars
// when it is made: after they change, make a new probe.
type Probe struct {
	devs  *devices.List
	slots []Extreme
	// dev[i] is, per quantity, the slot of device i, -1 if none.
	dev [][NumQuantities]int
	// at[k] is where slot k's extreme is: the device and, for a
	// crossbar, its cell; -1 for none.
	at [][2]int
	// gmax[i] is, for a crossbar device i without wire resistance, the
	// largest conductance of each of its rows: read once, here, so a
	// probe measures the conductances its system had when it was made.
	gmax [][]float64
	// diss holds the dissipation of every element that has a dissipating
	// device, in element order; elem[i] is device i's entry in diss, -1
	// if the device dissipates nothing.
	diss []Dissipation
	elem []int
	// rsum[i] and csum[i] are, for a crossbar device i without wire
	// resistance, the sums of its conductances over each row and each
	// column, read when the probe is made as gmax is.
	rsum, csum [][]float64
	// branch[i] and rout[i] are, for an amplifier channel i with an
	// output resistance, the index of its branch current in x and the
	// resistance in ohms.
	branch []int
	rout   []float64
	vt     []float64 // work space: a crossbar's column voltages
	bound  []float64 // work space: a crossbar's rows' largest powers
}

// NewProbe returns a probe of s's operating point: which elements have
// which quantities, and which dissipate, is found once, here.
func NewProbe(s *mna.System) *Probe {
	l := s.Devices()
	n := len(l.Devices)
	p := &Probe{devs: l, dev: make([][NumQuantities]int, n), gmax: make([][]float64, n),
		elem: make([]int, n), rsum: make([][]float64, n), csum: make([][]float64, n),
		branch: make([]int, n), rout: make([]float64, n)}
	slot := map[[2]string]int{} // element, quantity name -> slot
	add := func(i int, q Quantity) {
		d := &l.Devices[i]
		k, ok := slot[[2]string{d.Elem, q.String()}]
		if !ok {
			k = len(p.slots)
			slot[[2]string{d.Elem, q.String()}] = k
			p.slots = append(p.slots, Extreme{Quantity: q, Element: d.Elem})
		}
		p.dev[i][q] = k
	}
	dissOf := map[string]int{} // element -> index in p.diss
	dissipates := func(i int) {
		e := l.Devices[i].Elem
		k, ok := dissOf[e]
		if !ok {
			k = len(p.diss)
			dissOf[e] = k
			p.diss = append(p.diss, Dissipation{Element: e})
		}
		p.elem[i] = k
	}
	for i := range l.Devices {
		for q := range p.dev[i] {
			p.dev[i][q] = -1
		}
		p.elem[i], p.branch[i] = -1, -1
		d := &l.Devices[i]
		switch d.Kind {
		case devices.VoltageKind:
			if e := s.Element(d.Elem); e != nil && e.Kind() == circuit.InputKind {
				add(i, InputVoltage)
			}
		case devices.ConductanceKind:
			dissipates(i)
			if t, ok := s.Element(d.Elem).(circuit.Trainable); ok && t.IsTrainable() {
				add(i, DeviceVoltage)
				add(i, DevicePower)
			}
		case devices.CrossbarKind:
			dissipates(i)
			if d.Crossbar.Element.Trainable {
				add(i, DeviceVoltage)
				add(i, DevicePower)
				if d.Crossbar.Rows == nil {
					p.gmax[i] = rowMaxima(d.Crossbar)
				}
			}
			if d.Crossbar.Rows == nil {
				p.rsum[i], p.csum[i] = lineSums(d.Crossbar)
			}
		case devices.JunctionKind:
			dissipates(i)
			add(i, DiodeReverse)
			add(i, DiodeCurrent)
		case devices.AmplifierKind:
			add(i, AmplifierOutput)
			// Only an amplifier element stamps channels; its output
			// resistance is the one part of it that dissipates.
			if a, ok := s.Element(d.Elem).(*circuit.Amplifier); ok && a.Rout != 0 {
				if b := s.Unknown(d.Name); b >= 0 {
					dissipates(i)
					p.branch[i], p.rout[i] = b, a.Rout
				}
			}
		}
	}
	return p
}

// Extremes returns the extremes at x, one per element and quantity that
// applies to it, in element order: Measure without the dissipation. The
// slice belongs to p and is overwritten by the next call.
func (p *Probe) Extremes(x []float64) []Extreme {
	ext, _ := p.Measure(x)
	return ext
}

// Measure returns the extremes at x, one per element and quantity that
// applies to it (see Extreme), and the power in watts every element that
// has dissipating devices dissipates there, both in element order and in
// one pass over the devices. A conductance (a
// resistor, a crossbar's cell, the wire segments of a crossbar with wire
// resistance) dissipates g*v^2 with v volts across it, a junction (a
// diode, a rectifier's diode) i*v with i amperes through it, its series
// resistance included, and an amplifier channel with an output resistance
// Rout*I^2 at branch current I. Sources and controlled sources deliver
// power and dissipate none; capacitors carry no current at an
// equilibrium. At an equilibrium the powers sum to the power the sources
// and amplifiers deliver (mna.System.Power's Total), within the residual
// currents of the free nodes times their voltages. Both slices belong to
// p and are overwritten by the next call.
func (p *Probe) Measure(x []float64) ([]Extreme, []Dissipation) {
	v := p.devs.Voltages(x)
	if p.at == nil {
		p.at = make([][2]int, len(p.slots))
	}
	for k := range p.slots {
		p.slots[k].Value, p.at[k] = math.Inf(-1), [2]int{-1, 0}
	}
	for k := range p.diss {
		p.diss[k].Power = 0
	}
	put := func(k int, val float64, dev, cell int) {
		if e := &p.slots[k]; val > e.Value {
			e.Value, p.at[k] = val, [2]int{dev, cell}
		}
	}
	for i := range p.devs.Devices {
		d, slot := &p.devs.Devices[i], &p.dev[i]
		switch d.Kind {
		case devices.VoltageKind:
			if k := slot[InputVoltage]; k >= 0 {
				put(k, math.Abs(v[d.A]-v[d.B]), i, 0)
			}
		case devices.ConductanceKind:
			dv := v[d.A] - v[d.B]
			w := *d.Value * dv * dv
			if k := slot[DeviceVoltage]; k >= 0 {
				put(k, math.Abs(dv), i, 0)
				put(slot[DevicePower], w, i, 0)
			}
			p.diss[p.elem[i]].Power += w
		case devices.CrossbarKind:
			if k := slot[DeviceVoltage]; k >= 0 {
				bv, iv, bp, ip := p.extremeCells(d.Crossbar, p.gmax[i], v)
				put(k, bv, i, iv)
				put(slot[DevicePower], bp, i, ip)
			}
			p.diss[p.elem[i]].Power += p.crossbarPower(d.Crossbar, p.rsum[i], p.csum[i], v)
		case devices.JunctionKind:
			vd := v[d.A] - v[d.B]
			cur, _ := d.Junction.Eval(vd)
			put(slot[DiodeReverse], math.Max(0, -vd), i, 0)
			put(slot[DiodeCurrent], math.Abs(cur), i, 0)
			p.diss[p.elem[i]].Power += cur * vd
		case devices.AmplifierKind:
			put(slot[AmplifierOutput], math.Abs(v[d.B]), i, 0)
			if b := p.branch[i]; b >= 0 {
				p.diss[p.elem[i]].Power += p.rout[i] * x[b] * x[b]
			}
		}
	}
	for k := range p.slots {
		p.slots[k].Device = p.device(k)
	}
	return p.slots, p.diss
}

// device names the device at which slot k's extreme is.
func (p *Probe) device(k int) string {
	e, at := &p.slots[k], p.at[k]
	if at[0] < 0 {
		e.Value = 0
		return ""
	}
	d := &p.devs.Devices[at[0]]
	// Names made from the element's, "x[3]" or "RH[4].hi", lose it.
	own := func(name string) string {
		if strings.HasPrefix(name, d.Elem+"[") {
			return name[len(d.Elem):]
		}
		return name
	}
	switch d.Kind {
	case devices.VoltageKind:
		return own(p.devs.Nodes[d.A])
	case devices.CrossbarKind:
		n := len(d.Crossbar.To)
		return fmt.Sprintf("[%d][%d]", at[1]/n, at[1]%n)
	case devices.JunctionKind:
		if d.Name != d.Elem {
			return own(d.Name)
		}
	case devices.AmplifierKind:
		if _, dev, ok := cutChannel(d.Name); ok {
			return dev
		}
		return d.Name
	}
	return ""
}

// extremeCells returns the largest drop across a crossbar's cells (the
// devices' own for wired crossbars) in volts and its cell (row-major),
// and the largest power in watts and its cell, at node voltages v; -1 for
// a crossbar without cells. Of equal extremes it returns the first cell.
// gmax holds the largest conductance of each row (rowMaxima), nil for a
// wired crossbar.
func (p *Probe) extremeCells(c *devices.Crossbar, gmax, v []float64) (bv float64, iv int, bp float64, ip int) {
	if c.Rows != nil {
		return wiredExtremes(c, v)
	}
	raw := c.Element.G.RawMatrix()
	n := len(c.To)
	bv, bp = -1, -1
	if n == 0 {
		return bv, 0, bp, 0
	}
	// The column voltages, once and contiguous: the audit of a trained
	// 784-1024-10 network reads 1.6 million cells per sample.
	vt := p.vt[:0]
	lo, hi := 0, 0
	for j, node := range c.To {
		vt = append(vt, v[node])
		if vt[j] < vt[lo] {
			lo = j
		}
		if vt[j] > vt[hi] {
			hi = j
		}
	}
	p.vt = vt
	// A row's cells dissipate at most its largest conductance times its
	// largest drop squared (rounding is monotonic, so the bound holds
	// for the computed powers too). Only rows whose bound reaches the
	// largest power found so far are read, the row of the largest bound
	// first: most rows of a network with blank pixels or small hidden
	// voltages are never read.
	bound := p.bound[:0]
	top := 0
	for i := range c.From {
		va := v[c.From[i]]
		// A row's largest drop is to its lowest or highest column.
		a, j := va-vt[lo], lo
		if b := vt[hi] - va; b > a || b == a && hi < lo {
			a, j = b, hi
		}
		if a > bv {
			bv, iv = a, i*n+j
		}
		bound = append(bound, max(gmax[i], 0)*a*a)
		if bound[i] > bound[top] {
			top = i
		}
	}
	p.bound = bound
	row := func(i int) {
		va := v[c.From[i]]
		for j, g := range raw.Data[i*raw.Stride : i*raw.Stride+n] {
			d := va - vt[j]
			if w := g * d * d; w > bp || w == bp && i*n+j < ip {
				bp, ip = w, i*n+j
			}
		}
	}
	if len(c.From) > 0 {
		row(top)
	}
	for i, b := range bound {
		if b >= bp && i != top {
			row(i)
		}
	}
	return bv, iv, bp, ip
}

// rowMaxima returns the largest conductance of each of c's rows.
func rowMaxima(c *devices.Crossbar) []float64 {
	raw := c.Element.G.RawMatrix()
	m := make([]float64, len(c.From))
	for i := range m {
		m[i] = math.Inf(-1)
		for _, g := range raw.Data[i*raw.Stride : i*raw.Stride+len(c.To)] {
			m[i] = max(m[i], g)
		}
	}
	return m
}

// lineSums returns the sums of c's conductances over each of its rows and
// each of its columns.
func lineSums(c *devices.Crossbar) (rows, cols []float64) {
	raw := c.Element.G.RawMatrix()
	rows, cols = make([]float64, len(c.From)), make([]float64, len(c.To))
	for i := range rows {
		for j, g := range raw.Data[i*raw.Stride : i*raw.Stride+len(c.To)] {
			rows[i] += g
			cols[j] += g
		}
	}
	return rows, cols
}

// crossbarPower returns the power in watts crossbar c dissipates at node
// voltages v: its cells' and, with wire resistance, its wires'. For ideal
// wires rsum and csum are its row and column sums (lineSums) and the sum
// over the cells of g_ij*(v_i - w_j)^2 is taken as
//
//	sum over i of v_i^2*rsum_i - 2*v^T G w + sum over j of w_j^2*csum_j,
//
// with v the rows' voltages and w the columns': a matrix-vector product
// over the rows whose voltage is not 0, which skips the rows of an
// input's blank pixels. It loses to rounding about the machine epsilon
// times the ratio of the cells' g*(v_i^2 + w_j^2) to their g*(v_i -
// w_j)^2, small where drops are not much smaller than the voltages.
func (p *Probe) crossbarPower(c *devices.Crossbar, rsum, csum, v []float64) float64 {
	if c.Rows != nil {
		var w float64
		c.Conductances(func(a, b int, g float64) {
			d := v[a] - v[b]
			w += g * d * d
		})
		return w
	}
	n := len(c.To)
	if n == 0 {
		return 0
	}
	raw := c.Element.G.RawMatrix()
	wt := p.vt[:0]
	var cols float64
	for j, node := range c.To {
		wt = append(wt, v[node])
		cols += csum[j] * wt[j] * wt[j]
	}
	p.vt = wt
	var rows, cross float64
	for i, node := range c.From {
		va := v[node]
		if va == 0 {
			continue
		}
		rows += rsum[i] * va * va
		cross += va * floats.Dot(raw.Data[i*raw.Stride:i*raw.Stride+n], wt)
	}
	return rows - 2*cross + cols
}

// wiredExtremes is extremeCells for a crossbar with wire resistance,
// whose every cell has its own two internal nodes.
func wiredExtremes(c *devices.Crossbar, v []float64) (bv float64, iv int, bp float64, ip int) {
	raw := c.Element.G.RawMatrix()
	n := len(c.To)
	bv, bp = -1, -1
	for i := range c.From {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j, g := range row {
			k := i*n + j
			d := v[c.Rows[k]] - v[c.Cols[k]]
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
