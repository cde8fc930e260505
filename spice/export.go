package spice

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// Options written into every exported deck. The tolerances are far tighter
// than ngspice's defaults (reltol 1e-3, vntol 1e-6 V, abstol 1e-12 A) so that
// ngspice's own convergence error stays orders of magnitude below the 1e-6 V
// at which eqsim is compared with it; gmin is ngspice's default, written out
// because eqsim's junctions assume it (circuit.Gmin).
const (
	deckReltol = 1e-9
	deckVntol  = 1e-12 // V
	deckAbstol = 1e-15 // A
	// deckDigits is ngspice's numdgt: print shows deckDigits+1
	// significant digits, enough to round-trip a float64.
	deckDigits = 17
	// deckIterations bounds ngspice's Newton iterations (itl1, itl2) before
	// it falls back to gmin and source stepping.
	deckIterations = 1000
)

// WriteSpice writes to w an ngspice deck of c: the same circuit, element by
// element, with a .control block that computes the DC operating point and
// prints every node voltage with 18 significant digits ("name = value", one a
// line, sorted by name, branch currents as "name#branch"). The deck runs as
//
//	ngspice -b deck.cir
//
// and exits with status 0, or 1 when ngspice finds no operating point.
//
// Every element is written as its parts (circuit.Element.Parts), one card
// a part: a resistor of 1/G ohms for a conductance part of G siemens (none
// for G = 0, which is open), capacitors, diodes, independent sources, VCVS
// and CCCS as SPICE writes them. A crossbar becomes one resistor per
// nonzero conductance and, with wire resistance, one per wire segment; a
// rectifier two diodes per node; an amplifier, per channel, a VCVS that
// drives an internal node, a sense source from there to the channel's
// output and a CCCS that mirrors the sensed current; an input one grounded
// voltage source per node.
//
// Names follow ngspice's rules. A node name made of letters, digits and
// underscores that starts with a letter is written as it is. Every other
// node name is mapped deterministically to such a name, in lower case, and
// the map is written as comment lines like `* node "h[3]" = h_3_`.
// That covers group nodes ("h[3]" becomes h_3_), names that do not start
// with a letter ("3x" becomes n3x), the second of two names equal but for
// case (ngspice lower-cases names: "Q" stays, "q" becomes q_2), "GND" and
// other words ngspice's parser treats as keywords ("value" becomes
// value_2). Numeric suffixes resolve collisions; names that stay are never
// taken. Ground ("0" or "gnd") is node 0.
//
// An element that is a single part keeps its name as the card's, with the
// part's type letter in front where it lacks it (a resistor "load" becomes
// rload). The cards of a block element are named type letter, the block's
// stem (the lower-case letters and digits of its name, made unique), an
// underscore and the part's name: the conductance of cell (3, 4) of
// crossbar "W1" is rw1_3_4. Nodes private to an element (an amplifier
// channel's node between its VCVS and its sense source) are named stem,
// underscore, the part's node name. A comment before each block says what
// kind it is and how its cards are named. A VCVS whose current a CCCS
// senses drives its output through a 0 V source vsense_BRANCH, which the
// CCCS senses: ngspice documents only voltage sources as controls.
//
// Diode models become .model lines with IS and N (ngspice's defaults EG =
// 1.11 eV and XTI = 3 are eqsim's): one per named model, and one of its
// own, m followed by the card's name without its type letter, for a diode
// whose model is its own (a rectifier's diodes that vary). The
// temperature is written as temp and the nominal temperature as tnom, so
// that ngspice scales IS with temperature exactly when eqsim does
// (circuit.DiodeModel.SaturationCurrent).
//
// Values are written with the shortest decimal representation that reads
// back as the same float64. WriteSpice returns an error, before writing
// anything, if c does not compile (see mna.Compile) or holds a value
// that is not finite (a resistance included) or a diode model with IS or N
// not positive.
func WriteSpice(w io.Writer, c *circuit.Circuit) error {
	d, err := newDeck(c)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	d.write(bw)
	return bw.Flush()
}

// deckNoOpMessage is what a deck prints when ngspice finds no operating point.
const deckNoOpMessage = "eqsim: no DC operating point"

// write writes the deck; errors are left to the bufio.Writer's Flush.
func (d *deck) write(w *bufio.Writer) {
	c := d.c
	title := strings.TrimSpace(deckOneLine(c.Title))
	if title == "" {
		title = "circuit"
	}
	// The first line of a deck is its title, whatever it holds.
	fmt.Fprintf(w, "eqsim: %s\n", title)
	w.WriteString("* Exported by eqsim. Run: ngspice -b FILE\n")
	if d.tran > 0 {
		d.writeTranHeader(w)
	} else {
		w.WriteString("* Prints the DC operating point: every node voltage (V) and branch current (A),\n")
		w.WriteString("* one \"name = value\" a line; exits with status 1 if there is none.\n")
	}
	t, tnom := c.Temperature(), c.NominalTemperature()
	if tnom == t {
		fmt.Fprintf(w, "* Temperature %s K.\n", spiceNum(t))
	} else {
		fmt.Fprintf(w, "* Temperature %s K; diode parameters measured at %s K.\n", spiceNum(t), spiceNum(tnom))
	}

	renamed := false
	for _, n := range d.nodeList {
		if d.nodes[n] != n {
			if !renamed {
				w.WriteString("*\n* Node names changed for ngspice (eqsim name = SPICE name):\n")
				renamed = true
			}
			fmt.Fprintf(w, "* node %s = %s\n", strconv.QuoteToASCII(n), d.nodes[n])
		}
	}
	w.WriteString("\n")
	fmt.Fprintf(w, ".options temp=%s tnom=%s gmin=%s\n", deckCelsius(t), deckCelsius(tnom), spiceNum(circuit.Gmin))
	if d.tran > 0 {
		fmt.Fprintf(w, ".options reltol=%s vntol=%s abstol=%s itl1=%d itl2=%d\n",
			spiceNum(tranReltol), spiceNum(tranVntol), spiceNum(deckAbstol), deckIterations, deckIterations)
	} else {
		fmt.Fprintf(w, ".options reltol=%s vntol=%s abstol=%s itl1=%d itl2=%d\n",
			spiceNum(deckReltol), spiceNum(deckVntol), spiceNum(deckAbstol), deckIterations, deckIterations)
	}
	for _, m := range d.models {
		fmt.Fprintf(w, ".model %s D(IS=%s N=%s)\n", m.name, spiceNum(m.m.IS), spiceNum(m.m.N))
	}
	w.WriteString("\n")

	cw := &deckCards{d: d, w: w}
	for k, e := range c.Elements {
		cw.element(e, &d.elems[k])
	}
	if d.tran > 0 {
		d.writeTran(w)
		return
	}

	w.WriteString("\n.control\n")
	// No transient fallback: its answer is the state after a fixed time,
	// not an operating point.
	w.WriteString("optran 1 1 1 0 0 0\n")
	fmt.Fprintf(w, "set numdgt=%d\n", deckDigits)
	w.WriteString("op\n")
	fmt.Fprintf(w, "if $sim_status > 0\n  echo %s\n  quit 1\nend\n", deckNoOpMessage)
	if d.vectors() == 1 {
		// print all names a lone vector "all"; a second one keeps the
		// node's name in the output.
		name := "eqsim_vectors"
		if len(d.nodeList) > 0 && strings.EqualFold(d.nodes[d.nodeList[0]], name) {
			name += "_2"
		}
		fmt.Fprintf(w, "let %s = 1\n", name)
	}
	w.WriteString("print all\n")
	w.WriteString("quit 0\n.endc\n.end\n")
}

// vectors returns the number of vectors ngspice's operating point has:
// node voltages, the deck's private nodes, and the branch currents of
// voltage-defining cards (V and E, sense sources included).
func (d *deck) vectors() int {
	return len(d.nodeList) + d.privateNodes + d.branchCards
}

// deckCelsius formats kelvin t in degrees Celsius with the fewest digits that
// ngspice turns back into t (it adds 273.15): 310 K is "36.85", not
// "36.85000000000002".
func deckCelsius(t float64) string {
	for p := 1; p < 17; p++ {
		s := strconv.FormatFloat(t-273.15, 'g', p, 64)
		if c, err := strconv.ParseFloat(s, 64); err == nil && c+273.15 == t {
			return s
		}
	}
	return spiceNum(t - 273.15)
}

// spiceNum formats v with the fewest digits that read back as v.
func spiceNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// deckOneLine makes s safe for a comment or the title line.
func deckOneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
