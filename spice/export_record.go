package spice

import (
	"bufio"
	"strconv"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// writeCircuitRecord writes the record of the circuit's title,
// temperatures and node groups (see package deckrec), with which eqsim's
// importer restores them exactly.
func (d *deck) writeCircuitRecord(w *bufio.Writer) {
	line, err := deckrec.Line(deckrec.CircuitPrefix, deckrec.NewCircuit(d.c))
	if err != nil {
		return
	}
	w.WriteString(line)
	w.WriteByte('\n')
}

// writeRecord writes, before the cards of element k, its record: its kind,
// name and netlist fields and the names of its cards, from which eqsim's
// importer rebuilds the element exactly. An element without a netlist form
// gets a comment that says so instead, and imports as its cards.
func (d *deck) writeRecord(w *bufio.Writer, k int, e circuit.Element) {
	el := &d.elems[k]
	card, stem := "", ""
	if el.single {
		card = el.name
	} else {
		stem = el.stem
	}
	r, err := deckrec.NewElement(e, card, stem, d.c.Groups)
	if err == nil {
		for _, b := range d.branches {
			if s, ok := d.sense[b.unknown]; ok && b.elem == k {
				if r.Sense == nil {
					r.Sense = map[string]string{}
				}
				r.Sense[b.unknown] = s.source
			}
		}
	}
	line := ""
	if err == nil {
		line, err = deckrec.Line(deckrec.ElementPrefix, r)
	}
	if err != nil {
		line = "* no eqsim record of " + strconv.QuoteToASCII(e.Label()) + ": " + deckOneLine(err.Error())
	}
	w.WriteString(line)
	w.WriteByte('\n')
}

// appendGHint appends to a resistor card of conductance g the end-of-line
// comment " ; eqsim g=G" when the resistance on the card, 1/g, does not
// give g back (1/(1/g) != g for about one conductance in seven), so that
// eqsim's importer reads g exactly.
func appendGHint(b []byte, g float64) []byte {
	if 1/(1/g) == g {
		return b
	}
	b = append(b, " ; eqsim g="...)
	return strconv.AppendFloat(b, g, 'g', -1, 64)
}
