package audit

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
)

// refDissipation computes the power in watts each element of c dissipates
// at node voltages V, from the elements' parts (circuit.Element.Parts),
// not from the compiled devices: an 'R' part g*dv^2, a 'D' part i*dv with
// i the junction's current at the circuit temperature (its series
// resistance included), an amplifier channel's output resistance
// Rout*I^2. The channel's current I is branch(channel) if branch is not
// nil; otherwise it is taken from the node voltages, I = (F(V(from)) -
// V(to))/Rout with F the output stage (circuit.AmplifierChannel.Out), as
// the channel's equation makes it at an equilibrium. Elements without
// dissipating parts are left out. It also returns the sum of the powers'
// magnitudes, a scale for comparing them.
func refDissipation(t *testing.T, c *circuit.Circuit, V func(string) float64, branch func(string) float64) (map[string]float64, float64) {
	t.Helper()
	out := map[string]float64{}
	var scale float64
	add := func(elem string, w float64) {
		out[elem] += w
		scale += math.Abs(w)
	}
	for _, e := range c.Elements {
		if a, ok := e.(*circuit.Amplifier); ok {
			if a.Rout == 0 {
				continue
			}
			for i := range a.From {
				var cur float64
				if branch != nil {
					cur = branch(a.Channel(i))
				} else {
					f, _ := a.ChannelAt(i).Out(V(a.From[i]))
					cur = (f - V(a.To[i])) / a.Rout
				}
				add(a.Name, a.Rout*cur*cur)
			}
			continue
		}
		for p := range e.Parts() {
			if p.Type != 'R' && p.Type != 'D' {
				continue
			}
			dv := V(p.Nodes[0]) - V(p.Nodes[1])
			if p.Type == 'R' {
				add(e.Label(), p.Value*dv*dv)
				continue
			}
			i, _ := p.Model.Junction(c.Temperature(), c.NominalTemperature()).Eval(dv)
			add(e.Label(), i*dv)
		}
	}
	return out, scale
}

// randomReal returns a random circuit drawn from rng, for seed:
// stages of every kind of element, the block network with crossbars (W1
// trainable, with wire resistance for every third seed; R2 trainable),
// diodes with series resistance and breakdown, amplifiers with an output
// resistance.
func randomReal(rng *rand.Rand, seed uint64) *circuit.Circuit {
	c := circuittest.Random(rng, circuittest.RandomOptions{Stages: 2, Controlled: seed%2 == 0, SenseVCVS: seed%2 == 0, Blocks: true})
	circuittest.RealParts(c, rng)
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Crossbar:
			e.Trainable = e.Name != "W2"
			if seed%3 == 0 && e.Name == "W1" {
				e.WireR = 100
			}
		case *circuit.Resistor:
			e.Trainable = e.Name == "R2"
		}
	}
	return c
}

// dissMap returns a probe's dissipation as a map, failing on an element
// listed twice.
func dissMap(t *testing.T, d []Dissipation) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	for _, e := range d {
		if _, ok := m[e.Element]; ok {
			t.Fatalf("element %s listed twice in %v", e.Element, d)
		}
		m[e.Element] = e.Power
	}
	return m
}

// TestMeasureDissipation compares the probe's dissipation, element by
// element, with the parts' (refDissipation) on random circuits at random
// unknowns (no equilibrium: every device's power is checked on its own,
// whatever the others'), and checks that Measure's extremes are those of
// Extremes.
func TestMeasureDissipation(t *testing.T) {
	for seed := range uint64(12) {
		c := randomReal(rand.New(rand.NewPCG(seed, 0x646973)), seed) // "dis"
		s, err := mna.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(seed, 1))
		x := circuittest.RandomUnknowns(rng, s.Size(), s.NumFree())
		v := s.VoltagesTo(nil, x)
		V := func(n string) float64 {
			i, ok := s.NodeIndex(n)
			if !ok {
				t.Fatalf("no node %q", n)
			}
			return v[i]
		}
		want, scale := refDissipation(t, c, V, func(b string) float64 { return x[s.Unknown(b)] })
		p := NewProbe(s)
		ext, diss := p.Measure(x)
		ext = slices.Clone(ext)
		got := dissMap(t, diss)
		if !reflect.DeepEqual(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
			t.Errorf("seed %d: elements %v, want %v", seed, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
		for e, w := range want {
			if math.Abs(got[e]-w) > 1e-13*scale {
				t.Errorf("seed %d: %s dissipates %.15g W, want %.15g W", seed, e, got[e], w)
			}
		}
		if e2 := p.Extremes(x); !reflect.DeepEqual(ext, e2) {
			t.Errorf("seed %d: Measure's extremes %v, Extremes' %v", seed, ext, e2)
		}
	}
}

// TestDissipationConservation checks Tellegen's theorem at equilibria of
// random circuits with every kind of element (diodes with series
// resistance and breakdown, rectifiers, amplifiers with an output
// resistance, VCVS, CCCS, current sources, trainable crossbars, wired or
// not, capacitors): the powers the elements dissipate sum to the power
// the sources and amplifiers deliver (mna.System.Power), and each
// element's is its parts' (refDissipation, the amplifiers' from the node
// voltages alone). The same holds for the report of audit.Circuit.
func TestDissipationConservation(t *testing.T) {
	wired := false
	for seed := range uint64(12) {
		c := randomReal(rand.New(rand.NewPCG(seed, 0x646973)), seed) // "dis"
		s, res, V := solveNewton(t, c)
		want, scale := refDissipation(t, c, V, nil)
		_, diss := NewProbe(s).Measure(res.X)
		got := dissMap(t, diss)
		var sum float64
		for e, w := range want {
			if math.Abs(got[e]-w) > 1e-9*scale {
				t.Errorf("seed %d: %s dissipates %.15g W, want %.15g W", seed, e, got[e], w)
			}
		}
		for _, d := range diss {
			sum += d.Power
		}
		p := s.Power(res.X).Total()
		if math.Abs(sum-p) > 1e-9*scale {
			t.Errorf("seed %d: the elements dissipate %.15g W, the sources deliver %.15g W", seed, sum, p)
		}
		wired = wired || c.Element("W1").(*circuit.Crossbar).Wired()

		r, err := Circuit(c, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		sum = 0
		for _, w := range r.MeanDissipation {
			sum += w
		}
		if math.Abs(sum-r.MeanPower) > 1e-9*scale {
			t.Errorf("seed %d: mean_dissipation sums to %.15g W, mean_power %.15g W", seed, sum, r.MeanPower)
		}
	}
	if !wired {
		t.Error("no circuit with wire resistance")
	}
}

// TestDissipationClosedForm checks the dissipation against closed forms: a
// resistor R across a source of V volts dissipates V^2/R, a diode carrying
// a current I from a current source I*V(I), with V(I) = N*Vt*ln(1 +
// I/IS) + RS*I the voltage Shockley's equation and the series resistance
// give (Gmin's current is 1e-12 of I here); the diode in breakdown as
// well, where ngspice's form gives V(I) = -XBV + N*Vt*ln(I/IS) - RS*I
// for a reverse current I far above IS.
func TestDissipationClosedForm(t *testing.T) {
	const (
		v, r = 1.5, 2.2e3
		i    = 1e-3 // A
		is   = 1e-14
		n    = 1.3
		rs   = 12.0
		bv   = 3.0
		temp = 300.15
	)
	m := circuit.DiodeModel{Name: "dm", IS: is, N: n, RS: rs, BV: bv, IBV: 1e-3}
	c := &circuit.Circuit{Temp: temp}
	c.Add(&circuit.VSource{Name: "V", Nodes: [2]string{"a", "0"}, V: v})
	c.Add(&circuit.Resistor{Name: "R", Nodes: [2]string{"a", "0"}, G: 1 / r})
	c.Add(&circuit.ISource{Name: "I", Nodes: [2]string{"0", "d"}, I: i})
	c.Add(&circuit.Diode{Name: "D", Nodes: [2]string{"d", "0"}, Model: m})
	c.Add(&circuit.ISource{Name: "IB", Nodes: [2]string{"0", "k"}, I: 5 * i})
	c.Add(&circuit.Diode{Name: "DB", Nodes: [2]string{"0", "k"}, Model: m})
	r0, err := Circuit(c, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	nvt := n * circuit.ThermalVoltage(temp)
	// The breakdown current is IS*exp((-XBV - v_j)/(N*Vt)), the reverse
	// voltage XBV + N*Vt*ln(I/IS) + RS*I.
	xbv := circuit.BreakdownVoltage(bv, 1e-3, is, circuit.ThermalVoltage(temp), nvt)
	want := map[string]float64{
		"R":  v * v / r,
		"D":  i * (nvt*math.Log1p(i/is) + rs*i),
		"DB": 5 * i * (xbv + nvt*math.Log(5*i/is) + rs*5*i),
	}
	if len(r0.MeanDissipation) != len(want) {
		t.Errorf("mean_dissipation %v, want the elements of %v", r0.MeanDissipation, want)
	}
	for e, w := range want {
		if got := r0.MeanDissipation[e]; math.Abs(got-w) > 1e-9*w {
			t.Errorf("%s dissipates %.12g W, want %.12g W", e, got, w)
		}
	}
}

// TestNetworkDissipation audits layered networks with every
// nonideality on random samples (wire resistance, diodes with series
// resistance, amplifiers with an output resistance and a swing): the mean
// dissipation sums to the mean power, element by element it is the
// parts' (refDissipation) at the samples solved one by one by dense
// Newton, and it does not depend on the number of workers.
func TestNetworkDissipation(t *testing.T) {
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 0x6e6574)) // "net"
		o := circuittest.RandomLayered(rng, 2, true)
		if seed != 1 {
			o.Nonideal.WireR = 20
		}
		o.Loads = false
		o.Model.RS = 50
		c := circuittest.Layered(rng, o)
		var outs []string
		for _, e := range c.Elements {
			if a, ok := e.(*circuit.Amplifier); ok {
				a.Rout, a.Swing = 300, 0.8
			}
		}
		y, _ := c.Group("y")
		outs = y.Nodes()
		net, err := native.New(c, native.Config{Input: "in", Outputs: outs})
		if err != nil {
			t.Fatal(err)
		}
		set := &eqprop.Set{Name: "random", Features: o.Features, Classes: len(outs), X: make([]float64, 5*o.Features), Labels: make([]int, 5)}
		for i := range set.X {
			set.X[i] = rng.Float64()
		}
		r, err := Network(context.Background(), net, set, 0, 2, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		one, err := Network(context.Background(), net, set, 0, 1, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.MeanDissipation, one.MeanDissipation) {
			t.Errorf("seed %d: 2 workers %v, 1 worker %v", seed, r.MeanDissipation, one.MeanDissipation)
		}
		var sum float64
		for _, w := range r.MeanDissipation {
			sum += w
		}
		if math.Abs(sum-r.MeanPower) > 1e-9*r.MeanPower {
			t.Errorf("seed %d: mean_dissipation sums to %.15g W, mean_power %.15g W", seed, sum, r.MeanPower)
		}

		in := c.Element("in").(*circuit.Input)
		want := map[string]float64{}
		for s := range 5 {
			copy(in.Values, set.Sample(s))
			_, _, V := solveNewton(t, c)
			ref, _ := refDissipation(t, c, V, nil)
			for e, w := range ref {
				want[e] += w / 5
			}
		}
		if !reflect.DeepEqual(slices.Sorted(maps.Keys(r.MeanDissipation)), slices.Sorted(maps.Keys(want))) {
			t.Errorf("seed %d: elements %v, want %v", seed, slices.Sorted(maps.Keys(r.MeanDissipation)), slices.Sorted(maps.Keys(want)))
		}
		for e, w := range want {
			if got := r.MeanDissipation[e]; math.Abs(got-w) > 1e-6*sum {
				t.Errorf("seed %d: %s dissipates %.12g W, reference %.12g W", seed, e, got, w)
			}
		}
	}
}

// TestReportDissipation checks the mean over samples of each element's
// dissipation, and that an element that dissipates nothing in every
// sample is left out while one that does in some is kept.
func TestReportDissipation(t *testing.T) {
	op := func(w1, d, g float64) sampleOP {
		return sampleOP{diss: []Dissipation{{"W1", w1}, {"D", d}, {"eqprop.G[0]", g}}, power: mna.Power{Sources: w1 + d + g}}
	}
	r := report([]sampleOP{op(1e-3, 0, 0), op(3e-3, 2e-6, 0), op(2e-3, 0, 0), op(4e-3, 0, 0)}, Limits{}, "test")
	want := map[string]float64{"W1": 2.5e-3, "D": 0.5e-6}
	if !reflect.DeepEqual(r.MeanDissipation, want) {
		t.Errorf("mean_dissipation %v, want %v", r.MeanDissipation, want)
	}
}

// TestCrossbarPower compares the crossbar's sum by row and column sums
// with the cells summed one by one, on voltages with rows at 0 V.
func TestCrossbarPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := &Probe{}
	for trial := range 100 {
		rows, cols := 1+rng.IntN(8), 1+rng.IntN(8)
		v := make([]float64, rows+cols)
		for i := range v {
			if rng.IntN(3) > 0 {
				v[i] = rng.NormFloat64()
			}
		}
		g := make([]float64, rows*cols)
		for i := range g {
			g[i] = rng.Float64() * 1e-4
		}
		c := testCrossbar(rows, cols, g)
		var want, scale float64
		for i := range rows {
			for j := range cols {
				d := v[i] - v[rows+j]
				want += g[i*cols+j] * d * d
				scale += g[i*cols+j] * (v[i]*v[i] + v[rows+j]*v[rows+j])
			}
		}
		rs, cs := lineSums(c)
		if got := p.crossbarPower(c, rs, cs, v); math.Abs(got-want) > 1e-15*scale {
			t.Fatalf("trial %d: %g W, cell by cell %g W", trial, got, want)
		}
	}
}

// BenchmarkCrossbarPower measures the dissipation of one sample's
// crossbar of the 784-200-10 network's shape from the inputs, 1568 rows
// and 200 columns, with four rows in five at 0 V (MNIST's blank pixels)
// and with none.
func BenchmarkCrossbarPower(b *testing.B) {
	for _, blank := range []float64{0.8, 0} {
		b.Run(fmt.Sprintf("1568x200/blank%g", blank), func(b *testing.B) {
			rows, cols := 1568, 200
			rng := rand.New(rand.NewPCG(1, 2))
			v := make([]float64, rows+cols)
			for i := range v {
				if i >= rows || rng.Float64() >= blank {
					v[i] = rng.NormFloat64()
				}
			}
			g := make([]float64, rows*cols)
			for i := range g {
				g[i] = rng.Float64() * 1e-4
			}
			c := testCrossbar(rows, cols, g)
			p := &Probe{}
			rs, cs := lineSums(c)
			for b.Loop() {
				p.crossbarPower(c, rs, cs, v)
			}
		})
	}
}
