package solver

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// wiredArray returns an m×n crossbar of uniform conductance g with wire
// resistance r between inputs held at 1 V and outputs held at 0 V, as
// sense amplifiers with a virtual ground hold them.
func wiredArray(m, n int, g, r float64) (*circuit.Circuit, *circuit.Crossbar) {
	x := circuit.Group{Name: "x", Size: m}
	y := circuit.Group{Name: "y", Size: n}
	ones := make([]float64, m)
	for i := range ones {
		ones[i] = 1
	}
	G := mat.NewDense(m, n, nil)
	for i := range m {
		for j := range n {
			G.Set(i, j, g)
		}
	}
	w := &circuit.Crossbar{Name: "W", From: x.Nodes(), To: y.Nodes(), G: G, WireR: r}
	c := &circuit.Circuit{Groups: []circuit.Group{x, y}}
	c.Add(&circuit.Input{Name: "in", Nodes: x.Nodes(), Amplitude: 1, Values: ones}, w)
	for j, nm := range y.Nodes() {
		c.Add(&circuit.VSource{Name: fmt.Sprintf("VS%d", j), Nodes: [2]string{nm, "0"}})
	}
	return c, w
}

// TestWireResistanceOneCell checks a 1×1 crossbar with wire resistance
// against its closed form: the cell's conductance G in series with one row
// and one column segment of R ohms.
func TestWireResistanceOneCell(t *testing.T) {
	const g, r = 1e-3, 100.0
	c, _ := wiredArray(1, 1, g, r)
	sys := compile(t, c)
	if n := sys.NumFree(); n != 2 {
		t.Fatalf("%d free nodes, want the 2 internal nodes", n)
	}
	res, err := Newton(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := 1 / (2*r + 1/g)
	for _, tc := range []struct {
		node string
		want float64
	}{{"W.r[0][0]", 1 - i*r}, {"W.c[0][0]", i * r}} {
		if got := voltage(sys, res.X, tc.node); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("V(%s) = %.17g, want %.17g", tc.node, got, tc.want)
		}
	}
}

// TestWireResistanceIRDrop shows the IR drop of a wired array: the
// periphery sees the full 1 V across every cell, the devices less, and the
// less the farther the cell is from the row's driver (larger j) and from
// the column's sense end (smaller i). Ideal wires give the full 1 V.
func TestWireResistanceIRDrop(t *testing.T) {
	const m, n = 4, 5
	for _, r := range []float64{0, 10, 1000} {
		c, w := wiredArray(m, n, 1e-4, r)
		sys := compile(t, c)
		res, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkKCL(t, c, sys, res.X, 1e-18, 1e-9)
		periph, cell := mat.NewDense(m, n, nil), mat.NewDense(m, n, nil)
		sys.CrossbarDropsTo(periph, w.Name, res.X)
		sys.CrossbarCellDropsTo(cell, w.Name, res.X)
		for i := range m {
			for j := range n {
				if p := periph.At(i, j); p != 1 {
					t.Errorf("R = %g: periphery drop (%d, %d) = %.17g V, want 1", r, i, j, p)
				}
				d := cell.At(i, j)
				if r == 0 {
					if d != 1 {
						t.Errorf("ideal wires: cell drop (%d, %d) = %.17g V, want 1", i, j, d)
					}
					continue
				}
				if !(d < 1 && d > 0) {
					t.Errorf("R = %g: cell drop (%d, %d) = %g V, want in (0, 1)", r, i, j, d)
				}
				if j+1 < n && !(cell.At(i, j+1) < d) {
					t.Errorf("R = %g: cell (%d, %d) drop %g V not below that of (%d, %d), %g V", r, i, j+1, cell.At(i, j+1), i, j, d)
				}
				if i+1 < m && !(cell.At(i+1, j) > d) {
					t.Errorf("R = %g: cell (%d, %d) drop %g V not above that of (%d, %d), %g V", r, i+1, j, cell.At(i+1, j), i, j, d)
				}
			}
		}
		if r > 0 {
			t.Logf("R = %g ohm: cell drops from %.4f V (cell (%d, 0)) to %.4f V (cell (0, %d))", r, cell.At(m-1, 0), m-1, cell.At(0, n-1), n-1)
		}
	}
}

// variation is every circuit nonideality but wire resistance: channel
// gain errors and offsets on the amplifiers and per-diode IS and N on the
// rectifiers, drawn from seed. The tests that use it also set a nominal
// temperature below the circuit's.
func variation(seed uint64) circuittest.Nonideal {
	return circuittest.Nonideal{
		Amplifiers: circuit.AmplifierVariation{GainError: 0.1, Offset: 0.02, Seed: seed},
		Diodes:     circuit.DiodeVariation{ISSpread: 0.5, NSpread: 0.05, Seed: seed},
	}
}

// TestLayeredNonideal compares the layered solver with Newton on random
// layered networks with amplifier gain errors and offsets, diode
// variation and temperature scaling, and checks KCL and every amplifier
// channel's equation from the element list.
func TestLayeredNonideal(t *testing.T) {
	offsets := 0
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 31))
		nl := variation(seed + 1)
		c := layeredNet(rng, 1+int(seed%4), true, seed%5 == 0, nl)
		c.Temp, c.TNom = 320, circuit.DefaultTemp
		// Driven nodes carry junctions, loads and sources too, whose
		// voltages the offsets shift.
		for _, e := range c.Elements {
			a, ok := e.(*circuit.Amplifier)
			if !ok || seed%3 == 0 {
				continue
			}
			to := a.To
			r := &circuit.Rectifier{Name: "D" + a.Name, Nodes: to, Model: d14, High: "vhi", Low: "vlo"}
			r.Vary(nl.Diodes)
			c.Add(
				r,
				&circuit.Resistor{Name: "R" + a.Name, Nodes: [2]string{to[0], "b[1]"}, G: 1e-6},
				&circuit.ISource{Name: "I" + a.Name, Nodes: [2]string{"0", to[len(to)-1]}, I: 1e-7},
			)
		}
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, o := range l.Layering().Offset {
			if o != 0 {
				offsets++
			}
		}
		what := fmt.Sprintf("seed %d", seed)
		res := checkLayeredAgainstNewton(t, sys, l, nil, what)

		// New weights: the offsets' currents through the links follow.
		rescaleCrossbars(c, rng)
		l.Refresh()
		checkLayeredAgainstNewton(t, sys, l, res.X, what+" new weights")
	}
	if offsets < 30 {
		t.Errorf("only %d driven nodes with an offset", offsets)
	}
}

// TestAmplifierOffsetShift checks the modelled effect of an offset alone:
// with the gains nominal, an amplifier channel's offset shifts its driven
// node by exactly the offset relative to its driver.
func TestAmplifierOffsetShift(t *testing.T) {
	c := circuittest.KendallNetwork(5, 3, 2, 4)
	a := c.Element("A").(*circuit.Amplifier)
	a.Offsets = []float64{0.01, -0.02, 0.005}
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	res := checkLayeredAgainstNewton(t, sys, l, nil, "offsets")
	for i := range a.From {
		from, to := voltage(sys, res.X, a.From[i]), voltage(sys, res.X, a.To[i])
		if d := to - a.Gain*from - a.Offsets[i]; math.Abs(d) > 1e-15 {
			t.Errorf("channel %d: V(to) - gain*V(from) - offset = %g V", i, d)
		}
	}
	// Offsets cost no allocation, in a solve or a refresh.
	x := append([]float64(nil), res.X...)
	if n := testing.AllocsPerRun(10, func() {
		l.Refresh()
		if _, err := l.SolveTo(x, x); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%g allocations per refresh and solve", n)
	}
}

// TestRectifierVariationClosedForm drives one current into each node of a
// rectifier whose diodes vary and checks every node against the scalar
// equation of its own two diodes, solved by bisection: the nodes differ as
// their diodes do.
func TestRectifierVariationClosedForm(t *testing.T) {
	for _, temps := range [][2]float64{{0, 0}, {350, circuit.DefaultTemp}} {
		h := circuit.Group{Name: "h", Size: 4}
		r := &circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: d14, High: "0", Low: "vlo"}
		r.Vary(circuit.DiodeVariation{ISSpread: 1, NSpread: 0.2, Seed: 3})
		c := &circuit.Circuit{Temp: temps[0], TNom: temps[1], Groups: []circuit.Group{h}}
		c.Add(r, &circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", "0"}, V: -0.3})
		const i = 1e-5
		for k, nm := range h.Nodes() {
			c.Add(&circuit.ISource{Name: fmt.Sprintf("I%d", k), Nodes: [2]string{"0", nm}, I: i})
		}
		sys := compile(t, c)
		res, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		temp, tnom := c.Temperature(), c.NominalTemperature()
		seen := map[float64]bool{}
		for k, nm := range h.Nodes() {
			hi := circuit.DiodeModel{IS: r.IS[2*k], N: r.N[2*k]}
			lo := circuit.DiodeModel{IS: r.IS[2*k+1], N: r.N[2*k+1]}
			want := circuittest.Bisect(func(v float64) float64 {
				return circuittest.DiodeCurrent(hi, temp, tnom, v) - circuittest.DiodeCurrent(lo, temp, tnom, -0.3-v) - i
			}, 0, 2)
			got := voltage(sys, res.X, nm)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("T = %g K: V(%s) = %.15g, want %.15g", temp, nm, got, want)
			}
			seen[math.Round(got*1e4)] = true
		}
		if len(seen) != h.Size {
			t.Errorf("T = %g K: nodes of differing diodes at equal voltages", temp)
		}
	}
}

// TestTemperatureScalesIS checks that a nominal temperature other than the
// circuit's scales the saturation current as SPICE does and nothing else:
// with TNom equal to Temp (or zero) the diode is as before.
func TestTemperatureScalesIS(t *testing.T) {
	solve := func(temp, tnom float64) float64 {
		c := &circuit.Circuit{Temp: temp, TNom: tnom}
		c.Add(
			&circuit.ISource{Name: "I", Nodes: [2]string{"0", "a"}, I: 1e-4},
			&circuit.Diode{Name: "D", Nodes: [2]string{"a", "0"}, Model: d14},
		)
		sys := compile(t, c)
		res, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return voltage(sys, res.X, "a")
	}
	if a, b := solve(350, 0), solve(350, 350); a != b {
		t.Errorf("TNom = Temp gives %.17g V, no TNom %.17g V", b, a)
	}
	const temp, tnom = 350.0, 300.15
	vt := 1.38064852e-23 * temp / 1.6021766208e-19
	is := 1e-14 * math.Exp((temp/tnom-1)*1.11/vt) * math.Pow(temp/tnom, 3)
	if got := d14.SaturationCurrent(temp, tnom); math.Abs(got-is) > 1e-13*is {
		t.Errorf("SaturationCurrent = %g A, want %g A", got, is)
	}
	want := circuittest.Bisect(func(v float64) float64 {
		return circuittest.DiodeCurrent(circuit.DiodeModel{IS: is, N: 1}, temp, temp, v) - 1e-4
	}, 0, 1)
	got := solve(temp, tnom)
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("V = %.15g, want %.15g", got, want)
	}
	// A hot junction drops less at the same current (IS grows faster
	// than Vt).
	if cold := solve(temp, 0); !(got < cold-0.05) {
		t.Errorf("scaled junction drops %g V, unscaled %g V", got, cold)
	}
}

// TestDenseSizeLimit checks that the solvers with a dense Jacobian
// refuse, without allocating it, systems beyond Settings.MaxSize, and that
// with the default Jacobian (AutoJacobian) they solve them with the sparse
// one: every node of the 46×46 wired array (4232 unknowns) keeps KCL
// against a balance recomputed from the element list.
func TestDenseSizeLimit(t *testing.T) {
	c, _ := wiredArray(46, 46, 1e-5, 1)
	big := compile(t, c)
	if big.Size() <= DefaultMaxSize {
		t.Fatalf("size %d, want more than %d", big.Size(), DefaultMaxSize)
	}
	dense := &Settings{Jacobian: DenseJacobian}
	var se *SizeError
	if _, err := Newton(big, nil, dense); !errors.As(err, &se) || se.Size != big.Size() || se.Max != DefaultMaxSize {
		t.Errorf("Newton: %v, want a *SizeError", err)
	}
	if _, err := Transient(big, nil, &TransientSettings{Settings: *dense}); !errors.As(err, &se) {
		t.Errorf("Transient: %v, want a *SizeError", err)
	}
	res, err := Newton(big, nil, nil)
	if err != nil {
		t.Fatalf("Newton with the default Jacobian: %v", err)
	}
	checkKCL(t, c, big, res.X, 1e-15, 1e-9)
	small, _ := wiredArray(2, 2, 1e-5, 1)
	sys := compile(t, small)
	if _, err := Newton(sys, nil, &Settings{MaxSize: 3, Jacobian: DenseJacobian}); !errors.As(err, &se) || se.Max != 3 {
		t.Errorf("Newton with MaxSize 3: %v, want a *SizeError", err)
	}
	if _, err := Newton(sys, nil, &Settings{MaxSize: -1, Jacobian: DenseJacobian}); err != nil {
		t.Errorf("Newton without a bound: %v", err)
	}
}
