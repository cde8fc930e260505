package importer

import (
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
	}
	c, notes := deckrec.Rebuild(cards, im.lines.records)
	for _, n := range notes {
		im.notes = append(im.notes, Note{File: im.file, Line: n.Line, Msg: n.Msg})
	}
	im.c = c
}
