package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
)

// couplings adds to a layeredNet lateral crossbars (a group to itself,
// some on amplifier outputs), a feedback crossbar from the outputs into
// the last hidden group, and wire resistance on some crossbars.
func couplings(rng *rand.Rand, c *circuit.Circuit, wired bool) (laterals int) {
	var add []circuit.Element
	for _, g := range c.Groups {
		if g.Name == "x" || rng.IntN(3) == 0 {
			continue
		}
		m := mat.NewDense(g.Size, g.Size, nil)
		for i := range g.Size {
			for j := range g.Size {
				m.Set(i, j, 1e-5*rng.Float64())
			}
		}
		add = append(add, &circuit.Crossbar{Name: "L" + g.Name, From: g.Nodes(), To: g.Nodes(), G: m, Trainable: true})
		laterals++
	}
	// Feedback from the outputs into the last hidden group, their
	// neighbour in the chain.
	var last, y circuit.Group
	for _, g := range c.Groups {
		switch {
		case g.Name == "y":
			y = g
		case g.Name[0] == 'h':
			last = g
		}
	}
	if rng.IntN(2) == 0 {
		m := mat.NewDense(y.Size, last.Size, nil)
		for i := range y.Size {
			for j := range last.Size {
				m.Set(i, j, 1e-6*rng.Float64())
			}
		}
		add = append(add, &circuit.Crossbar{Name: "FB", From: y.Nodes(), To: last.Nodes(), G: m, Trainable: true})
	}
	c.Add(add...)
	if wired {
		for _, e := range c.Elements {
			if x, ok := e.(*circuit.Crossbar); ok && rng.IntN(2) == 0 {
				x.WireR = []float64{10, 300, 3000}[rng.IntN(3)]
			}
		}
	}
	return laterals
}

// TestLayeredCouplings compares the layered solver with Newton on random
// layered networks with lateral crossbars (groups coupled to themselves,
// amplifier outputs among them) and crossbars with wire resistance (from
// the inputs and between free groups, reduced onto their periphery), with
// amplifier offsets and gain errors: node voltages, internal nodes of the
// wired crossbars included, within 1e-9 V, branch currents, KCL from the
// element list; then again after new conductances (Refresh).
func TestLayeredCouplings(t *testing.T) {
	lat, wired := 0, 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 77))
		var nl circuittest.Nonideal
		if seed%3 == 0 {
			nl = variation(seed + 1)
		}
		c := layeredNet(rng, 1+int(seed%3), seed%2 == 1, false, nl)
		if seed%3 == 0 {
			c.Temp, c.TNom = 320, circuit.DefaultTemp
		}
		lat += couplings(rng, c, seed%4 != 0)
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		wired += len(l.Layering().Wired)
		what := fmt.Sprintf("seed %d", seed)
		res := checkLayeredAgainstNewton(t, sys, l, nil, what)
		for _, e := range c.Elements {
			if e, ok := e.(*circuit.Crossbar); ok {
				raw := e.G.RawMatrix()
				for i := range raw.Data {
					raw.Data[i] *= 0.5 + rng.Float64()
				}
			}
		}
		l.Refresh()
		checkLayeredAgainstNewton(t, sys, l, res.X, what+" new weights")
	}
	if lat < 20 || wired < 20 {
		t.Errorf("only %d laterals and %d wired crossbars", lat, wired)
	}
}

// TestLayeredWiredSkipInternal checks that with SkipInternal the layered
// solver leaves the internal nodes of a wired crossbar alone and solves
// the periphery as without it, that its Power is System.Power's of the
// full solution, and that InternalTo then gives the full solution.
func TestLayeredWiredSkipInternal(t *testing.T) {
	c := circuittest.KendallNetwork(6, 4, 2, 1)
	c.Element("W1").(*circuit.Crossbar).WireR = 50
	sys := compile(t, c)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	full, err := l.Solve(nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Settings.SkipInternal = true
	x := make([]float64, sys.Size())
	for i := range x {
		x[i] = 7
	}
	if _, err := l.SolveTo(x, nil); err != nil {
		t.Fatal(err)
	}
	internal := l.Layering().Internal
	for u := range sys.NumFree() {
		switch {
		case internal[u] && x[u] != 7:
			t.Fatalf("internal node %s written: %g", sys.UnknownName(u), x[u])
		case !internal[u] && x[u] != full.X[u]:
			t.Fatalf("%s: %g V, without SkipInternal %g V", sys.UnknownName(u), x[u], full.X[u])
		}
	}
	// The power needs no internal voltages: it is what System.Power sums
	// over every wire segment and cell of the full solution.
	if got, want := l.Power(x), sys.Power(full.X); math.Abs(got.Sources-want.Sources) > 1e-10*math.Abs(want.Sources) ||
		math.Abs(got.Controlled-want.Controlled) > 1e-10*math.Abs(want.Total()) {
		t.Errorf("power without internal voltages %+v, System.Power of the full solution %+v", got, want)
	}
	l.InternalTo(x)
	for u := range sys.Size() {
		if x[u] != full.X[u] {
			t.Fatalf("%s after InternalTo: %g, want %g", sys.UnknownName(u), x[u], full.X[u])
		}
	}
}

// TestLayeredTransientLaterals integrates random layered networks with
// lateral crossbars by the layered transient and by the general one: the
// same equilibrium, settling times within 1% and the same energy within
// 0.1%. A network with a wired crossbar is refused with a reason.
func TestLayeredTransientLaterals(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 23))
		c := layeredNet(rng, 1+rng.IntN(2), seed%2 == 1, false, circuittest.Nonideal{})
		if couplings(rng, c, false) == 0 {
			continue
		}
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		dr, err := Transient(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: general: %v", seed, err)
		}
		lr, err := l.Transient(nil, nil)
		if err != nil {
			t.Fatalf("seed %d: layered: %v", seed, err)
		}
		if d, i := maxDiff(lr.X, dr.X, 0, sys.NumFree()); d > 1e-9 {
			t.Errorf("seed %d: V(%s) = %.12g, general %.12g", seed, sys.UnknownName(i), lr.X[i], dr.X[i])
		}
		if math.Abs(lr.SettlingTime-dr.SettlingTime) > 0.01*dr.SettlingTime {
			t.Errorf("seed %d: settled at %g s, general at %g s", seed, lr.SettlingTime, dr.SettlingTime)
		}
		if math.Abs(lr.Energy.Total()-dr.Energy.Total()) > 1e-3*math.Abs(dr.Energy.Total()) {
			t.Errorf("seed %d: energy %g J, general %g J", seed, lr.Energy.Total(), dr.Energy.Total())
		}
	}
	c := circuittest.KendallNetwork(6, 4, 2, 1)
	c.Element("W1").(*circuit.Crossbar).WireR = 50
	l, err := NewLayered(compile(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Transient(nil, nil); err == nil || !strings.Contains(err.Error(), "wire resistance") {
		t.Errorf("layered transient of a wired network: %v, want a refusal", err)
	}
}
