package importer

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/solver"
)

// importTol is the largest difference in volts allowed between a node of an
// imported deck, solved by eqsim, and ngspice's operating point of the
// same deck (issue 14).
const importTol = 1e-6

// importNgspiceControl is what the tests append to a deck for ngspice:
// tolerances far below importTol, so that ngspice's own convergence error
// does not count, and a .control block that prints every node with 18
// significant digits.
const importNgspiceControl = `
.options reltol=1e-9 vntol=1e-12 abstol=1e-15 itl1=1000 itl2=1000
.control
set numdgt=17
op
print all
quit 0
.endc
.end
`

// importNgspiceOP runs ngspice in batch mode on deck (cut at its .end) with
// importNgspiceControl appended and returns the voltage of every node, by
// lower-case name. It skips the test when ngspice is not installed.
func importNgspiceOP(t *testing.T, deck string) map[string]float64 {
	t.Helper()
	bin, err := exec.LookPath("ngspice")
	if err != nil {
		t.Skip("ngspice is not installed")
	}
	var kept []string
	for i, line := range strings.Split(deck, "\n") {
		if i > 0 && firstWordIs(strings.TrimSpace(line), ".end") {
			break
		}
		kept = append(kept, line)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "deck.cir")
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")+importNgspiceControl), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-n", "-b", "deck.cir")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ngspice: %v\n%s\n%s", err, out.String(), errb.String())
	}
	vals := map[string]float64{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " = ")
		if !ok || strings.ContainsAny(name, " \t") || strings.Contains(name, "#") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		// ngspice prints a node whose name starts with a digit as v(name).
		if inner, ok := strings.CutPrefix(name, "v("); ok {
			name = strings.TrimSuffix(inner, ")")
		}
		vals[strings.ToLower(name)] = v
	}
	if len(vals) == 0 {
		t.Fatalf("ngspice printed no node voltages:\n%s\n%s", out.String(), errb.String())
	}
	return vals
}

// checkAgainstNgspice imports deck, solves it with eqsim's Newton and
// compares every node with ngspice's operating point of the same deck. It
// returns the number of nodes compared.
func checkAgainstNgspice(t *testing.T, name, deck string) int {
	t.Helper()
	d, err := Import(strings.NewReader(deck), name)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, deck)
	}
	sys, err := mna.Compile(d.Circuit)
	if err != nil {
		t.Fatal(err)
	}
	res, err := solver.Newton(sys, nil, nil)
	if err != nil {
		t.Fatalf("solve: %v", err)
	}
	v := sys.VoltagesTo(nil, res.X)
	ng := importNgspiceOP(t, deck)
	ours := map[string]bool{}
	worst, worstNode := 0.0, ""
	for _, n := range d.Nodes {
		i, ok := sys.NodeIndex(n)
		if !ok {
			t.Fatalf("node %q is not in the compiled system", n)
		}
		key := strings.ToLower(n)
		ours[key] = true
		want, ok := ng[key]
		if !ok {
			t.Errorf("%s: ngspice printed no voltage for node %s", name, n)
			continue
		}
		if diff := math.Abs(v[i] - want); diff > worst || math.IsNaN(diff) {
			worst, worstNode = diff, n
		}
	}
	for n := range ng {
		if !ours[n] {
			t.Errorf("%s: ngspice has node %s, the import does not", name, n)
		}
	}
	t.Logf("%s: %d nodes, largest difference from ngspice %.3g V at %s", name, len(d.Nodes), worst, worstNode)
	if worst > importTol || math.IsNaN(worst) {
		t.Errorf("%s: node %s differs from ngspice by %.3g V (tolerance %g)\n%s", name, worstNode, worst, importTol, deck)
	}
	return len(d.Nodes)
}

// TestImportDecksAgreeWithNgspice imports the hand-written decks of
// testdata/import and compares every node with ngspice's .op.
func TestImportDecksAgreeWithNgspice(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "import", "*.cir"))
	if err != nil || len(files) < 4 {
		t.Fatalf("decks: %v, %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if n := checkAgainstNgspice(t, filepath.Base(f), string(src)); n < 3 {
				t.Errorf("only %d nodes compared", n)
			}
		})
	}
}

// TestImportRandomDecksAgreeWithNgspice writes random decks in varied
// syntax (scale factors and units, case, continuation lines, comments,
// parameters, nested subcircuits, diodes, controlled sources, transient
// sources) and compares every node of each import with ngspice's .op.
func TestImportRandomDecksAgreeWithNgspice(t *testing.T) {
	if _, err := exec.LookPath("ngspice"); err != nil {
		t.Skip("ngspice is not installed")
	}
	n := 40
	if testing.Short() {
		n = 8
	}
	for seed := range n {
		deck := randomDeck(uint64(seed))
		t.Run(strconv.Itoa(seed), func(t *testing.T) {
			checkAgainstNgspice(t, "random.cir", deck)
		})
	}
}

// deckGen writes a random deck in ngspice's style.
type deckGen struct {
	rng    *rand.Rand
	params []string        // .param definitions, written in random order
	names  map[string]bool // lower-case names taken

	models     []string
	cell, pair string
	nodes      []string        // of the first stage
	pinned     map[string]bool // nodes held by a grounded source
	senses     []string        // 0 V sources for F sources to sense
}

// cased writes s in random case: SPICE does not care.
func (g *deckGen) cased(s string) string {
	switch g.rng.IntN(4) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		b := []byte(s)
		for i := range b {
			if g.rng.IntN(2) == 0 {
				b[i] = strings.ToUpper(string(b[i]))[0]
			}
		}
		return string(b)
	}
	return s
}

// fresh returns a new name with the given stem, unique case-insensitively.
func (g *deckGen) fresh(stem string) string {
	for {
		s := stem + strconv.Itoa(g.rng.IntN(1000))
		if !g.names[strings.ToLower(s)] {
			g.names[strings.ToLower(s)] = true
			return s
		}
	}
}

// num writes v in one of SPICE's forms; unit is the unit letters that may
// follow a scale factor ("ohm", "V", "A", "F").
func (g *deckGen) num(v float64, unit string) string {
	type scale struct {
		s string
		f float64
	}
	scales := []scale{{"t", 1e12}, {"g", 1e9}, {"meg", 1e6}, {"k", 1e3}, {"m", 1e-3}, {"u", 1e-6}, {"n", 1e-9}, {"p", 1e-12}, {"f", 1e-15}}
	plain := strconv.FormatFloat(v, 'g', 8, 64)
	switch g.rng.IntN(7) {
	case 0, 1: // a scale factor that leaves a mantissa between 1 and 1000
		for _, s := range scales {
			if m := math.Abs(v) / s.f; m >= 1 && m < 1000 {
				text := strconv.FormatFloat(v/s.f, 'g', 8, 64) + g.cased(s.s)
				if g.rng.IntN(2) == 0 {
					text += unit
				}
				return text
			}
		}
		return plain
	case 2:
		return strings.ToUpper(strconv.FormatFloat(v, 'e', 7, 64))
	case 3: // an expression
		return "{" + plain + "*2/2}"
	case 4: // a parameter
		name := g.fresh("par")
		g.params = append(g.params, name+" = "+plain)
		forms := []string{"{" + g.cased(name) + "}", "'" + g.cased(name) + "'", "{" + g.cased(name) + " * 1}"}
		return forms[g.rng.IntN(len(forms))]
	case 5: // a parameter defined from another one
		base, twice := g.fresh("par"), g.fresh("par")
		g.params = append(g.params, base+" = "+strconv.FormatFloat(v/2, 'g', 17, 64), twice+" = {2*"+g.cased(base)+"}")
		return "{" + g.cased(twice) + "}"
	}
	if v >= 0 && g.rng.IntN(3) == 0 && unit != "" && unit != "A" && unit != "F" {
		return plain + unit // unit letters without a scale factor
	}
	return plain
}

// card writes fields as one card, sometimes over continuation lines with
// comments between them, sometimes with an end-of-line comment.
func (g *deckGen) card(b *strings.Builder, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			if i > 1 && g.rng.IntN(8) == 0 {
				if g.rng.IntN(3) == 0 {
					b.WriteString(" ; split here\n* a comment between\n")
				} else {
					b.WriteString("\n")
				}
				b.WriteString("+ ")
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(f)
	}
	switch g.rng.IntN(8) {
	case 0:
		b.WriteString(" ; comment")
	case 1:
		b.WriteString(" $ comment")
	case 2:
		b.WriteString(" // comment")
	}
	b.WriteString("\n")
}

// randomDeck writes a deck of two stages: a network of resistors, diodes,
// independent sources and subcircuit instances in which every node has a
// resistive path to ground, and outputs driven from it by E and F sources
// that do not feed back, so that the operating point is unique.
func randomDeck(seed uint64) string {
	g := &deckGen{rng: rand.New(rand.NewPCG(seed, 14)), names: map[string]bool{}, pinned: map[string]bool{}}
	r := g.rng
	var body, head strings.Builder
	g.writeModels(&head)
	g.writeSubckts(&head)
	g.writeNetwork(&body)
	g.writeOutputs(&body)

	var b strings.Builder
	b.WriteString("random deck " + strconv.FormatUint(seed, 10) + "\n* written by TestImportRandomDecksAgreeWithNgspice\n")
	if r.IntN(2) == 0 {
		temp := strconv.Itoa(r.IntN(100) - 20)
		if r.IntN(2) == 0 {
			g.card(&b, ".options", "temp="+temp, "tnom="+strconv.Itoa(r.IntN(60)), "reltol=1e-4")
		} else {
			g.card(&b, ".temp", temp)
		}
	}
	r.Shuffle(len(g.params), func(i, j int) { g.params[i], g.params[j] = g.params[j], g.params[i] })
	for _, p := range g.params {
		g.card(&b, g.cased(".param"), p)
	}
	b.WriteString(head.String())
	b.WriteString(body.String())
	b.WriteString(".op\n.tran 1u 10u\n.print dc v(" + g.nodes[0] + ")\n.control\necho hello\n.endc\n.end\nthis line is after .end\n")
	return b.String()
}

func (g *deckGen) resistance() string {
	return g.num(math.Exp(math.Log(100)+g.rng.Float64()*math.Log(200)), "ohm")
}

func (g *deckGen) model() string { return g.cased(g.models[g.rng.IntN(len(g.models))]) }

// writeModels writes one to three diode models in the forms of .model.
func (g *deckGen) writeModels(b *strings.Builder) {
	r := g.rng
	for range 1 + r.IntN(3) {
		name := g.fresh("dmod")
		g.models = append(g.models, name)
		is := strconv.FormatFloat(math.Exp(math.Log(1e-15)+r.Float64()*math.Log(1e4)), 'g', 6, 64)
		n := strconv.FormatFloat(1+r.Float64(), 'g', 4, 64)
		// Series resistance and breakdown, in some models.
		var real []string
		if r.IntN(3) == 0 {
			real = append(real, "rs="+strconv.FormatFloat(math.Pow(10, -1+3*r.Float64()), 'g', 3, 64))
		}
		if r.IntN(3) == 0 {
			real = append(real, "bv="+strconv.FormatFloat(1.5+3*r.Float64(), 'g', 3, 64))
			if r.IntN(2) == 0 {
				real = append(real, "ibv="+strconv.FormatFloat(math.Pow(10, -9+6*r.Float64()), 'g', 2, 64))
			}
		}
		switch r.IntN(3) {
		case 0:
			g.card(b, append([]string{".model", g.cased(name), "D(IS=" + is}, append(real, "N="+n+")")...)...)
		case 1:
			g.card(b, append([]string{g.cased(".model"), g.cased(name), g.cased("d"), "is=" + is, "n=" + n, "cjo=2p", "tt=1n"}, real...)...)
		default:
			g.card(b, ".MODEL", g.cased(name), "D", "(", "IS", "=", is, ",", "N", "=", n, ")")
		}
	}
}

// writeSubckts writes a cell with a parameter, and a pair of cells that
// holds a definition of its own, which sees the pair's parameter.
func (g *deckGen) writeSubckts(b *strings.Builder) {
	g.cell, g.pair = g.fresh("cell"), g.fresh("pair")
	inner := g.fresh("inner")
	g.card(b, g.cased(".subckt"), g.cased(g.cell), "a", "b", g.cased("params:"), "r="+g.resistance())
	g.card(b, "R1", "a", "m", "{"+g.cased("r")+"}")
	g.card(b, "R2", "m", "B", "{2*"+g.cased("r")+"}")
	g.card(b, "Rg", "M", "0", g.resistance())
	if g.rng.IntN(2) == 0 {
		g.card(b, "D1", "m", "0", g.model())
	}
	g.card(b, g.cased(".ends"), g.cased(g.cell))
	g.card(b, ".subckt", g.cased(g.pair), "p", "q", "rr="+g.resistance())
	g.card(b, ".subckt", inner, "x")
	g.card(b, "Rx", "x", "0", "{rr*3}")
	g.card(b, ".ends")
	g.card(b, "X1", "p", "mid", g.cased(g.cell), "r={rr}")
	g.card(b, "X2", "mid", "q", g.cased(g.cell))
	g.card(b, "Xi", "MID", g.cased(inner))
	g.card(b, ".ends", g.pair)
}

// node returns a node of the network or ground, in random case.
func (g *deckGen) node() string {
	if g.rng.IntN(6) == 0 {
		return []string{"0", "gnd", "GND"}[g.rng.IntN(3)]
	}
	return g.cased(g.nodes[g.rng.IntN(len(g.nodes))])
}

// twoNodes returns two different nodes (ground counted once).
func (g *deckGen) twoNodes() (string, string) {
	key := func(s string) string {
		if strings.EqualFold(s, "gnd") {
			return "0"
		}
		return strings.ToLower(s)
	}
	for {
		a, b := g.node(), g.node()
		if key(a) != key(b) {
			return a, b
		}
	}
}

// writeNetwork writes the first stage: a tree of resistors from ground,
// a source of each kind, then random elements between its nodes.
func (g *deckGen) writeNetwork(b *strings.Builder) {
	r := g.rng
	for i := range 3 + r.IntN(8) {
		n := g.fresh([]string{"n", "Out", "mid_", "a", "vx"}[r.IntN(5)])
		to := "0"
		if i > 0 && r.IntN(3) > 0 {
			to = g.nodes[r.IntN(len(g.nodes))]
		}
		g.nodes = append(g.nodes, n)
		rv := g.resistance()
		if r.IntN(3) == 0 {
			rv = "r=" + rv
		}
		g.card(b, g.cased(g.fresh("R")), g.cased(n), g.cased(to), rv)
	}
	g.pinned[strings.ToLower(g.nodes[0])] = true
	g.card(b, g.cased(g.fresh("V")), g.cased(g.nodes[0]), "0", g.num(r.Float64()*10-5, "V"))
	g.card(b, g.cased(g.fresh("I")), "0", g.cased(g.nodes[len(g.nodes)-1]), g.num(r.Float64()*1e-3, "A"))
	for range 4 + r.IntN(12) {
		g.writeElement(b)
	}
}

// writeElement writes one random element of the first stage.
func (g *deckGen) writeElement(b *strings.Builder) {
	r := g.rng
	switch r.IntN(9) {
	case 0, 1:
		n1, n2 := g.twoNodes()
		g.card(b, g.cased(g.fresh("R")), n1, n2, g.resistance())
	case 2:
		n1, n2 := g.twoNodes()
		g.card(b, g.cased(g.fresh("D")), n1, n2, g.model())
	case 3:
		n1, n2 := g.twoNodes()
		g.card(b, g.cased(g.fresh("I")), n1, n2, g.num((r.Float64()*2-1)*1e-4, "A"))
	case 4: // a grounded source on a node not held yet
		n := g.nodes[r.IntN(len(g.nodes))]
		if g.pinned[strings.ToLower(n)] {
			return
		}
		g.pinned[strings.ToLower(n)] = true
		v := g.num(r.Float64()*10-5, "V")
		forms := [][]string{{v}, {g.cased("dc"), v}, {"dc=" + v}, {"DC", v, "AC", "1"},
			{"PULSE(" + v, "0", "1u", "1n", "1n", "1u", "2u)"}, {"SIN(" + v, "1", "1k)"}}
		g.card(b, append([]string{g.cased(g.fresh("V")), g.cased(n), "0"}, forms[r.IntN(len(forms))]...)...)
	case 5:
		n1, n2 := g.twoNodes()
		g.card(b, g.cased(g.fresh("X")), n1, n2, g.cased(g.cell))
	case 6:
		n1, n2 := g.twoNodes()
		if r.IntN(2) == 0 {
			g.card(b, g.cased(g.fresh("X")), n1, n2, g.cased(g.pair), "rr="+g.resistance())
		} else {
			g.card(b, g.cased(g.fresh("X")), n1, n2, g.cased(g.pair), "params:", "rr="+g.resistance())
		}
	case 7: // a sense source in series with a resistor, for F sources
		s, v := g.fresh("s"), g.fresh("Vsense")
		g.senses = append(g.senses, v)
		g.card(b, g.cased(g.fresh("R")), g.node(), g.cased(s), g.resistance())
		g.card(b, g.cased(v), g.cased(s), g.node(), "0")
	case 8:
		n1, n2 := g.twoNodes()
		g.card(b, g.cased(g.fresh("C")), n1, n2, g.num(1e-12*(1+r.Float64()), "F"))
	}
}

// writeOutputs writes the second stage: outputs driven by E and F sources
// from the first, loaded by resistors and diodes.
func (g *deckGen) writeOutputs(b *strings.Builder) {
	r := g.rng
	var outs []string
	for range r.IntN(4) {
		o := g.fresh("o")
		neg := "0"
		if len(outs) > 0 && r.IntN(3) == 0 {
			neg = g.cased(outs[r.IntN(len(outs))])
		}
		gain := strconv.FormatFloat(r.Float64()*4-2, 'g', 5, 64)
		if len(g.senses) > 0 && r.IntN(2) == 0 {
			g.card(b, g.cased(g.fresh("F")), g.cased(o), "0", g.cased(g.senses[r.IntN(len(g.senses))]), gain)
		} else {
			g.card(b, g.cased(g.fresh("E")), g.cased(o), neg, g.node(), g.node(), gain)
		}
		g.card(b, g.cased(g.fresh("R")), g.cased(o), "0", g.resistance())
		if r.IntN(2) == 0 {
			g.card(b, g.cased(g.fresh("D")), g.cased(o), "0", g.model())
		}
		outs = append(outs, o)
	}
}
