package importer

import (
	"fmt"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// reassemble rebuilds, from the records of eqsim's exporter, the elements
// that the deck's top-level cards were written from, and the circuit's
// title, temperatures and groups (see deckrec.Rebuild). Records that do
// not fit their cards are noted and their cards stay as they are.
func (im *importer) reassemble() {
	if len(im.lines.records) == 0 {
		return
	}
	elems := im.c.Elements
	pos := make(map[circuit.Element]int, len(im.c.Elements))
	lines := make([]int, len(im.c.Elements))
	for i, e := range im.c.Elements {
		pos[e] = i
		if info := im.elemByName[e.Label()]; info != nil && info.where == "" {
			lines[i] = info.card.line
		}
	}
	cards := deckrec.Cards{
		Circuit: im.c,
		Title:   im.c.Title,
		Index: func(name string) int {
			info, ok := im.elems[strings.ToLower(name)]
			if !ok || info.where != "" {
				return -1
			}
			return pos[info.el]
		},
		Line: func(i int) int { return lines[i] },
		Temp: im.temp, TNom: im.tnom,
		Saturation: func(i int) (float64, float64) {
			s := im.saturating[elems[i]]
			return s.Swing, s.Offset
		},
	}
	c, notes := deckrec.Rebuild(cards, im.lines.records)
	for _, n := range notes {
		im.notes = append(im.notes, Note{File: im.file, Line: n.Line, Msg: n.Msg})
	}
	im.c = c
}

// saturating reads `Ename p n value={S*tanh((G*v(cp[,cn])+(O))/S)}`, the
// output stage of an amplifier channel with a swing as eqsim's exporter
// writes it (deckrec.Saturating). eqsim has no saturating VCVS of its own,
// and the card alone is no amplifier channel (that is its E, sense V and
// mirror F cards): the card comes in as a VCVS of gain G, with its swing
// and offset on the side, for the record of its amplifier to claim
// (reassemble), and is refused if none does (unclaimed).
func (e *elementCard) saturating() (circuit.Element, error) {
	nodes, err := e.nodes(2, "a VCVS")
	if err != nil {
		return nil, err
	}
	v := e.params[0].val
	s, err := deckrec.ParseSaturating(v.s)
	if err == nil && !v.expr {
		err = fmt.Errorf("not in braces")
	}
	if err != nil {
		return nil, e.errorf("eqsim cannot represent E sources with this value= (%v): only %s", err, vcvsForms)
	}
	var ctl [2]string
	for i, n := range []string{s.CP, s.CN} {
		if ctl[i], err = e.im.node(e.f, deckToken{s: n}, e.card); err != nil {
			return nil, e.wrap(err)
		}
	}
	el := &circuit.VCVS{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, Control: ctl, Gain: s.Gain}
	if e.im.saturating == nil {
		e.im.saturating = map[circuit.Element]deckrec.Saturating{}
	}
	e.im.saturating[el] = s
	return el, nil
}

// unclaimed returns an error at the first saturating E card that no
// record rebuilt into its amplifier, saying why a record was not used if
// one was not.
func (im *importer) unclaimed() error {
	for _, el := range im.c.Elements {
		if _, ok := im.saturating[el]; !ok {
			continue
		}
		msg := "eqsim reads a saturating E source only as the output of an eqsim amplifier channel, " +
			"rebuilt from the amplifier's eqsim element record with all its cards; eqsim has no saturating VCVS"
		for _, n := range im.notes {
			if strings.HasPrefix(n.Msg, "did not use") {
				msg += " (" + Note{Line: n.Line, Msg: n.Msg}.String() + ")"
				break
			}
		}
		info := im.elemByName[el.Label()]
		return im.cardError(info.card, info.where, msg)
	}
	return nil
}
