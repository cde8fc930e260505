package spice_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/spice"
)

// Agreement with ngspice: random well-posed circuits solved by eqsim and by
// ngspice on the exported deck. Tolerance, per node: agreeAbs + agreeRel*|V|.
const (
	agreeAbs     = 1e-6 // V
	agreeRel     = 1e-6
	agreeCircuit = 60 // random circuits
)

// needNgspice skips the test when ngspice is not installed, except on CI
// (CI=true), which installs it: there a missing ngspice is a failure.
func needNgspice(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ngspice"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but ngspice is not installed: %v", err)
		}
		t.Skip("ngspice not installed (apt-get install ngspice)")
	}
}

// randomCircuit returns random circuit number seed, drawn by
// circuittest.Random in every style of node names. Every fifth one is a
// network of block elements; the others are element cards only, in 1 to
// 3 stages with controlled sources, a third of them at a temperature of
// their own. The even ones (cards) can be written as a netlist; the odd
// ones may have a CCCS sense a VCVS and, half of them, two nodes whose
// names differ only in case.
func randomCircuit(seed uint64) (c *circuit.Circuit, cards bool) {
	rng := rand.New(rand.NewPCG(seed, 0xe95))
	o := circuittest.RandomOptions{Controlled: true, Names: circuittest.NameStyle(seed % 4)}
	if seed%5 == 4 {
		o.Blocks = true
		c = circuittest.Random(rng, o)
		c.Title = fmt.Sprintf("random circuit %d", seed)
		return c, false
	}
	cards = seed%2 == 0
	o.SenseVCVS = !cards
	var temp float64
	if rng.IntN(3) == 0 {
		temp = circuittest.RoundSig(250+150*rng.Float64(), 4)
	}
	o.Stages = 1 + rng.IntN(3)
	c = circuittest.Random(rng, o)
	c.Title, c.Temp = fmt.Sprintf("random circuit %d", seed), temp
	if !cards && rng.IntN(2) == 0 {
		// Names equal but for case: two nodes to eqsim, one to a careless
		// exporter.
		c.Add(&circuit.VSource{Name: "Vq", Nodes: [2]string{"q", circuit.Ground}, V: 0.25},
			&circuit.Resistor{Name: "Rq1", Nodes: [2]string{"q", "Q"}, G: 1e-3},
			&circuit.Resistor{Name: "Rq2", Nodes: [2]string{"Q", circuit.Ground}, G: 1 / 3e3})
	}
	return c, cards
}

// ngspiceX assembles eqsim's unknowns from ngspice's operating point.
func ngspiceX(t *testing.T, sys *mna.System, op *spice.OperatingPoint) []float64 {
	t.Helper()
	x := make([]float64, sys.Size())
	for k := range x {
		name := sys.UnknownName(k)
		var ok bool
		if k < sys.NumFree() {
			x[k], ok = op.Nodes[name]
		} else {
			x[k], ok = op.Branches[name]
		}
		if !ok {
			t.Fatalf("ngspice gave no value for unknown %q", name)
		}
	}
	return x
}

// ngspiceCorrection is eqsim's equations at ngspice's operating point.
type ngspiceCorrection struct {
	sys *mna.System
	x   []float64 // eqsim's unknowns from ngspice's values
	// dx is the Newton correction from x that eqsim's equations give: to
	// first order the distance from x to eqsim's equilibrium.
	dx   []float64
	amps float64 // largest KCL residual, A
	node string  // where
}

// newtonCorrection evaluates eqsim's compiled equations for c at ngspice's
// operating point op and the Newton correction they give there.
func newtonCorrection(t *testing.T, c *circuit.Circuit, op *spice.OperatingPoint) *ngspiceCorrection {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	k := &ngspiceCorrection{sys: sys, x: ngspiceX(t, sys, op)}
	n := sys.Size()
	f := make([]float64, n)
	jac := mat.NewDense(n, n, nil)
	sys.Eval(f, jac, k.x, nil)
	k.amps, k.node = sys.ResidualNorm(f)
	var lu mat.LU
	lu.Factorize(jac)
	// Not the determinant: that of a well-conditioned Jacobian of a
	// hundred nodes with microsiemens conductances underflows to zero.
	if c := lu.Cond(); !(c < 1e12) {
		t.Fatalf("Jacobian at ngspice's point has condition number %g", c)
	}
	var dx mat.VecDense
	if err := lu.SolveVecTo(&dx, false, mat.NewVecDense(n, f)); err != nil {
		t.Fatalf("Jacobian at ngspice's point: %v", err)
	}
	k.dx = dx.RawVector().Data
	return k
}

// checkNgspiceKCL checks ngspice's operating point against the circuit's
// current balance as circuittest.CheckKCL recomputes it from the elements'
// parts, independently of eqsim's compiled equations: at every node whose
// currents ngspice reports, within 1e-13 A plus 1e-9 of the currents that
// meet there. ngspice's voltages hold to its reltol of 1e-9, so a node
// at tens of volts behind a megohm may be off by some 1e-14 A (measured:
// at most 3.1e-14 A over the circuits of TestNgspiceSatisfiesKCL). It
// returns the number of nodes checked.
func checkNgspiceKCL(t *testing.T, what string, c *circuit.Circuit, op *spice.OperatingPoint) int {
	t.Helper()
	n, err := circuittest.CheckKCL(c, circuittest.Solution{Nodes: op.Nodes, Branches: op.Branches}, 1e-13, 1e-9)
	if err != nil {
		t.Errorf("%s: ngspice's operating point: %v", what, err)
	}
	return n
}

// TestNgspiceSatisfiesKCL checks the exported decks without eqsim's
// solver. At ngspice's operating point, eqsim's residual must give a
// Newton correction far below 1e-6 V: then the deck is the same circuit
// and ngspice solved it accurately. And ngspice's point must balance the
// currents that circuittest.CheckKCL computes from the elements' parts,
// which shares no code with eqsim's equations. Circuits agreeCircuit and
// on are the circuits with nonidealities of TestAgreeNgspiceNonideal
// (wired crossbars, whose internal nodes ngspice solves too, varied diodes
// and amplifiers, temperature scaling).
func TestNgspiceSatisfiesKCL(t *testing.T) {
	needNgspice(t)
	var worst float64
	nodes := 0
	for seed := range uint64(agreeCircuit + 40) {
		c, _ := randomCircuit(seed)
		if seed >= agreeCircuit {
			// The circuits with nonidealities of TestAgreeNgspiceNonideal.
			c = nonidealCircuit(seed - agreeCircuit)
		}
		op, err := spice.RunOP(context.Background(), c)
		if err != nil {
			t.Fatalf("circuit %d: %v", seed, err)
		}
		k := newtonCorrection(t, c, op)
		for i := range k.sys.NumFree() {
			d := math.Abs(k.dx[i])
			worst = math.Max(worst, d)
			if d > 1e-9 {
				t.Errorf("circuit %d: node %q: ngspice's %.15g V is %.3g V from the solution of eqsim's equations (KCL residual %.3g A at %q)",
					seed, k.sys.UnknownName(i), k.x[i], d, k.amps, k.node)
			}
		}
		n := checkNgspiceKCL(t, fmt.Sprint("circuit ", seed), c, op)
		if n < k.sys.NumFree() {
			t.Errorf("circuit %d: KCL checked at %d nodes, fewer than eqsim's %d free ones", seed, n, k.sys.NumFree())
		}
		nodes += n
	}
	t.Logf("largest Newton correction at ngspice's points: %.3g V; KCL holds at %d nodes", worst, nodes)
}

// cardsTOML renders a circuit of element cards as a v1 netlist, writing
// values with SPICE suffixes where one fits.
func cardsTOML(c *circuit.Circuit, rng *rand.Rand) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title = %q\n", c.Title)
	if c.Temp != 0 {
		fmt.Fprintf(&b, "[options]\ntemp = %s\n", spice.Num(c.Temp))
	}
	models := map[string]circuit.DiodeModel{}
	for _, e := range c.Elements {
		for p := range e.Parts() {
			if p.Type == 'D' {
				models[p.Model.Name] = p.Model
			}
		}
	}
	for _, m := range circuittest.RandomModels {
		if _, ok := models[m.Name]; ok {
			fmt.Fprintf(&b, "[models.%s]\ntype = \"diode\"\nis = %s\nn = %s\n", m.Name, suffixedValue(m.IS, rng), spice.Num(m.N))
		}
	}
	for _, e := range c.Elements {
		fields, err := e.Fields()
		if err != nil {
			panic(fmt.Sprintf("cardsTOML: %s: %v", e.Label(), err))
		}
		fmt.Fprintf(&b, "[[%s]]\nname = %q\n", e.Kind().Name, e.Label())
		for _, f := range fields {
			switch v := f.Value.(type) {
			case [2]string:
				fmt.Fprintf(&b, "%s = [%q, %q]\n", f.Key, v[0], v[1])
			case string:
				fmt.Fprintf(&b, "%s = %q\n", f.Key, v)
			case circuit.DiodeModel:
				fmt.Fprintf(&b, "%s = %q\n", f.Key, v.Name)
			case float64:
				if f.Key == "g" && rng.IntN(4) > 0 {
					// A resistor's conductance as its resistance.
					fmt.Fprintf(&b, "r = %s\n", suffixedValue(1/v, rng))
				} else {
					fmt.Fprintf(&b, "%s = %s\n", f.Key, suffixedValue(v, rng))
				}
			default:
				panic(fmt.Sprintf("cardsTOML: %s has key %s of %T", e.Label(), f.Key, v))
			}
		}
	}
	return b.String()
}

// suffixedValue writes v as a TOML number or, half of the time, as a string
// with the SPICE suffix that gives it a mantissa in [1, 1000).
func suffixedValue(v float64, rng *rand.Rand) string {
	if v == 0 || rng.IntN(2) == 0 {
		return spice.Num(v)
	}
	suffixes := []struct {
		s string
		e int
	}{{"f", -15}, {"p", -12}, {"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"meg", 6}, {"g", 9}, {"t", 12}}
	e := int(math.Floor(math.Log10(math.Abs(v))/3)) * 3
	for _, s := range suffixes {
		if s.e == e {
			m := circuittest.RoundSig(v/math.Pow(10, float64(e)), 15)
			return strconv.Quote(spice.Num(m) + s.s)
		}
	}
	return spice.Num(v)
}

// agreeCircuitFor returns random circuit seed as eqsim sees it: a circuit
// of element cards goes through a TOML netlist with suffixedValue values first.
func agreeCircuitFor(t *testing.T, seed uint64) (c *circuit.Circuit, fromTOML bool) {
	t.Helper()
	c, cards := randomCircuit(seed)
	if !cards {
		return c, false
	}
	src := cardsTOML(c, rand.New(rand.NewPCG(seed, 7)))
	nl, err := netlist.Parse([]byte(src), "")
	if err != nil {
		t.Fatalf("circuit %d: %v\n%s", seed, err, src)
	}
	if len(nl.Circuit.Elements) != len(c.Elements) {
		t.Fatalf("circuit %d: parsed %d elements, want %d", seed, len(nl.Circuit.Elements), len(c.Elements))
	}
	return nl.Circuit, true
}

// eqsimVoltages returns every node voltage but ground from a solution x.
func eqsimVoltages(sys *mna.System, x []float64) map[string]float64 {
	v := sys.VoltagesTo(nil, x)
	m := make(map[string]float64, len(v)-1)
	for i, n := range sys.Nodes() {
		m[n] = v[i+1]
	}
	return m
}

// compareNodes reports nodes where eqsim and ngspice differ by more than
// agreeAbs + agreeRel*|V| and returns the largest difference in volts.
func compareNodes(t *testing.T, what string, eq, ng map[string]float64) float64 {
	t.Helper()
	var worst float64
	if len(eq) != len(ng) {
		t.Errorf("%s: eqsim has %d nodes, ngspice %d", what, len(eq), len(ng))
	}
	for n, v := range eq {
		w, ok := ng[n]
		if !ok {
			t.Errorf("%s: node %q missing from ngspice's answer", what, n)
			continue
		}
		d := math.Abs(v - w)
		worst = math.Max(worst, d)
		if !(d <= agreeAbs+agreeRel*math.Abs(w)) {
			t.Errorf("%s: node %q: eqsim %.12g V, ngspice %.12g V, differ by %.3g V", what, n, v, w, d)
		}
	}
	return worst
}

// newtonAgrees solves c with eqsim's Newton and compares every node with
// ngspice's voltages ng as compareNodes does; it returns the largest
// difference in volts.
func newtonAgrees(t *testing.T, what string, c *circuit.Circuit, ng map[string]float64) float64 {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	r, err := solver.Newton(sys, nil, nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return compareNodes(t, what, eqsimVoltages(sys, r.X), ng)
}

// TestAgreeNgspice solves random well-posed circuits with eqsim's Newton
// and transient solvers and with ngspice, and compares every node.
func TestAgreeNgspice(t *testing.T) {
	needNgspice(t)
	methods := []struct {
		name  string
		solve func(*mna.System) (solver.Result, error)
	}{
		{"newton", func(s *mna.System) (solver.Result, error) { return solver.Newton(s, nil, nil) }},
		{"transient", func(s *mna.System) (solver.Result, error) { return solver.Transient(s, nil, nil) }},
	}
	worst := map[string]float64{}
	worstAt := map[string]uint64{}
	cover := map[string]int{}
	for seed := range uint64(agreeCircuit) {
		c, fromTOML := agreeCircuitFor(t, seed)
		ng, err := spice.RunNgspice(context.Background(), c)
		if err != nil {
			t.Fatalf("circuit %d: %v", seed, err)
		}
		agreeCoverage(cover, c, ng)
		if fromTOML {
			cover["toml"]++
		}
		for _, m := range methods {
			sys, err := mna.Compile(c)
			if err != nil {
				t.Fatalf("circuit %d: %v", seed, err)
			}
			r, err := m.solve(sys)
			if err != nil {
				t.Errorf("circuit %d: %s: %v", seed, m.name, err)
				continue
			}
			d := compareNodes(t, fmt.Sprintf("circuit %d, %s", seed, m.name), eqsimVoltages(sys, r.X), ng)
			if d >= worst[m.name] {
				worst[m.name], worstAt[m.name] = d, seed
			}
		}
	}
	for _, m := range methods {
		t.Logf("%s: largest difference from ngspice %.3g V (circuit %d)", m.name, worst[m.name], worstAt[m.name])
	}
	// The circuits must exercise what they claim to.
	t.Logf("coverage: %v", cover)
	for _, k := range []string{"resistor", "diode forward", "diode reverse", "diode deep reverse",
		"vsource floating", "vsource grounded", "isource", "vcvs", "vcvs floating", "cccs",
		"cccs by floating vsource", "cccs by vcvs", "capacitor", "crossbar", "rectifier", "amplifier",
		"input", "temperature", "renamed node", "toml"} {
		if cover[k] < 3 {
			t.Errorf("only %d circuits have a %s", cover[k], k)
		}
	}
}

// agreeCoverage counts the circuits that have each kind of element or bias.
func agreeCoverage(cover map[string]int, c *circuit.Circuit, v map[string]float64) {
	has := map[string]bool{}
	volt := func(n string) float64 {
		if circuit.IsGround(n) {
			return 0
		}
		return v[n]
	}
	kinds := map[string]string{}
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Resistor:
			has["resistor"] = true
		case *circuit.Diode:
			vd := volt(e.Nodes[0]) - volt(e.Nodes[1])
			nvt := e.Model.N * circuit.ThermalVoltage(c.Temperature())
			switch {
			case vd > 0.3:
				has["diode forward"] = true
			case vd < -10*nvt:
				has["diode deep reverse"] = true
			case vd < -3*nvt:
				has["diode reverse"] = true
			}
		case *circuit.VSource:
			kinds[e.Name] = "vsource"
			if circuit.IsGround(e.Nodes[0]) || circuit.IsGround(e.Nodes[1]) {
				has["vsource grounded"] = true
			} else {
				kinds[e.Name] = "floating vsource"
				has["vsource floating"] = true
			}
		case *circuit.ISource:
			has["isource"] = true
		case *circuit.VCVS:
			kinds[e.Name] = "vcvs"
			has["vcvs"] = true
			if !circuit.IsGround(e.Nodes[1]) {
				has["vcvs floating"] = true
			}
		case *circuit.CCCS:
			has["cccs"] = true
		case *circuit.Capacitor:
			has["capacitor"] = true
		case *circuit.Crossbar:
			has["crossbar"] = true
		case *circuit.Rectifier:
			has["rectifier"] = true
		case *circuit.Amplifier:
			has["amplifier"] = true
		case *circuit.Input:
			has["input"] = true
		}
	}
	for _, e := range c.Elements {
		if f, ok := e.(*circuit.CCCS); ok {
			has["cccs by "+kinds[f.Control]] = true
		}
	}
	if c.Temp != 0 && c.Temp != circuit.DefaultTemp {
		has["temperature"] = true
	}
	d, err := spice.NamesOf(c)
	if err == nil {
		for _, n := range d.NodeList {
			if d.Nodes[n] != n {
				has["renamed node"] = true
			}
		}
	}
	for k := range has {
		cover[k]++
	}
}

// nonidealCircuit returns random circuit number seed with circuit
// nonidealities: a block network (circuittest.Random) with, each drawn at
// random, wire resistance on its crossbars, per-diode variation of its
// rectifier, gain errors and offsets on its amplifier, and a temperature
// other than the nominal one at which its diode parameters hold; every
// fourth circuit is instead a circuit of element cards at 350 K with
// parameters measured at 300.15 K.
func nonidealCircuit(seed uint64) *circuit.Circuit {
	rng := rand.New(rand.NewPCG(seed, 0x6e6f6e6964)) // "nonid"
	if seed%4 == 3 {
		c, _ := randomCircuit(seed)
		c.Temp, c.TNom = 350, 300.15
		return c
	}
	var nl circuittest.Nonideal
	if rng.IntN(2) > 0 {
		nl.WireR = circuittest.RoundSig(math.Pow(10, 1+2*rng.Float64()), 3)
	}
	if rng.IntN(4) > 0 {
		nl.Diodes = circuit.DiodeVariation{ISSpread: rng.Float64(), NSpread: 0.1 * rng.Float64(), Seed: rng.Uint64N(100)}
	}
	if rng.IntN(4) > 0 {
		nl.Amplifiers = circuit.AmplifierVariation{GainError: 0.2 * rng.Float64(), Offset: 0.05 * rng.Float64(), Seed: rng.Uint64N(100)}
	}
	c := circuittest.Random(rand.New(rand.NewPCG(seed+1000, 0xe95)), circuittest.RandomOptions{
		Blocks: true, Controlled: true, Nonideal: nl, Names: circuittest.NameStyle(seed % 4)})
	switch rng.IntN(3) {
	case 0:
		c.Temp, c.TNom = 350, 300.15
	case 1:
		c.Temp, c.TNom = circuittest.RoundSig(250+150*rng.Float64(), 4), circuittest.RoundSig(250+150*rng.Float64(), 4)
	}
	return c
}

// TestAgreeNgspiceNonideal compares eqsim with ngspice on circuits with
// wire resistance, diode variation, amplifier gain errors and offsets and
// temperature scaling: every node, the internal nodes of wired crossbars
// included, within agreeAbs + agreeRel*|V|. Newton solves every circuit,
// the layered solver those without wire resistance too.
func TestAgreeNgspiceNonideal(t *testing.T) {
	needNgspice(t)
	worst := map[string]float64{}
	cover := map[string]int{}
	for seed := range uint64(40) {
		c := nonidealCircuit(seed)
		ng, err := spice.RunNgspice(context.Background(), c)
		if err != nil {
			t.Fatalf("circuit %d: %v", seed, err)
		}
		for _, e := range c.Elements {
			switch e := e.(type) {
			case *circuit.Crossbar:
				if e.Wired() {
					cover["wire"]++
				}
			case *circuit.Rectifier:
				if e.IS != nil {
					cover["diode variation"]++
				}
			case *circuit.Amplifier:
				if e.Offsets != nil {
					cover["amplifier variation"]++
				}
			case *circuit.Diode:
				if c.TNom != c.Temp {
					cover["diode card at tnom"]++
				}
			}
		}
		if c.TNom != 0 && c.TNom != c.Temp {
			cover["tnom"]++
		}
		sys, err := mna.Compile(c)
		if err != nil {
			t.Fatalf("circuit %d: %v", seed, err)
		}
		solvers := map[string]func() (solver.Result, error){
			"newton": func() (solver.Result, error) { return solver.Newton(sys, nil, nil) },
		}
		if l, err := solver.NewLayered(sys); err == nil {
			solvers["layered"] = func() (solver.Result, error) { return l.Solve(nil) }
			cover["layered"]++
		}
		for name, solve := range solvers {
			r, err := solve()
			if err != nil {
				t.Errorf("circuit %d: %s: %v", seed, name, err)
				continue
			}
			d := compareNodes(t, fmt.Sprintf("circuit %d, %s", seed, name), eqsimVoltages(sys, r.X), ng)
			worst[name] = math.Max(worst[name], d)
		}
	}
	for name, d := range worst {
		t.Logf("%s: largest difference from ngspice %.3g V", name, d)
	}
	t.Logf("coverage: %v", cover)
	for _, k := range []string{"wire", "diode variation", "amplifier variation", "tnom", "diode card at tnom", "layered"} {
		if cover[k] < 5 {
			t.Errorf("only %d circuits have a %s", cover[k], k)
		}
	}
}
