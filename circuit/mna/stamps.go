package mna

import (
	"fmt"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna/devices"
)

// recKind is the kind of a device an element stamps; package devices
// names the kinds for the packages that read them.
type recKind = devices.Kind

const (
	recConductance = devices.ConductanceKind
	recCrossbar    = devices.CrossbarKind
	recJunction    = devices.JunctionKind
	recCurrent     = devices.CurrentKind
	recVoltage     = devices.VoltageKind
	recCapacitance = devices.CapacitanceKind
	recVCVS        = devices.VCVSKind
	recCCCS        = devices.CCCSKind
	recAmplifier   = devices.AmplifierKind
)

// record is one device an element stamped (see circuit.Stamper), with its
// nodes as indices: n[0], n[1] its terminals, n[2], n[3] a VCVS's control.
type record struct {
	kind recKind
	elem string // the element that stamped it
	// name is a junction's or branch current's name; for a CCCS the name
	// of its controlling branch current.
	name          string
	n             [4]int
	val           *float64 // conductance, current, voltage or capacitance
	scale         float64  // of a voltage source's value
	gain, nominal float64
	offset        float64
	ch            circuit.AmplifierChannel
	model         circuit.DiodeModel
	x             *circuit.Crossbar
	pinning       bool // a voltage source that pins a node
}

// stamps collects the records of the elements of one system.
type stamps struct {
	s    *System
	elem string
	recs []record
}

// idx returns the index of a node the element names. A name that is
// neither a terminal nor an internal node of an element is the
// element's bug.
func (st *stamps) idx(name string) int {
	i, ok := st.s.index[name]
	if !ok {
		panic(fmt.Sprintf("mna: element %q stamps node %q, which is none of its terminals or internal nodes", st.elem, name))
	}
	return i
}

func (st *stamps) add(r record) {
	r.elem = st.elem
	st.recs = append(st.recs, r)
}

func (st *stamps) Conductance(a, b string, g *float64) {
	st.add(record{kind: recConductance, n: [4]int{st.idx(a), st.idx(b)}, val: g})
}

func (st *stamps) Crossbar(x *circuit.Crossbar) { st.add(record{kind: recCrossbar, x: x}) }

func (st *stamps) Junction(a, k string, m circuit.DiodeModel, name string) {
	st.add(record{kind: recJunction, n: [4]int{st.idx(a), st.idx(k)}, model: m, name: name})
}

func (st *stamps) CurrentSource(p, n string, i *float64) {
	st.add(record{kind: recCurrent, n: [4]int{st.idx(p), st.idx(n)}, val: i})
}

func (st *stamps) VoltageSource(p, n string, v *float64, scale float64, name string) {
	st.add(record{kind: recVoltage, n: [4]int{st.idx(p), st.idx(n)}, val: v, scale: scale, name: name})
}

func (st *stamps) Capacitance(a, b string, c *float64) {
	st.add(record{kind: recCapacitance, n: [4]int{st.idx(a), st.idx(b)}, val: c})
}

func (st *stamps) VCVS(p, n, cp, cn string, gain float64, name string) {
	st.add(record{kind: recVCVS, n: [4]int{st.idx(p), st.idx(n), st.idx(cp), st.idx(cn)}, gain: gain, name: name})
}

func (st *stamps) CCCS(p, n string, gain float64, control string) {
	st.add(record{kind: recCCCS, n: [4]int{st.idx(p), st.idx(n)}, gain: gain, name: control})
}

func (st *stamps) Amplifier(from, to string, ch circuit.AmplifierChannel, name string) {
	st.add(record{kind: recAmplifier, n: [4]int{st.idx(from), st.idx(to)}, gain: ch.Gain, nominal: ch.Nominal, offset: ch.Offset, ch: ch, name: name})
}
