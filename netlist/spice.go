package netlist

import (
	"bufio"
	"fmt"
	"io"
	"math"
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
	spiceReltol = 1e-9
	spiceVntol  = 1e-12 // V
	spiceAbstol = 1e-15 // A
	// spiceDigits is ngspice's numdgt: print shows spiceDigits+1
	// significant digits, enough to round-trip a float64.
	spiceDigits = 17
	// spiceIterations bounds ngspice's Newton iterations (itl1, itl2) before
	// it falls back to gmin and source stepping.
	spiceIterations = 1000
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
// Names follow ngspice's rules. A node name made of letters, digits and
// underscores that starts with a letter is written as it is. Every other
// node name is mapped deterministically to such a name, in lower case, and
// the map is written as comment lines like `* node "h[3]" = h_3_`.
// That covers group nodes ("h[3]" becomes h_3_), names that do not start
// with a letter ("3x" becomes n3x), the second of two names equal but for
// case (ngspice lower-cases names: "Q" stays, "q" becomes q_2), "GND" and
// other words ngspice's parser treats as spiceKeywords ("value" becomes
// value_2). Numeric suffixes resolve collisions; names that stay are never
// taken. Ground ("0" or "gnd") is node 0. Element names get the SPICE type
// letter in front where they lack it (a resistor "load" becomes rload).
//
// Block elements are expanded into cards: a crossbar into one resistor per
// nonzero conductance (R = 1/G) and, with wire resistance, one resistor
// per wire segment between internal nodes named like the eqsim nodes
// "W.r[i][j]" and "W.c[i][j]" (mapped as above: w_r_0__1_); a rectifier
// into two diodes per node, each with a .model of its own if the diodes
// vary; an amplifier into, per channel, a VCVS of the channel's gain that
// drives an internal node, a sense source of minus the channel's offset (0
// V without one) from there to the To node and a CCCS of gain 1/gain that
// draws the sensed current out of the From node; and an input into one
// grounded voltage source per node. A comment line before each block says
// how its cards are named. Diode models become .model lines with IS and N
// (ngspice's defaults EG = 1.11 eV and XTI = 3 are eqsim's); the
// temperature is written as temp and the nominal temperature as tnom, so
// that ngspice scales IS with temperature exactly when eqsim does
// (circuit.DiodeModel.SaturationCurrent).
//
// Values are written with the shortest decimal representation that reads
// back as the same float64. WriteSpice returns an error, before writing
// anything, if c does not compile (see circuit.Compile) or holds a value
// that is not finite or a diode model with IS or N not positive.
func WriteSpice(w io.Writer, c *circuit.Circuit) error {
	d, err := newDeck(c)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	d.write(bw)
	return bw.Flush()
}

// noOpMessage is what a deck prints when ngspice finds no operating point.
const noOpMessage = "eqsim: no DC operating point"

// deck is a circuit with its ngspice names assigned.
type deck struct {
	c *circuit.Circuit

	nodes    map[string]string // eqsim node -> SPICE node ("0" for ground)
	nodeList []string          // eqsim nodes in order of first appearance, ground excluded

	elems map[circuit.Element]string // single elements -> SPICE instance name
	// A VCVS that controls a CCCS drives its output through a 0 V source
	// (sense) that the CCCS senses, across an internal node (senseNode).
	sense     map[string]string // VCVS name -> SPICE V source
	senseNode map[string]string // VCVS name -> SPICE node
	// ampNodes are the internal nodes between each amplifier channel's
	// VCVS and its sense source.
	ampNodes map[*circuit.Amplifier][]string
	// stems name block elements' cards: letter+stem+"_"+index.
	stems   map[circuit.Element]string
	models  []spiceModel
	modelOf map[circuit.DiodeModel]string
	// diodeModels names, for a rectifier with per-diode parameters, the
	// model of each of its diodes.
	diodeModels map[*circuit.Rectifier][]string
}

type spiceModel struct {
	name string
	m    circuit.DiodeModel
}

// spiceKeywords are node names that ngspice would misread: "gnd", ground to
// ngspice in any case, and words its element parsers look for. Trying them
// as nodes in every card showed "value" and "table" break a VCVS card and
// "ac" a source; the others are the rest of the spiceKeywords of source and
// controlled-source cards, mapped to be safe.
var spiceKeywords = map[string]bool{
	"gnd": true, "value": true, "vol": true, "table": true, "poly": true,
	"laplace": true, "cur": true, "ac": true, "dc": true,
}

// isSpiceName reports whether s is a letter followed by letters, digits and
// underscores.
func isSpiceName(s string) bool {
	if s == "" || !spiceIsLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !spiceIsLetter(s[i]) && !spiceIsDigit(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

func spiceIsLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
func spiceIsDigit(b byte) bool  { return b >= '0' && b <= '9' }

// spiceSanitize maps s to lower-case letters, digits and underscores: every
// other byte becomes an underscore.
func spiceSanitize(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !spiceIsLetter(c) && !spiceIsDigit(c) && c != '_' {
			b[i] = '_'
		}
	}
	return string(b)
}

// spiceNamer hands out names unique in one ngspice namespace, compared
// case-insensitively as ngspice does.
type spiceNamer struct{ used map[string]bool }

func newSpiceNamer() *spiceNamer { return &spiceNamer{used: map[string]bool{}} }

// keep claims s itself and reports whether it was free.
func (n *spiceNamer) keep(s string) bool {
	k := strings.ToLower(s)
	if n.used[k] {
		return false
	}
	n.used[k] = true
	return true
}

// alloc claims cand, or cand_2, cand_3, ... if it is taken, and returns
// the name claimed, in lower case.
func (n *spiceNamer) alloc(cand string) string {
	cand = strings.ToLower(cand)
	if n.keep(cand) {
		return cand
	}
	for k := 2; ; k++ {
		s := cand + "_" + strconv.Itoa(k)
		if n.keep(s) {
			return s
		}
	}
}

// spiceTypeLetter returns the SPICE type letter of a single element, or 0 for a
// block element.
func spiceTypeLetter(e circuit.Element) byte {
	switch e.(type) {
	case *circuit.Resistor:
		return 'R'
	case *circuit.Capacitor:
		return 'C'
	case *circuit.Diode:
		return 'D'
	case *circuit.VSource:
		return 'V'
	case *circuit.ISource:
		return 'I'
	case *circuit.VCVS:
		return 'E'
	case *circuit.CCCS:
		return 'F'
	}
	return 0
}

// newDeck checks c and assigns every node, element and model its SPICE name.
func newDeck(c *circuit.Circuit) (*deck, error) {
	if _, err := circuit.Compile(c); err != nil {
		return nil, err
	}
	if err := checkSpiceValues(c); err != nil {
		return nil, err
	}
	d := &deck{
		c:         c,
		nodes:     map[string]string{},
		elems:     map[circuit.Element]string{},
		sense:     map[string]string{},
		senseNode: map[string]string{},
		ampNodes:  map[*circuit.Amplifier][]string{},
		stems:     map[circuit.Element]string{},
		modelOf:   map[circuit.DiodeModel]string{},

		diodeModels: map[*circuit.Rectifier][]string{},
	}

	// Nodes: names that may stay claim themselves first, in order of first
	// appearance, so that no mapped name can take one of them.
	seen := map[string]bool{}
	for _, e := range c.Elements {
		for _, t := range e.Terminals() {
			if !circuit.IsGround(t) && !seen[t] {
				seen[t] = true
				d.nodeList = append(d.nodeList, t)
			}
		}
	}
	// The internal nodes of wired crossbars, as circuit.Compile orders
	// them.
	for _, e := range c.Elements {
		if x, ok := e.(*circuit.Crossbar); ok {
			d.nodeList = append(d.nodeList, x.InternalNodes()...)
		}
	}
	nodes := newSpiceNamer()
	nodes.keep("0")
	for k := range spiceKeywords {
		nodes.keep(k)
	}
	for _, t := range d.nodeList {
		if isSpiceName(t) && nodes.keep(t) {
			d.nodes[t] = t
		}
	}
	for _, t := range d.nodeList {
		if _, ok := d.nodes[t]; ok {
			continue
		}
		s := spiceSanitize(t)
		if !spiceIsLetter(s[0]) {
			s = "n" + s
		}
		d.nodes[t] = nodes.alloc(s)
	}
	d.nodes[circuit.Ground] = "0"
	d.nodes[circuit.GroundAlias] = "0"

	// A VCVS that controls a CCCS needs a sense source: ngspice documents
	// only voltage sources as controls.
	controls := map[string]bool{}
	for _, e := range c.Elements {
		if f, ok := e.(*circuit.CCCS); ok {
			controls[f.Control] = true
		}
	}

	// Single elements keep valid names that start with their type letter;
	// the rest get the letter in front. Block elements get a stem, unique
	// and free of underscores, from which their cards are named
	// letter+stem+"_"+index...; no single name may start like that.
	elems := newSpiceNamer()
	for _, e := range c.Elements {
		l := spiceTypeLetter(e)
		if l == 0 {
			continue
		}
		s := e.Label()
		if isSpiceName(s) && (s[0]|0x20) == l|0x20 && elems.keep(s) {
			d.elems[e] = s
		}
	}
	for _, e := range c.Elements {
		l := spiceTypeLetter(e)
		if l == 0 {
			continue
		}
		if _, ok := d.elems[e]; !ok {
			d.elems[e] = elems.alloc(string(l) + spiceSanitize(e.Label()))
		}
		if v, ok := e.(*circuit.VCVS); ok && controls[v.Name] {
			d.sense[v.Name] = elems.alloc("vsense_" + spiceSanitize(v.Name))
			d.senseNode[v.Name] = nodes.alloc("sense_" + spiceSanitize(v.Name))
		}
	}
	stems := map[string]bool{}
	for _, e := range c.Elements {
		if spiceTypeLetter(e) != 0 {
			continue
		}
		base := spiceStem(e.Label())
		for k := 1; ; k++ {
			s := base
			if k > 1 {
				s += "x" + strconv.Itoa(k)
			}
			if stems[s] || spiceStemTaken(elems.used, s) {
				continue
			}
			stems[s] = true
			d.stems[e] = s
			break
		}
		if a, ok := e.(*circuit.Amplifier); ok {
			for i := range a.From {
				d.ampNodes[a] = append(d.ampNodes[a], nodes.alloc(fmt.Sprintf("%s_%d_s", d.stems[e], i)))
			}
		}
	}

	models := newSpiceNamer()
	addModel := func(m circuit.DiodeModel) {
		if _, ok := d.modelOf[m]; ok {
			return
		}
		cand := "d"
		if isSpiceName(m.Name) && !spiceKeywords[strings.ToLower(m.Name)] {
			cand = m.Name
		} else if m.Name != "" {
			cand = "d_" + spiceSanitize(m.Name)
		}
		name := models.alloc(cand)
		d.modelOf[m] = name
		d.models = append(d.models, spiceModel{name, m})
	}
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Diode:
			addModel(e.Model)
		case *circuit.Rectifier:
			if e.IS == nil && e.N == nil {
				addModel(e.Model)
			}
		}
	}
	// A rectifier with per-diode parameters gets a model per diode,
	// named after its cards.
	for _, e := range c.Elements {
		r, ok := e.(*circuit.Rectifier)
		if !ok || r.IS == nil && r.N == nil {
			continue
		}
		names := make([]string, 2*len(r.Nodes))
		for k := range names {
			side := "hi"
			if k%2 == 1 {
				side = "lo"
			}
			names[k] = models.alloc(fmt.Sprintf("m%s_%d_%s", d.stems[r], k/2, side))
			d.models = append(d.models, spiceModel{names[k], r.Diode(k)})
		}
		d.diodeModels[r] = names
	}
	return d, nil
}

// spiceStem returns the lower-case letters and digits of a block's name.
func spiceStem(name string) string {
	var b strings.Builder
	for _, c := range []byte(strings.ToLower(name)) {
		if spiceIsLetter(c) || spiceIsDigit(c) {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "b"
	}
	return b.String()
}

// spiceStemTaken reports whether a single element's name starts with a type
// letter, then stem, then an underscore. Stems hold no underscores, so two
// distinct stems never make one card name.
func spiceStemTaken(used map[string]bool, stem string) bool {
	for s := range used {
		if len(s) > len(stem)+1 && s[1:1+len(stem)] == stem && s[1+len(stem)] == '_' {
			return true
		}
	}
	return false
}

// checkSpiceValues rejects values that have no SPICE card.
func checkSpiceValues(c *circuit.Circuit) error {
	bad := func(e circuit.Element, what string, v float64) error {
		return &circuit.Error{Element: e.Label(), Msg: fmt.Sprintf("%s %v has no SPICE form", what, v)}
	}
	fin := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	model := func(e circuit.Element, m circuit.DiodeModel) error {
		if !fin(m.IS) || m.IS <= 0 {
			return bad(e, "diode saturation current", m.IS)
		}
		if !fin(m.N) || m.N <= 0 {
			return bad(e, "diode emission coefficient", m.N)
		}
		return nil
	}
	if t := c.Temperature(); !fin(t) || t <= 0 {
		return &circuit.Error{Msg: fmt.Sprintf("temperature %v K has no SPICE form", t)}
	}
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Resistor:
			if !fin(e.G) {
				return bad(e, "conductance", e.G)
			}
		case *circuit.Capacitor:
			if !fin(e.C) {
				return bad(e, "capacitance", e.C)
			}
		case *circuit.Diode:
			if err := model(e, e.Model); err != nil {
				return err
			}
		case *circuit.Rectifier:
			if err := model(e, e.Model); err != nil {
				return err
			}
			for k := range 2 * len(e.Nodes) {
				if err := model(e, e.Diode(k)); err != nil {
					return err
				}
			}
		case *circuit.VSource:
			if !fin(e.V) {
				return bad(e, "voltage", e.V)
			}
		case *circuit.ISource:
			if !fin(e.I) {
				return bad(e, "current", e.I)
			}
		case *circuit.VCVS:
			if !fin(e.Gain) {
				return bad(e, "gain", e.Gain)
			}
		case *circuit.CCCS:
			if !fin(e.Gain) {
				return bad(e, "gain", e.Gain)
			}
		case *circuit.Amplifier:
			if !fin(e.Gain) || !fin(1/e.Gain) {
				return bad(e, "gain", e.Gain)
			}
			for i := range e.From {
				if g := e.ChannelGain(i); !fin(g) || !fin(1/g) {
					return bad(e, fmt.Sprintf("channel %d gain", i), g)
				}
				if o := e.Offset(i); !fin(o) {
					return bad(e, fmt.Sprintf("channel %d offset", i), o)
				}
			}
		case *circuit.Crossbar:
			if !fin(e.WireR) || e.WireR != 0 && !fin(1/e.WireR) {
				return bad(e, "wire resistance", e.WireR)
			}
			r, cols := e.G.Dims()
			for i := 0; i < r; i++ {
				for j := 0; j < cols; j++ {
					if g := e.G.At(i, j); !fin(g) {
						return bad(e, fmt.Sprintf("conductance [%d,%d]", i, j), g)
					}
				}
			}
		case *circuit.Input:
			for k := range e.Nodes {
				if v := e.Voltage(k); !fin(v) {
					return bad(e, fmt.Sprintf("voltage on node %d", k), v)
				}
			}
		}
	}
	return nil
}

// spiceCelsius formats kelvin t in degrees Celsius with the fewest digits that
// ngspice turns back into t (it adds 273.15): 310 K is "36.85", not
// "36.85000000000002".
func spiceCelsius(t float64) string {
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

// spiceOneLine makes s safe for a comment or the title line.
func spiceOneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// write writes the deck; errors are left to the bufio.Writer's Flush.
func (d *deck) write(w *bufio.Writer) {
	c := d.c
	title := strings.TrimSpace(spiceOneLine(c.Title))
	if title == "" {
		title = "circuit"
	}
	// The first line of a deck is its title, whatever it holds.
	fmt.Fprintf(w, "eqsim: %s\n", title)
	w.WriteString("* Exported by eqsim. Run: ngspice -b FILE\n")
	w.WriteString("* Prints the DC operating point: every node voltage (V) and branch current (A),\n")
	w.WriteString("* one \"name = value\" a line; exits with status 1 if there is none.\n")
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
	fmt.Fprintf(w, ".options temp=%s tnom=%s gmin=%s\n", spiceCelsius(t), spiceCelsius(tnom), spiceNum(circuit.Gmin))
	fmt.Fprintf(w, ".options reltol=%s vntol=%s abstol=%s itl1=%d itl2=%d\n",
		spiceNum(spiceReltol), spiceNum(spiceVntol), spiceNum(spiceAbstol), spiceIterations, spiceIterations)
	for _, m := range d.models {
		fmt.Fprintf(w, ".model %s D(IS=%s N=%s)\n", m.name, spiceNum(m.m.IS), spiceNum(m.m.N))
	}
	w.WriteString("\n")

	node := func(n string) string { return d.nodes[n] }
	var buf []byte
	for _, e := range c.Elements {
		name := d.elems[e]
		if name != "" && name != e.Label() {
			fmt.Fprintf(w, "* element %s = %s\n", strconv.QuoteToASCII(e.Label()), name)
		}
		switch e := e.(type) {
		case *circuit.Resistor:
			if e.G == 0 {
				fmt.Fprintf(w, "* %s: conductance 0, open\n", name)
				continue
			}
			fmt.Fprintf(w, "%s %s %s %s\n", name, node(e.Nodes[0]), node(e.Nodes[1]), spiceNum(1/e.G))
		case *circuit.Capacitor:
			fmt.Fprintf(w, "%s %s %s %s\n", name, node(e.Nodes[0]), node(e.Nodes[1]), spiceNum(e.C))
		case *circuit.Diode:
			fmt.Fprintf(w, "%s %s %s %s\n", name, node(e.Nodes[0]), node(e.Nodes[1]), d.modelOf[e.Model])
		case *circuit.VSource:
			fmt.Fprintf(w, "%s %s %s %s\n", name, node(e.Nodes[0]), node(e.Nodes[1]), spiceNum(e.V))
		case *circuit.ISource:
			fmt.Fprintf(w, "%s %s %s %s\n", name, node(e.Nodes[0]), node(e.Nodes[1]), spiceNum(e.I))
		case *circuit.VCVS:
			p, n := node(e.Nodes[0]), node(e.Nodes[1])
			if s, ok := d.sense[e.Name]; ok {
				m := d.senseNode[e.Name]
				fmt.Fprintf(w, "%s %s %s %s %s %s\n", name, p, m, node(e.Control[0]), node(e.Control[1]), spiceNum(e.Gain))
				fmt.Fprintf(w, "%s %s %s 0\n", s, m, n)
				continue
			}
			fmt.Fprintf(w, "%s %s %s %s %s %s\n", name, p, n, node(e.Control[0]), node(e.Control[1]), spiceNum(e.Gain))
		case *circuit.CCCS:
			ctl, sign := d.control(e.Control)
			gain := sign * e.Gain
			fmt.Fprintf(w, "%s %s %s %s %s\n", name, node(e.Nodes[0]), node(e.Nodes[1]), ctl, spiceNum(gain))
		case *circuit.Crossbar:
			s := d.stems[e]
			r, cols := e.G.Dims()
			if e.Wired() {
				d.writeWired(w, e)
				continue
			}
			fmt.Fprintf(w, "* crossbar %s: %dx%d conductances as resistors r%s_I_J from From[I] to To[J]\n",
				strconv.QuoteToASCII(e.Name), r, cols, s)
			raw := e.G.RawMatrix()
			for i := 0; i < r; i++ {
				a := node(e.From[i])
				row := raw.Data[i*raw.Stride : i*raw.Stride+cols]
				for j, g := range row {
					if g == 0 {
						continue
					}
					buf = append(buf[:0], 'r')
					buf = append(buf, s...)
					buf = append(buf, '_')
					buf = strconv.AppendInt(buf, int64(i), 10)
					buf = append(buf, '_')
					buf = strconv.AppendInt(buf, int64(j), 10)
					buf = append(buf, ' ')
					buf = append(buf, a...)
					buf = append(buf, ' ')
					buf = append(buf, node(e.To[j])...)
					buf = append(buf, ' ')
					buf = strconv.AppendFloat(buf, 1/g, 'g', -1, 64)
					buf = append(buf, '\n')
					w.Write(buf)
				}
			}
		case *circuit.Rectifier:
			s := d.stems[e]
			m := d.modelOf[e.Model]
			hi, lo := node(e.High), node(e.Low)
			fmt.Fprintf(w, "* rectifier %s: diodes d%s_I_hi from node I to %s, d%s_I_lo from %s to node I\n",
				strconv.QuoteToASCII(e.Name), s, hi, s, lo)
			mh, ml := m, m
			per := d.diodeModels[e]
			if per != nil {
				fmt.Fprintf(w, "* each with its own model m%s_I_hi, m%s_I_lo (device-to-device variation)\n", s, s)
			}
			for i, n := range e.Nodes {
				if per != nil {
					mh, ml = per[2*i], per[2*i+1]
				}
				fmt.Fprintf(w, "d%s_%d_hi %s %s %s\n", s, i, node(n), hi, mh)
				fmt.Fprintf(w, "d%s_%d_lo %s %s %s\n", s, i, lo, node(n), ml)
			}
		case *circuit.Amplifier:
			s := d.stems[e]
			fmt.Fprintf(w, "* amplifier %s, gain %s: per channel I a VCVS e%s_I drives To[I] through the\n",
				strconv.QuoteToASCII(e.Name), spiceNum(e.Gain), s)
			if e.Gains == nil && e.Offsets == nil {
				fmt.Fprintf(w, "* 0 V sense source v%s_I; the CCCS f%s_I draws 1/gain of its current out of From[I]\n", s, s)
			} else {
				fmt.Fprintf(w, "* sense source v%s_I of minus the channel's offset; the CCCS f%s_I draws 1/gain of its\n", s, s)
				fmt.Fprintf(w, "* current out of From[I]; each channel has its own gain\n")
			}
			for i := range e.From {
				m := d.ampNodes[e][i]
				from, to := node(e.From[i]), node(e.To[i])
				g := e.ChannelGain(i)
				off := "0"
				if o := e.Offset(i); o != 0 {
					// V(m) - V(To[i]) = -offset: V(To[i]) = gain*V(From[i]) + offset.
					off = spiceNum(-o)
				}
				fmt.Fprintf(w, "e%s_%d %s 0 %s 0 %s\n", s, i, m, from, spiceNum(g))
				fmt.Fprintf(w, "v%s_%d %s %s %s\n", s, i, m, to, off)
				fmt.Fprintf(w, "f%s_%d %s 0 v%s_%d %s\n", s, i, from, s, i, spiceNum(1/g))
			}
		case *circuit.Input:
			s := d.stems[e]
			fmt.Fprintf(w, "* input %s: sources v%s_I\n", strconv.QuoteToASCII(e.Name), s)
			for k, n := range e.Nodes {
				fmt.Fprintf(w, "v%s_%d %s 0 %s\n", s, k, node(n), spiceNum(e.Voltage(k)))
			}
		}
	}

	w.WriteString("\n.control\n")
	// No transient fallback: its answer is the state after a fixed time,
	// not an operating point.
	w.WriteString("optran 1 1 1 0 0 0\n")
	fmt.Fprintf(w, "set numdgt=%d\n", spiceDigits)
	w.WriteString("op\n")
	fmt.Fprintf(w, "if $sim_status > 0\n  echo %s\n  quit 1\nend\n", noOpMessage)
	if d.vectors() == 1 {
		// print all names a lone vector "all"; a second one keeps the
		// node's name in the output.
		name := "eqsim_vectors"
		if strings.EqualFold(d.nodes[d.nodeList[0]], name) {
			name += "_2"
		}
		fmt.Fprintf(w, "let %s = 1\n", name)
	}
	w.WriteString("print all\n")
	w.WriteString("quit 0\n.endc\n.end\n")
}

// writeWired writes a crossbar with wire resistance: its cells as
// resistors r<stem>_I_J between the row and column nodes of cell (I, J),
// and its wire segments as resistors r<stem>_r_I_J (the row wire's segment
// that ends at cell (I, J), from From[I] or cell (I, J-1)) and
// r<stem>_c_I_J (the column wire's segment that starts at cell (I, J), to
// cell (I+1, J) or To[J]).
func (d *deck) writeWired(w *bufio.Writer, e *circuit.Crossbar) {
	s := d.stems[e]
	m, n := e.G.Dims()
	node := func(name string) string { return d.nodes[name] }
	fmt.Fprintf(w, "* crossbar %s: %dx%d cells r%s_I_J between the wires' internal nodes, wire segments of %s ohms\n",
		strconv.QuoteToASCII(e.Name), m, n, s, spiceNum(e.WireR))
	fmt.Fprintf(w, "* r%s_r_I_J on row wire I into cell (I,J) from From[I] (J=0) or cell (I,J-1), and r%s_c_I_J\n", s, s)
	fmt.Fprintf(w, "* on column wire J from cell (I,J) to cell (I+1,J) or To[J] (I=%d)\n", m-1)
	wr := spiceNum(e.WireR)
	for i := range m {
		for j := range n {
			a := node(e.From[i])
			if j > 0 {
				a = node(e.RowNode(i, j-1))
			}
			fmt.Fprintf(w, "r%s_r_%d_%d %s %s %s\n", s, i, j, a, node(e.RowNode(i, j)), wr)
		}
	}
	for i := range m {
		for j := range n {
			b := node(e.To[j])
			if i+1 < m {
				b = node(e.ColNode(i+1, j))
			}
			fmt.Fprintf(w, "r%s_c_%d_%d %s %s %s\n", s, i, j, node(e.ColNode(i, j)), b, wr)
		}
	}
	raw := e.G.RawMatrix()
	for i := range m {
		for j := range n {
			if g := raw.Data[i*raw.Stride+j]; g != 0 {
				fmt.Fprintf(w, "r%s_%d_%d %s %s %s\n", s, i, j, node(e.RowNode(i, j)), node(e.ColNode(i, j)), spiceNum(1/g))
			}
		}
	}
}

// vectors returns the number of vectors ngspice's operating point has:
// node voltages and the branch currents of voltage-defining sources.
func (d *deck) vectors() int {
	n := len(d.nodeList) + len(d.senseNode)
	for _, e := range d.c.Elements {
		switch e := e.(type) {
		case *circuit.VSource, *circuit.VCVS:
			n++
		case *circuit.Input:
			n += len(e.Nodes)
		case *circuit.Amplifier:
			n += 3 * len(e.From) // internal node, VCVS, sense source
		}
	}
	return n + len(d.sense) // sense sources of VCVS

}

// control returns the SPICE name of the voltage source whose current a
// CCCS senses, given the eqsim name of its control, and the sign that turns
// that source's current into eqsim's branch current.
func (d *deck) control(name string) (string, float64) {
	if s, ok := d.sense[name]; ok {
		return s, 1
	}
	if e := d.c.Element(name); e != nil {
		return d.elems[e], 1
	}
	// An amplifier channel "A[i]": its sense source carries the current
	// delivered into To[i], which is minus the channel's branch current.
	k := strings.LastIndexByte(name, '[')
	amp := d.c.Element(name[:k])
	i, _ := strconv.Atoi(strings.TrimSuffix(name[k+1:], "]"))
	return fmt.Sprintf("v%s_%d", d.stems[amp], i), -1
}
