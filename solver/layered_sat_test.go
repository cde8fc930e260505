package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"
)

// realNet makes the parts of a layered network real: its amplifiers
// saturate (some deeply, some hardly), some with gain errors and
// offsets, and its diodes get series resistance and breakdown.
func realNet(c *circuit.Circuit, rng *rand.Rand) {
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.Amplifier:
			e.Swing = math.Pow(10, -2+2.5*rng.Float64())
			if rng.IntN(2) == 0 {
				e.Vary(circuit.AmplifierVariation{GainError: 0.1, Offset: 0.03, Seed: rng.Uint64()})
			}
		case *circuit.Rectifier:
			// Breakdown voltages above the forward knee, as real diodes
			// have: a BV below N*Vt*ln(IBV/IS) puts breakdown's start
			// where the forward current is tiny, and the current jumps
			// there (in ngspice too).
			e.Model.RS = math.Pow(10, 3*rng.Float64())
			e.Model.BV = 1.5 + rng.Float64()
		case *circuit.Diode:
			e.Model.RS = 10
			e.Model.BV = 2
		}
	}
}

// checkChannels checks every amplifier channel's equation at x from the
// element list: V(to) = swing*tanh((gain*V(from) + offset)/swing).
func checkChannels(t *testing.T, sys *mna.System, x []float64, what string) (saturated int) {
	t.Helper()
	v := sys.VoltagesTo(nil, x)
	V := func(n string) float64 {
		i, _ := sys.NodeIndex(n)
		return v[i]
	}
	for _, e := range sys.Circuit().Elements {
		a, ok := e.(*circuit.Amplifier)
		if !ok {
			continue
		}
		for i := range a.From {
			u := (a.ChannelGain(i)*V(a.From[i]) + a.Offset(i)) / a.Swing
			want := a.Swing * math.Tanh(u)
			if d := math.Abs(V(a.To[i]) - want); d > 1e-12 {
				t.Errorf("%s: %s channel %d: V(to) = %.15g, want %.15g", what, a.Name, i, V(a.To[i]), want)
			}
			if math.Abs(u) > 1 {
				saturated++
			}
		}
	}
	return saturated
}

// TestLayeredSaturating compares the layered solver's nonlinear fold
// with Newton on random layered networks whose amplifiers saturate and
// whose diodes have series resistance and breakdown: node voltages within
// 1e-9 V, branch currents within 1e-12 A + 1e-6 relative, KCL from Eval,
// every channel's equation; after new inputs (warm start) and new
// weights too.
func TestLayeredSaturating(t *testing.T) {
	saturated := 0
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 0x736174)) // "sat"
		c := layeredNet(rng, 1+int(seed%4), true, seed%5 == 0, circuittest.Nonideal{})
		realNet(c, rng)
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		check := func(x0 []float64, what string) Result {
			res, err := l.Solve(x0)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			ref, err := Newton(sys, nil, nil)
			if err != nil {
				t.Fatalf("%s: Newton: %v", what, err)
			}
			nf := sys.NumFree()
			if d, i := maxDiff(res.X, ref.X, 0, nf); d > 1e-9 {
				t.Errorf("%s: V(%s) = %.12g, Newton %.12g", what, sys.UnknownName(i), res.X[i], ref.X[i])
			}
			for k := nf; k < sys.Size(); k++ {
				if d := math.Abs(res.X[k] - ref.X[k]); d > 1e-12+1e-6*math.Abs(ref.X[k]) {
					t.Errorf("%s: branch current %s = %g, Newton %g", what, sys.UnknownName(k), res.X[k], ref.X[k])
				}
			}
			f := make([]float64, sys.Size())
			sys.Eval(f, nil, res.X, nil)
			if r, node := sys.ResidualNorm(f); r > 1e-12 || math.Abs(r-res.Residual) > 1e-12*r+1e-17 {
				t.Errorf("%s: residual %g A at %s, reported %g A", what, r, node, res.Residual)
			}
			saturated += checkChannels(t, sys, res.X, what)
			return res
		}
		what := fmt.Sprintf("seed %d", seed)
		res := check(nil, what)
		in := c.Element("in").(*circuit.Input)
		for i := range in.Values {
			in.Values[i] = rng.Float64()
		}
		check(res.X, what+" new inputs")
		for _, e := range c.Elements {
			if e, ok := e.(*circuit.Crossbar); ok {
				raw := e.G.RawMatrix()
				for i := range raw.Data {
					raw.Data[i] *= 0.5 + rng.Float64()
				}
			}
		}
		l.Refresh()
		check(res.X, what+" new weights")
	}
	if saturated < 50 {
		t.Errorf("only %d saturated channels", saturated)
	}
	t.Logf("%d saturated channels", saturated)
}

// TestLayeredRejectsRout checks that an amplifier with output resistance
// makes a network not layered, with a message that says why; DC solves it
// with Newton.
func TestLayeredRejectsRout(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := layeredNet(rng, 2, true, false, circuittest.Nonideal{})
	for _, e := range c.Elements {
		if a, ok := e.(*circuit.Amplifier); ok {
			a.Rout = 100
		}
	}
	sys := compile(t, c)
	if _, err := NewLayered(sys); err == nil || !contains(err.Error(), "output resistance") {
		t.Fatalf("NewLayered: %v, want an error about the output resistance", err)
	}
	res, err := NewDC(sys, nil).Solve(nil)
	if err != nil || res.Method != "newton" {
		t.Fatalf("DC: %s, %v", res.Method, err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// mirrorNet is a layered network whose nonlinearity sits behind its
// amplifiers, as in the chip-voltage MNIST example: inputs of 0.5 V into
// excitatory and inhibitory hidden groups (conductances up to w1
// siemens), amplifiers of gain 10 and swing 1.5 V, and on their outputs
// diode pairs (IS = 1 nA) that clamp them to [0, 0.5] V (inhibitory:
// [-0.5, 0] V), whose
// currents the mirrors return into the hidden nodes at a tenth.
func mirrorNet(rng *rand.Rand, features, hidden int, w1 float64) *circuit.Circuit {
	x := circuit.Group{Name: "x", Size: 2 * features}
	h := circuit.Group{Name: "h", Size: hidden}
	a := circuit.Group{Name: "a", Size: hidden}
	hn := circuit.Group{Name: "hn", Size: hidden}
	an := circuit.Group{Name: "an", Size: hidden}
	y := circuit.Group{Name: "y", Size: 3}
	g := func(r, c int, hi float64) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, 1e-7+hi*rng.Float64()*rng.Float64())
			}
		}
		return m
	}
	// Each hidden node leans to the positive or the negative inputs, as
	// trained ones do: some are pulled far beyond their clamps.
	w := mat.NewDense(2*features, 2*hidden, nil)
	for j := range 2 * hidden {
		p := 2*rng.Float64() - 1
		for i := range features {
			w.Set(i, j, 1e-7+w1*rng.Float64()*(1+p)/2)
			w.Set(features+i, j, 1e-7+w1*rng.Float64()*(1-p)/2)
		}
	}
	vals := make([]float64, features)
	for i := range vals {
		vals[i] = rng.Float64()
	}
	d := circuit.DiodeModel{Name: "d", IS: 1e-9, N: 1, BV: 5}
	c := &circuit.Circuit{Groups: []circuit.Group{x, h, hn, a, an, y}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: 0.5, Values: vals},
		&circuit.VSource{Name: "VP", Nodes: [2]string{"vp", "0"}, V: 0.2},
		&circuit.VSource{Name: "VE", Nodes: [2]string{"ve", "0"}, V: 0.3},
		&circuit.VSource{Name: "VN", Nodes: [2]string{"vn", "0"}, V: -0.2},
		&circuit.VSource{Name: "VI", Nodes: [2]string{"vi", "0"}, V: -0.3},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: append(h.Nodes(), hn.Nodes()...), G: w, Trainable: true},
		&circuit.Amplifier{Name: "A", From: h.Nodes(), To: a.Nodes(), Gain: 10, Swing: 1.5},
		&circuit.Amplifier{Name: "AN", From: hn.Nodes(), To: an.Nodes(), Gain: 10, Swing: 1.5},
		&circuit.Rectifier{Name: "D", Nodes: a.Nodes(), Model: d, High: "vp", Low: "ve"},
		&circuit.Rectifier{Name: "DN", Nodes: an.Nodes(), Model: d, High: "vi", Low: "vn"},
		&circuit.Crossbar{Name: "W2", From: append(a.Nodes(), an.Nodes()...), To: y.Nodes(), G: g(2*hidden, 3, 1e-5), Trainable: true},
	)
	return c
}

// TestLayeredMirrorNet solves mirror networks on many inputs: the layered
// solver must converge on every one by itself (junctions behind a
// saturating output once made Newton cycle between a forward-biased
// junction and a limited one) and agree with Newton.
func TestLayeredMirrorNet(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 8 {
		c := mirrorNet(rng, 100, 10, []float64{3e-4, 1e-3}[n%2])
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		in := c.Element("in").(*circuit.Input)
		for k := range 20 {
			for i := range in.Values {
				in.Values[i] = rng.Float64() * float64(rng.IntN(2))
			}
			res, err := l.Solve(nil)
			if err != nil {
				t.Fatalf("network %d, input %d: %v", n, k, err)
			}
			ref, err := Newton(sys, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d, i := maxDiff(res.X, ref.X, 0, sys.NumFree()); d > 1e-9 {
				t.Errorf("network %d, input %d: V(%s) = %.12g, Newton %.12g", n, k, sys.UnknownName(i), res.X[i], ref.X[i])
			}
		}
	}
}
