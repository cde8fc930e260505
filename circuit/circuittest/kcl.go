package circuittest

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// Solution is an operating point of a circuit as a solver reports it.
type Solution struct {
	// Nodes holds the voltage in volts of every node of the circuit but
	// ground, internal nodes of wired crossbars included.
	Nodes map[string]float64
	// Branches holds currents in amperes by the names of circuit.Part's
	// Branch: the current through a voltage source, VCVS or amplifier
	// channel from its first node to its second. A part whose branch
	// current is missing carries an unknown current, so the balance of
	// its nodes is not checked.
	Branches map[string]float64
}

// CheckKCL recomputes from the parts of c's elements (circuit.Element.Parts)
// the current balance at every node and the equation of every
// voltage-defining part at sol, and returns an error that lists the
// violations: a node whose net current exceeds absTol amperes plus relTol
// times the sum of the magnitudes of the currents that meet there, or a
// voltage-defining part off by more than 1e-12 V plus relTol times the
// voltages involved.
//
// It checks the balance at every node all of whose parts carry a known
// current, and returns how many nodes that was. A node pinned by a source
// without a branch current in sol has no balance to check, so a caller
// compares the count with the solver's free nodes. Parts on an element's
// internal nodes (circuit.Part.Internal) get their voltages from the
// voltage-defining parts that join them to the circuit's nodes and their
// currents from the balance there.
//
// Diode currents come from DiodeCurrent at c's temperatures, so the check
// shares no code with package circuit's junctions or with the compiled
// system of package mna: it is a cross-check of both and of every solver.
// CheckKCL panics if sol lacks a node of c.
func CheckKCL(c *circuit.Circuit, sol Solution, absTol, relTol float64) (nodes int, err error) {
	k := &kcl{
		sol: sol, relTol: relTol,
		temp: c.Temperature(), tnom: c.NominalTemperature(),
		at:     make(map[string]*kclNode, len(sol.Nodes)),
		sensed: map[string]*kclPart{},
	}
	for _, e := range c.Elements {
		elem := e.Label()
		for p := range e.Parts() {
			k.add(elem, p)
		}
	}
	k.resolve()
	for _, p := range k.held {
		k.flow(p)
		if p.Type == 'V' || p.Type == 'E' {
			k.constraint(p)
		}
	}
	errs := k.errs
	names := make([]string, 0, len(k.at))
	for n, a := range k.at {
		if !a.unknown && !a.internal && n != circuit.Ground {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		a := k.at[n]
		if r := math.Abs(a.net); !(r <= absTol+relTol*a.gross) {
			errs = append(errs, fmt.Sprintf("KCL at %s: %.3g A net of %.3g A", n, a.net, a.gross))
		}
	}
	if len(errs) > 0 {
		return len(names), errors.New(strings.Join(errs, "\n"))
	}
	return len(names), nil
}

// kclNode is what CheckKCL knows of a node.
type kclNode struct {
	v          float64 // V
	known      bool    // v is known
	internal   bool    // private to an element
	net, gross float64 // net current leaving, sum of magnitudes; A
	unknown    bool    // a part of unknown current meets here
	parts      []*kclPart
}

// kclPart is a part CheckKCL holds until it knows its nodes' voltages or
// its current: a voltage-defining part, a controlled current source, or
// any part on an internal node.
type kclPart struct {
	circuit.Part
	elem  string
	at    [2]*kclNode
	known bool    // i is known
	i     float64 // A, from Nodes[0] through the part to Nodes[1]
}

type kcl struct {
	sol        Solution
	relTol     float64
	temp, tnom float64
	at         map[string]*kclNode
	held       []*kclPart
	sensed     map[string]*kclPart // elem + "\x00" + name -> 'V' part
	errs       []string
}

// node returns the node n of element elem.
func (k *kcl) node(elem, n string, internal bool) *kclNode {
	if circuit.IsGround(n) {
		n = circuit.Ground
	}
	if internal {
		n = elem + "\x00" + n
	}
	a := k.at[n]
	if a != nil {
		return a
	}
	a = &kclNode{internal: internal, known: !internal}
	if !internal && n != circuit.Ground {
		v, ok := k.sol.Nodes[n]
		if !ok {
			panic(fmt.Sprintf("circuittest: CheckKCL: no voltage for node %q", n))
		}
		a.v = v
	}
	k.at[n] = a
	return a
}

// add takes part p of element elem: at once if its current follows from
// its nodes' voltages, else into held.
func (k *kcl) add(elem string, p circuit.Part) {
	a, b := k.node(elem, p.Nodes[0], p.Internal[0]), k.node(elem, p.Nodes[1], p.Internal[1])
	simple := p.Type == 'R' || p.Type == 'C' || p.Type == 'I' || p.Type == 'D'
	if simple && a.known && b.known {
		q := kclPart{Part: p, at: [2]*kclNode{a, b}}
		k.current(&q)
		k.flow(&q)
		return
	}
	q := &kclPart{Part: p, elem: elem, at: [2]*kclNode{a, b}}
	k.held = append(k.held, q)
	for _, n := range q.at {
		if n.internal {
			n.parts = append(n.parts, q)
		}
	}
	if p.Type == 'V' {
		k.sensed[elem+"\x00"+p.Name] = q
	}
}

// control returns the controlling voltage of an 'E' part times its gain.
func (k *kcl) control(p *kclPart) (float64, bool) {
	if circuit.IsGround(p.Control[0]) && circuit.IsGround(p.Control[1]) {
		return 0, true
	}
	a, b := k.node(p.elem, p.Control[0], false), k.node(p.elem, p.Control[1], false)
	return p.Value * (a.v - b.v), true
}

// resolve finds the voltages of internal nodes from the voltage-defining
// parts that join them to known ones, then every current it can: the
// parts' own, the branch currents of sol, the currents of voltage-defining
// parts at internal nodes (from the balance there) and those of the
// controlled current sources that sense them.
func (k *kcl) resolve() {
	for changed := true; changed; {
		changed = false
		for _, p := range k.held {
			a, b := p.at[0], p.at[1]
			if (p.Type != 'V' && p.Type != 'E') || a.known == b.known {
				continue
			}
			drop := p.Value
			if p.Type == 'E' {
				drop, _ = k.control(p)
			}
			if a.known {
				b.v, b.known = a.v-drop, true
			} else {
				a.v, a.known = b.v+drop, true
			}
			changed = true
		}
	}
	for _, p := range k.held {
		k.current(p)
	}
	for changed := true; changed; {
		changed = false
		for _, n := range k.at {
			if !n.internal {
				continue
			}
			var open *kclPart
			unknown, sum := 0, 0.0
			for _, p := range n.parts {
				switch {
				case !p.known:
					unknown++
					open = p
				case p.at[0] == n:
					sum += p.i
				default:
					sum -= p.i
				}
			}
			if unknown != 1 {
				continue
			}
			open.i, open.known = sum, true
			if open.at[0] == n {
				open.i = -sum
			}
			changed = true
		}
		for _, p := range k.held {
			if !p.known && p.Type == 'F' && k.current(p) {
				changed = true
			}
		}
	}
}

// current sets the current of p if it can be known now, and reports
// whether it is.
func (k *kcl) current(p *kclPart) bool {
	a, b := p.at[0], p.at[1]
	if !a.known || !b.known {
		return false
	}
	switch p.Type {
	case 'R':
		p.i, p.known = p.Value*(a.v-b.v), true
	case 'C':
		p.i, p.known = 0, true
	case 'I':
		p.i, p.known = p.Value, true
	case 'D':
		p.i, p.known = DiodeCurrent(p.Model, k.temp, k.tnom, a.v-b.v), true
	case 'V', 'E':
		if p.Branch != "" {
			p.i, p.known = k.sol.Branches[p.Branch]
		}
	case 'F':
		if p.SenseElement {
			var s float64
			if s, p.known = k.sol.Branches[p.Sense]; p.known {
				p.i = p.Value * s
			}
		} else if s := k.sensed[p.elem+"\x00"+p.Sense]; s != nil && s.known {
			p.i, p.known = p.Value*s.i, true
		}
	}
	return p.known
}

// flow adds the current of p to the balance of its nodes.
func (k *kcl) flow(p *kclPart) {
	for t, n := range p.at {
		if !p.known {
			n.unknown = true
			continue
		}
		if t == 0 {
			n.net += p.i
		} else {
			n.net -= p.i
		}
		n.gross += math.Abs(p.i)
	}
}

// constraint checks the equation of a voltage-defining part.
func (k *kcl) constraint(p *kclPart) {
	a, b := p.at[0], p.at[1]
	want := p.Value
	if p.Type == 'E' {
		want, _ = k.control(p)
	}
	if !a.known || !b.known {
		k.errs = append(k.errs, fmt.Sprintf("%s: part %c %q: a node voltage unknown", p.elem, p.Type, p.Name))
		return
	}
	drop := a.v - b.v
	if d := math.Abs(drop - want); !(d <= 1e-12+k.relTol*(math.Abs(want)+math.Abs(a.v)+math.Abs(b.v))) {
		k.errs = append(k.errs, fmt.Sprintf("%s: part %c %q: %.15g V across it, want %.15g V", p.elem, p.Type, p.Name, drop, want))
	}
}
