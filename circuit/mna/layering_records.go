package mna

import "github.com/eqsim/eqsim/circuit"

// reject returns the error of a device that is never layered.
func (l *Layering) reject(r *record) error {
	switch r.kind {
	case recVCVS:
		return notLayered(r.elem, nil, "voltage-controlled voltage source")
	case recCCCS:
		return notLayered(r.elem, nil, "current-controlled current source")
	}
	return nil
}

// drive folds the node an amplifier channel drives into the node that
// drives it, and marks that node in driver.
func (l *Layering) drive(r *record, driver map[int]bool) error {
	if r.kind != recAmplifier {
		return nil
	}
	s := l.sys
	from, to := r.n[0], r.n[1]
	if !l.free(from) {
		return notLayered(r.elem, s.nodeNames(from), "amplifier input is pinned")
	}
	if r.ch.Rout != 0 {
		return notLayered(r.elem, s.nodeNames(to), "amplifier with output resistance (its output is a node of its own, not a function of its input)")
	}
	driver[from] = true
	ut := s.unk[to]
	l.Owner[ut] = s.unk[from]
	l.Gain[ut] = r.gain
	l.Offset[ut] = r.offset
	if r.ch.Swing != 0 {
		if l.Swing == nil {
			l.Swing = make([]float64, len(l.Gain))
		}
		l.Swing[ut] = r.ch.Swing
	}
	l.Branch[ut] = s.branchOf[r.name]
	return nil
}

// sort sorts a device into feeds, links, loads, junctions and current
// sources, or says why it does not fit a layered network.
func (l *Layering) sort(r *record) error {
	s := l.sys
	a, b := r.n[0], r.n[1]
	switch r.kind {
	case recVoltage:
		if !r.pinning {
			return notLayered(r.elem, nil, "floating voltage source")
		}
	case recConductance:
		switch {
		case l.free(a) && l.free(b):
			return notLayered(r.elem, s.nodeNames(a, b), "resistor between free nodes outside a crossbar")
		case l.free(a):
			l.loads = append(l.loads, load{s.unk[a], b, r.val})
		case l.free(b):
			l.loads = append(l.loads, load{s.unk[b], a, r.val})
		}
	case recJunction:
		switch {
		case l.free(a) && l.free(b):
			return notLayered(r.elem, s.nodeNames(a, b), "diode between free nodes")
		case l.free(a):
			l.Junctions = append(l.Junctions, Junction{Name: r.name, Node: s.unk[a], Anode: true, pin: b, Junction: s.junction(r.model)})
		case l.free(b):
			l.Junctions = append(l.Junctions, Junction{Name: r.name, Node: s.unk[b], pin: a, Junction: s.junction(r.model)})
		}
	case recCurrent:
		if l.free(a) || l.free(b) {
			l.srcs = append(l.srcs, cISrc{a, b, r.val})
		}
	case recCrossbar:
		return l.sortCrossbar(r.x)
	}
	return nil
}

// sortCrossbar makes a crossbar a feed (one side pinned) or a link (both
// sides free).
func (l *Layering) sortCrossbar(x *circuit.Crossbar) error {
	if x.Wired() {
		return l.sortWired(x)
	}
	from, fpin, err := l.side(x.Name, "From", x.From)
	if err != nil {
		return err
	}
	to, tpin, err := l.side(x.Name, "To", x.To)
	if err != nil {
		return err
	}
	switch {
	case fpin && tpin:
	case fpin:
		l.feeds = append(l.feeds, l.newFeed(x, x.From, to, true))
	case tpin:
		l.feeds = append(l.feeds, l.newFeed(x, x.To, from, false))
	default:
		l.Links = append(l.Links, Link{Name: x.Name, G: x.G, From: from, To: to})
	}
	return nil
}
