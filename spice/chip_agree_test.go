package spice_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/spice"
)

// chipTol is the agreement the real parts must reach with ngspice, per
// node: chipTol + chipTol*|V| volts, as the circuits without them reach.
const chipTol = 1e-9

// realModel returns m with a series resistance, a reverse breakdown or
// both, drawn from rng: what the circuits of TestAgreeNgspiceChip put in
// place of the plain models of the random circuits.
func realModel(m circuit.DiodeModel, rng *rand.Rand, name string) circuit.DiodeModel {
	m.Name = name
	switch rng.IntN(3) {
	case 0:
		m.RS = circuittest.RoundSig(math.Pow(10, -1+3*rng.Float64()), 3)
	case 1:
		m.BV = circuittest.RoundSig(1.5+3*rng.Float64(), 3)
	default:
		m.RS = circuittest.RoundSig(math.Pow(10, -1+3*rng.Float64()), 3)
		m.BV = circuittest.RoundSig(1.5+3*rng.Float64(), 3)
	}
	if m.BV != 0 && rng.IntN(2) == 0 {
		m.IBV = circuittest.RoundSig(math.Pow(10, -9+6*rng.Float64()), 2)
	}
	return m
}

// chipCircuit returns random circuit seed of the agreement tests, or
// every third a layered one, with real parts: every diode model replaced
// by a model with series resistance and breakdown (realModel), and
// amplifiers with output swing, output resistance, or both, some with
// gain errors and offsets.
func chipCircuit(seed uint64) *circuit.Circuit {
	c, _ := randomCircuit(seed)
	if seed%3 == 2 {
		c = circuittest.Random(rand.New(rand.NewPCG(seed+2000, 0xe95)), circuittest.RandomOptions{Controlled: true, Blocks: true})
	}
	rng := rand.New(rand.NewPCG(seed, 0x63686970)) // "chip"
	models := map[string]circuit.DiodeModel{}
	real := func(m circuit.DiodeModel) circuit.DiodeModel {
		r, ok := models[m.Name]
		if !ok {
			r = realModel(m, rng, fmt.Sprintf("%s_r%d", m.Name, len(models)))
			models[m.Name] = r
		}
		return r
	}
	if seed%3 != 2 {
		// A diode driven into breakdown through a resistor.
		m := circuittest.RandomModels[rng.IntN(len(circuittest.RandomModels))]
		c.Add(&circuit.VSource{Name: "Vbd", Nodes: [2]string{"bd_src", "0"}, V: circuittest.RoundSig(2+6*rng.Float64(), 3)},
			&circuit.Resistor{Name: "Rbd", Nodes: [2]string{"bd_src", "bd"}, G: 1 / circuittest.RoundSig(math.Pow(10, 2+3*rng.Float64()), 2)},
			&circuit.Diode{Name: "Dbd", Nodes: [2]string{"0", "bd"}, Model: m})
	}
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Diode:
			e.Model = real(e.Model)
		case *circuit.Rectifier:
			e.Model = real(e.Model)
		case *circuit.Amplifier:
			if rng.IntN(3) > 0 {
				e.Swing = circuittest.RoundSig(0.05+1.5*rng.Float64(), 3)
			}
			if rng.IntN(2) == 0 {
				e.Rout = circuittest.RoundSig(math.Pow(10, 1+3*rng.Float64()), 3)
			}
			if rng.IntN(2) == 0 {
				e.Vary(circuit.AmplifierVariation{GainError: 0.2 * rng.Float64(), Offset: 0.05 * rng.Float64(), Seed: rng.Uint64N(100)})
			}
		}
	}
	return c
}

// TestAgreeNgspiceChip solves random circuits whose diodes have series
// resistance and reverse breakdown with eqsim's Newton, transient and
// layered solvers and with ngspice: every node within chipTol. ngspice
// solves each series resistance with an internal node of its own; eqsim
// inside the diode's evaluation. It checks too that eqsim's equations put
// the solution within chipTol of ngspice's point (the Newton correction
// there).
func TestAgreeNgspiceChip(t *testing.T) {
	needNgspice(t)
	worst := map[string]float64{}
	cover := map[string]int{}
	for seed := range uint64(60) {
		c := chipCircuit(seed)
		op, err := spice.RunOP(context.Background(), c)
		if err != nil {
			t.Fatalf("circuit %d: %v", seed, err)
		}
		chipCoverage(cover, c, op.Nodes)
		k := newtonCorrection(t, c, op)
		for i := range k.sys.NumFree() {
			if d := math.Abs(k.dx[i]); d > chipTol*(1+math.Abs(k.x[i])) {
				t.Errorf("circuit %d: node %q: ngspice's %.15g V is %.3g V from the solution of eqsim's equations", seed, k.sys.UnknownName(i), k.x[i], d)
			}
			worst["kcl"] = math.Max(worst["kcl"], math.Abs(k.dx[i]))
		}
		sys, err := mna.Compile(c)
		if err != nil {
			t.Fatalf("circuit %d: %v", seed, err)
		}
		solvers := map[string]func() (solver.Result, error){
			"newton": func() (solver.Result, error) { return solver.Newton(sys, nil, nil) },
		}
		if seed%4 == 0 {
			// Transients are slow: a quarter of the circuits.
			solvers["transient"] = func() (solver.Result, error) { return solver.Transient(sys, nil, nil) }
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
			d := compareChip(t, fmt.Sprintf("circuit %d, %s", seed, name), eqsimVoltages(sys, r.X), op.Nodes)
			worst[name] = math.Max(worst[name], d)
		}
	}
	for name, d := range worst {
		t.Logf("%s: largest difference from ngspice %.3g V", name, d)
	}
	t.Logf("coverage: %v", cover)
	for _, k := range []string{"series resistance", "breakdown", "series resistance forward", "layered", "amplifier saturated", "amplifier rout"} {
		if cover[k] < 4 {
			t.Errorf("only %d circuits have a %s", cover[k], k)
		}
	}
}

// compareChip reports nodes where eqsim and ngspice differ by more than
// chipTol*(1 + |V|) and returns the largest difference in volts.
func compareChip(t *testing.T, what string, eq, ng map[string]float64) float64 {
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
		if !(d <= chipTol*(1+math.Abs(w))) {
			t.Errorf("%s: node %q: eqsim %.15g V, ngspice %.15g V, differ by %.3g V", what, n, v, w, d)
		}
	}
	return worst
}

// chipCoverage counts the circuits with a diode in breakdown, and with a
// series resistance that carries a forward current large enough to
// matter (a drop of more than a thermal voltage).
func chipCoverage(cover map[string]int, c *circuit.Circuit, v map[string]float64) {
	has := map[string]bool{}
	volt := func(n string) float64 {
		if circuit.IsGround(n) {
			return 0
		}
		return v[n]
	}
	diode := func(a, k string, m circuit.DiodeModel) {
		j := m.Junction(c.Temperature(), c.NominalTemperature())
		vd := volt(a) - volt(k)
		i, _ := j.Eval(vd)
		if m.RS > 0 {
			has["series resistance"] = true
			if m.RS*i > circuit.ThermalVoltage(c.Temperature()) {
				has["series resistance forward"] = true
			}
		}
		if x := j.BreakdownVoltage(); x != 0 && vd+m.RS*i < -x {
			has["breakdown"] = true
		}
	}
	for _, e := range c.Elements {
		for p := range e.Parts() {
			if p.Type == 'D' {
				diode(p.Nodes[0], p.Nodes[1], p.Model)
			}
		}
		if a, ok := e.(*circuit.Amplifier); ok {
			if a.Rout != 0 {
				has["amplifier rout"] = true
			}
			for i := range a.From {
				ch := a.ChannelAt(i)
				if u := (ch.Gain*volt(a.From[i]) + ch.Offset) / ch.Swing; ch.Swing != 0 && math.Abs(u) > 1 {
					has["amplifier saturated"] = true
				}
			}
		}
	}
	for k := range has {
		cover[k]++
	}
}
