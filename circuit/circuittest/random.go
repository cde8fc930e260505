package circuittest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// RandomOptions selects what Random draws. The zero value draws nothing.
type RandomOptions struct {
	// Stages is the number of stages of element cards.
	Stages int
	// Controlled adds VCVS and CCCS to every stage after the first,
	// controlled from earlier stages, and the amplifier to the block
	// network. Without it the circuit is reciprocal and has a co-content.
	Controlled bool
	// SenseVCVS lets a CCCS sense the current of an earlier stage's VCVS
	// as well as of its voltage sources (a netlist's cccs card senses only
	// a vsource).
	SenseVCVS bool
	// Blocks adds a small layered network of block elements, drawn before
	// the stages and apart from them (see Random).
	Blocks bool
	// Nonideal are the nonidealities of the block network.
	Nonideal Nonideal
	// Names is the style of the stages' node names.
	Names NameStyle
}

// Nonideal are circuit nonidealities a builder gives the blocks it draws.
// The zero value is ideal.
type Nonideal struct {
	// WireR is the wire resistance of every crossbar in ohms per segment
	// (circuit.Crossbar.WireR; 0: ideal wires).
	WireR float64
	// Diodes is the variation of every rectifier's diodes.
	Diodes circuit.DiodeVariation
	// Amplifiers is the variation of every amplifier's channels.
	Amplifiers circuit.AmplifierVariation
}

// NameStyle is a style of node names. Some of them an exporter must
// change: the SPICE export is tested with all of them.
type NameStyle int

const (
	PlainNames   NameStyle = iota // "n0_1": node 1 of stage 0
	BracketNames                  // "s0[1]"
	DigitNames                    // "0n1", a leading digit
	CaseNames                     // "node0_0", "Node0_1": names equal but for case
)

// RandomModels are the diode models Random draws from; their saturation
// currents span the range of real small-signal and rectifier diodes.
var RandomModels = []circuit.DiodeModel{
	{Name: "dsmall", IS: 1e-15, N: 1},
	{Name: "d1n4148", IS: 2.52e-9, N: 1.752},
	{Name: "dstd", IS: 1e-14, N: 1},
	{Name: "dleaky", IS: 2e-12, N: 1.3},
	{Name: "dideal", IS: 1e-13, N: 1.9},
}

// Random draws from rng a circuit that has exactly one equilibrium, which
// every solver must find, and that compiles. Its values are rounded to two
// or three significant digits, as component values are.
//
// A stage is a resistive tree of 3 to 7 nodes rooted at ground (10 Ω to
// 1 MΩ) with extra resistors, grounded and floating voltage sources
// (0.05 to 2 V), current sources (0.1 to 50 µA), diodes between random
// nodes, one forward-biased diode fed from a 1 to 3 V source and one
// reverse-biased by a few thermal voltages, and capacitors (0.1 pF to
// 1 nF): on its own a reciprocal, strictly convex network. With
// Controlled, every later stage adds VCVS (gain 0.1 to 5) and CCCS
// (gain 0.1 to 3) whose controls (nodes, or the current of a voltage
// source) lie in earlier stages only, so each stage's equilibrium follows
// uniquely from those before it. No loop of voltage-defining branches is
// ever closed, and no diode lies across one.
//
// The block network (Blocks) is a differential input "in" of 2 to 4
// features into group "x", crossbar "W1" (trainable, 1 µS to 1 mS, a
// tenth of the cells open) to group "h" of 3 to 6 nodes with rectifier
// "rect" to rails "bias+" and "bias-" (±0.1 to 0.5 V, sources "Vhi" and
// "Vlo"), with Controlled amplifier "amp" (gain 1 to 8) to group "a", and
// crossbar "W2" to 1 to 3 outputs "y", each loaded to ground by
// "load_y[k]" (10 µS to 1 mS).
//
// The same draws of rng give the same circuit.
func Random(rng *rand.Rand, o RandomOptions) *circuit.Circuit {
	g := &generator{rng: rng, o: o, c: &circuit.Circuit{}, parent: map[string]string{}}
	if o.Blocks {
		g.blocks()
	}
	for s := range o.Stages {
		g.stage(s)
	}
	return g.c
}

// generator draws a Random circuit.
type generator struct {
	rng    *rand.Rand
	o      RandomOptions
	c      *circuit.Circuit
	stages [][]string        // nodes per stage
	parent map[string]string // union-find over voltage-defining branches
	nel    int
	vsrc   [][]string // per stage: voltage sources that may control a CCCS
	vcvs   [][]string // per stage: VCVS that may control a CCCS
}

// nodeName names node k of stage s.
func (g *generator) nodeName(s, k int) string {
	switch g.o.Names {
	case BracketNames:
		return fmt.Sprintf("s%d[%d]", s, k)
	case DigitNames:
		return fmt.Sprintf("%dn%d", s, k)
	case CaseNames:
		if k%2 == 1 {
			return fmt.Sprintf("Node%d_%d", s, k)
		}
		return fmt.Sprintf("node%d_%d", s, k)
	}
	return fmt.Sprintf("n%d_%d", s, k)
}

func (g *generator) name(prefix string) string {
	g.nel++
	return prefix + strconv.Itoa(g.nel)
}

func (g *generator) find(n string) string {
	if circuit.IsGround(n) {
		n = circuit.Ground
	}
	for {
		p, ok := g.parent[n]
		if !ok || p == n {
			return n
		}
		n = p
	}
}

// vedge joins a and b by a voltage-defining branch if that closes no loop.
func (g *generator) vedge(a, b string) bool {
	ra, rb := g.find(a), g.find(b)
	if ra == rb {
		return false
	}
	g.parent[ra] = rb
	return true
}

// RoundSig rounds v to d significant digits, as component values are.
func RoundSig(v float64, d int) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', d-1, 64), 64)
	return r
}

func (g *generator) uniform(lo, hi float64) float64 { return lo + (hi-lo)*g.rng.Float64() }

// decades draws log-uniformly from [lo, hi], to two digits.
func (g *generator) decades(lo, hi float64) float64 {
	return RoundSig(math.Pow(10, g.uniform(math.Log10(lo), math.Log10(hi))), 2)
}

func (g *generator) sign() float64 {
	if g.rng.IntN(2) == 0 {
		return -1
	}
	return 1
}

func (g *generator) model() circuit.DiodeModel { return RandomModels[g.rng.IntN(len(RandomModels))] }

// pick returns a random node of stage s, or ground (under either name)
// with probability pg.
func (g *generator) pick(s int, pg float64) string {
	if g.rng.Float64() < pg {
		if g.rng.IntN(2) == 0 {
			return circuit.GroundAlias
		}
		return circuit.Ground
	}
	ns := g.stages[s]
	return ns[g.rng.IntN(len(ns))]
}

// pair returns two distinct nodes of stage s (ground allowed).
func (g *generator) pair(s int, pg float64) (string, string) {
	for {
		a, b := g.pick(s, pg), g.pick(s, pg)
		if a != b && !(circuit.IsGround(a) && circuit.IsGround(b)) {
			return a, b
		}
	}
}

// earlier returns a random node of a stage before s, or ground.
func (g *generator) earlier(s int) string {
	if g.rng.IntN(5) == 0 {
		return circuit.Ground
	}
	return g.pick(g.rng.IntN(s), 0)
}

func (g *generator) resistor(a, b string, r float64) {
	g.c.Add(&circuit.Resistor{Name: g.name("R"), Nodes: [2]string{a, b}, G: 1 / r})
}

// stage draws stage s.
func (g *generator) stage(s int) {
	n := 3 + g.rng.IntN(5)
	ns := make([]string, n)
	for k := range ns {
		ns[k] = g.nodeName(s, k)
	}
	g.stages = append(g.stages, ns)
	g.vsrc = append(g.vsrc, nil)
	g.vcvs = append(g.vcvs, nil)

	// A resistive tree rooted at ground gives every node a DC path.
	for k, nd := range ns {
		p := circuit.Ground
		if j := g.rng.IntN(k + 1); j < k {
			p = ns[j]
		}
		g.resistor(nd, p, g.decades(10, 1e6))
	}
	for range n / 2 {
		a, b := g.pair(s, 0.2)
		g.resistor(a, b, g.decades(10, 1e6))
	}
	g.sources(s)
	if s > 0 && g.o.Controlled {
		g.controlled(s)
	}
	// Diodes anywhere, but never straight across voltage sources (where
	// nothing would limit their current), then one surely forward biased
	// and one reverse biased by a few thermal voltages, where SPICE3's
	// reverse-bias formula departs from Shockley's.
	for range 1 + g.rng.IntN(3) {
		a, b := g.pair(s, 0.3)
		if g.find(a) == g.find(b) {
			continue
		}
		g.c.Add(&circuit.Diode{Name: g.name("D"), Nodes: [2]string{a, b}, Model: g.model()})
	}
	src, fw := ns[0]+"_src", ns[0]+"_fw"
	g.vedge(src, circuit.Ground)
	g.c.Add(&circuit.VSource{Name: g.name("V"), Nodes: [2]string{src, circuit.Ground}, V: RoundSig(g.uniform(1, 3), 3)})
	g.resistor(src, fw, g.decades(1e3, 1e5))
	g.resistor(fw, g.pick(s, 0), g.decades(1e3, 1e5))
	g.c.Add(&circuit.Diode{Name: g.name("D"), Nodes: [2]string{fw, circuit.Ground}, Model: g.model()})
	rv := ns[0] + "_rv"
	g.c.Add(&circuit.ISource{Name: g.name("I"), Nodes: [2]string{circuit.Ground, rv}, I: g.decades(1e-7, 1e-6)})
	g.resistor(rv, circuit.Ground, g.decades(1e5, 2e5))
	g.c.Add(&circuit.Diode{Name: g.name("D"), Nodes: [2]string{circuit.Ground, rv}, Model: g.model()})
	for range g.rng.IntN(3) {
		a, b := g.pair(s, 0.3)
		g.c.Add(&circuit.Capacitor{Name: g.name("C"), Nodes: [2]string{a, b}, C: g.decades(1e-13, 1e-9)})
	}
}

// sources adds to stage s grounded and floating voltage sources and
// current sources.
func (g *generator) sources(s int) {
	for range 1 + g.rng.IntN(2) {
		a := g.pick(s, 0)
		if g.vedge(a, circuit.Ground) {
			name := g.name("V")
			g.c.Add(&circuit.VSource{Name: name, Nodes: [2]string{a, circuit.Ground}, V: g.sign() * RoundSig(g.uniform(0.1, 2), 3)})
			g.vsrc[s] = append(g.vsrc[s], name)
		}
	}
	for range g.rng.IntN(3) {
		a, b := g.pair(s, 0)
		if g.vedge(a, b) {
			name := g.name("V")
			g.c.Add(&circuit.VSource{Name: name, Nodes: [2]string{a, b}, V: g.sign() * RoundSig(g.uniform(0.05, 1.5), 3)})
			g.vsrc[s] = append(g.vsrc[s], name)
		}
	}
	for range g.rng.IntN(3) {
		a, b := g.pair(s, 0.3)
		g.c.Add(&circuit.ISource{Name: g.name("I"), Nodes: [2]string{a, b}, I: g.sign() * g.decades(1e-7, 5e-5)})
	}
}

// controlled adds to stage s controlled sources driven by earlier stages.
func (g *generator) controlled(s int) {
	for range 1 + g.rng.IntN(2) {
		p := g.pick(s, 0)
		m := circuit.Ground
		if g.rng.IntN(3) == 0 {
			m = g.pick(s, 0)
		}
		if p == m || !g.vedge(p, m) {
			continue
		}
		cp, cn := g.earlier(s), g.earlier(s)
		name := g.name("E")
		g.c.Add(&circuit.VCVS{Name: name, Nodes: [2]string{p, m}, Control: [2]string{cp, cn}, Gain: g.sign() * RoundSig(g.uniform(0.1, 5), 2)})
		g.vcvs[s] = append(g.vcvs[s], name)
	}
	for range 1 + g.rng.IntN(2) {
		var ctl []string
		for e := range s {
			ctl = append(ctl, g.vsrc[e]...)
			if g.o.SenseVCVS {
				ctl = append(ctl, g.vcvs[e]...)
			}
		}
		if len(ctl) == 0 {
			break
		}
		a, b := g.pair(s, 0.3)
		g.c.Add(&circuit.CCCS{Name: g.name("F"), Nodes: [2]string{a, b}, Control: ctl[g.rng.IntN(len(ctl))], Gain: g.sign() * RoundSig(g.uniform(0.1, 3), 2)})
	}
}

// blocks draws the block network.
func (g *generator) blocks() {
	nf, nh, no := 2+g.rng.IntN(3), 3+g.rng.IntN(4), 1+g.rng.IntN(3)
	c := g.c
	x, h, a, y := circuit.Group{Name: "x", Size: 2 * nf}, circuit.Group{Name: "h", Size: nh}, circuit.Group{Name: "a", Size: nh}, circuit.Group{Name: "y", Size: no}
	c.Groups = append(c.Groups, x, h)
	vals := make([]float64, nf)
	for i := range vals {
		vals[i] = g.rng.Float64()
	}
	c.Add(&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: RoundSig(g.uniform(0.5, 2), 2), Values: vals})
	dense := func(r, k int) *mat.Dense {
		m := mat.NewDense(r, k, nil)
		for i := range r {
			for j := range k {
				if g.rng.IntN(10) > 0 {
					m.Set(i, j, g.decades(1e-6, 1e-3))
				}
			}
		}
		return m
	}
	nl := g.o.Nonideal
	c.Add(&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: dense(2*nf, nh), Trainable: true, WireR: nl.WireR})
	hi := RoundSig(g.uniform(0.1, 0.5), 2)
	c.Add(&circuit.VSource{Name: "Vhi", Nodes: [2]string{"bias+", "0"}, V: hi})
	c.Add(&circuit.VSource{Name: "Vlo", Nodes: [2]string{"bias-", "0"}, V: -hi})
	rect := &circuit.Rectifier{Name: "rect", Nodes: h.Nodes(), Model: g.model(), High: "bias+", Low: "bias-"}
	rect.Vary(nl.Diodes)
	c.Add(rect)
	from := h
	if g.o.Controlled {
		c.Groups = append(c.Groups, a)
		amp := &circuit.Amplifier{Name: "amp", From: h.Nodes(), To: a.Nodes(), Gain: RoundSig(g.uniform(1, 8), 2)}
		amp.Vary(nl.Amplifiers)
		c.Add(amp)
		from = a
	}
	c.Groups = append(c.Groups, y)
	c.Add(&circuit.Crossbar{Name: "W2", From: from.Nodes(), To: y.Nodes(), G: dense(from.Size, no), Trainable: true, WireR: nl.WireR})
	for _, n := range y.Nodes() {
		// Every output has a load, so no output floats on zero conductances.
		c.Add(&circuit.Resistor{Name: "load_" + n, Nodes: [2]string{n, "0"}, G: g.decades(1e-5, 1e-3)})
	}
}
