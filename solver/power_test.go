package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
)

// dissipation returns the power in watts that the resistors, crossbars
// (ideal wires), diodes and rectifiers of c dissipate at x, computed from
// the element list with this package's own diode equation.
func dissipation(t *testing.T, c *circuit.Circuit, sys *mna.System, x []float64) float64 {
	t.Helper()
	v := sys.VoltagesTo(nil, x)
	V := func(name string) float64 {
		i, ok := sys.NodeIndex(name)
		if !ok {
			t.Fatalf("no node %q", name)
		}
		return v[i]
	}
	temp := c.Temperature()
	diode := func(m circuit.DiodeModel, a, b string) float64 {
		d := V(a) - V(b)
		return d * circuittest.DiodeCurrent(m, temp, temp, d)
	}
	var p float64
	for _, el := range c.Elements {
		switch el := el.(type) {
		case *circuit.Resistor:
			d := V(el.Nodes[0]) - V(el.Nodes[1])
			p += el.G * d * d
		case *circuit.Diode:
			p += diode(el.Model, el.Nodes[0], el.Nodes[1])
		case *circuit.Rectifier:
			if el.IS != nil || el.N != nil {
				t.Fatal("dissipation: rectifier with per-diode parameters")
			}
			for _, nm := range el.Nodes {
				p += diode(el.Model, nm, el.High) + diode(el.Model, el.Low, nm)
			}
		case *circuit.Crossbar:
			if el.Wired() {
				t.Fatal("dissipation: crossbar with wire resistance")
			}
			for i, a := range el.From {
				for j, b := range el.To {
					d := V(a) - V(b)
					p += el.G.At(i, j) * d * d
				}
			}
		}
	}
	return p
}

// TestPowerConservation checks, at the equilibria of random circuits with
// and without controlled sources and of layered networks with amplifiers,
// that the power the sources deliver (mna.System.Power) is the power
// the resistive elements dissipate (Tellegen's theorem), and that
// amplifiers, VCVS and CCCS count as controlled.
func TestPowerConservation(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 31))
		var c *circuit.Circuit
		switch seed % 3 {
		case 0:
			c = randomCircuit(rng, false)
		case 1:
			c = randomCircuit(rng, true)
		default:
			c = layeredNet(rng, 1+rng.IntN(3), true, seed%2 == 0, circuittest.Nonideal{})
		}
		sys := compile(t, c)
		r, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		p := sys.Power(r.X)
		want := dissipation(t, c, sys, r.X)
		if math.Abs(p.Total()-want) > 1e-9*math.Abs(want)+1e-18 {
			t.Errorf("seed %d: sources %g W + controlled %g W = %g W, dissipated %g W", seed, p.Sources, p.Controlled, p.Total(), want)
		}
		if !sys.HasControlledSources() && p.Controlled != 0 {
			t.Errorf("seed %d: controlled power %g W without controlled sources", seed, p.Controlled)
		}
	}
}

// TestTransientPowerBalance checks the energy of transients of random
// circuits against a conservation law: what the sources deliver until the
// circuit settles is what the conductances dissipated plus what the
// capacitances store, 1/2 x'Cx at the end minus at the start. The
// dissipation is integrated by the trapezoidal rule over the steps of a
// tightly controlled run, so the check holds to some 0.1%.
func TestTransientPowerBalance(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 32))
		c := layeredNet(rng, 1+rng.IntN(2), seed%2 == 1, false, circuittest.Nonideal{})
		sys := compile(t, c)
		caps := sys.Capacitances()
		stored := func(x []float64) float64 {
			v := sys.VoltagesTo(nil, x)
			var e float64
			for _, cp := range caps {
				other := v[cp.Fixed]
				if cp.J >= 0 {
					other = x[cp.J]
				}
				d := x[cp.I] - other
				e += cp.C * d * d / 2
			}
			return e
		}
		var ts, ps []float64
		set := &TransientSettings{TrRelTol: 2e-4, TrAbsTol: 1e-9, Observe: func(tt float64, x []float64) {
			ts = append(ts, tt)
			ps = append(ps, dissipation(t, c, sys, x))
		}}
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		for _, solve := range []struct {
			name string
			f    func() (Result, error)
		}{
			{"dense", func() (Result, error) { return Transient(sys, nil, set) }},
			{"layered", func() (Result, error) { return l.Transient(nil, set) }},
		} {
			ts, ps = ts[:0], ps[:0]
			r, err := solve.f()
			if err != nil {
				t.Fatalf("seed %d: %s: %v", seed, solve.name, err)
			}
			var diss float64
			for k := 1; k < len(ts); k++ {
				end := math.Min(ts[k], r.SettlingTime)
				if end <= ts[k-1] {
					break
				}
				// The last interval is cut at the settling time; the
				// power there is all but constant.
				diss += (end - ts[k-1]) * (ps[k] + ps[k-1]) / 2
			}
			want := diss + stored(r.X) - stored(make([]float64, sys.Size()))
			what := fmt.Sprintf("seed %d: %s", seed, solve.name)
			if e := r.Energy.Total(); math.Abs(e-want) > 1e-3*math.Abs(want) {
				t.Errorf("%s: sources delivered %.6g J, dissipated %.6g J + stored %.6g J = %.6g J", what, e, diss, want-diss, want)
			}
		}
	}
}
