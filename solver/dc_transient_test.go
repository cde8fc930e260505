package solver

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// adaptRC returns an RC stage on the layered path: an input at 1 V charges
// node h[0] (1 pF) through a 1x1 crossbar of g siemens, with a second
// crossbar of g from h[0] to node y[0], so that h[0] is coupled to another
// free node; and the crossbar that the test changes.
func adaptRC(g float64) (*circuit.Circuit, *circuit.Crossbar) {
	w := &circuit.Crossbar{Name: "W", From: []string{"x[0]"}, To: []string{"h[0]"}, G: mat.NewDense(1, 1, []float64{g})}
	c := &circuit.Circuit{NodeCapacitance: 1e-12, Groups: []circuit.Group{{Name: "x", Size: 1}, {Name: "h", Size: 1}}}
	c.Add(&circuit.Input{Name: "in", Nodes: []string{"x[0]"}, Amplitude: 1, Values: []float64{1}}, w)
	return c, w
}

// TestTransientAdapt checks that a conductance changed by Adapt during a
// transient acts on the dynamics from the next step on, on the layered
// path (DC.TransientTo) and the dense one (Transient): an RC stage charging
// with tau = C/G has its conductance doubled at the first step after
// t1 = tau, after which it charges with tau/2 from where it stood; the
// voltage at 3 tau must match the closed form within 1e-4 of the swing
// (with tolerances tightened to resolve that).
// Without telling the solver (Adapt returning false) the layered
// integrator goes on with the old conductance and misses it.
func TestTransientAdapt(t *testing.T) {
	const g, cap = 1e-6, 1e-12
	tau := cap / g
	for _, tc := range []struct {
		name    string
		layered bool
		tell    bool
		ok      bool
	}{
		{"layered", true, true, true},
		{"dense", false, true, true},
		{"layered, not told", true, false, false},
	} {
		c, w := adaptRC(g)
		sys := compile(t, c)
		var ta, va float64
		h := sys.Unknown("h[0]")
		set := &TransientSettings{StopTime: 3 * tau, TrRelTol: 1e-5, TrAbsTol: 1e-10, Adapt: func(tt float64, x []float64) bool {
			if ta == 0 && tt >= tau {
				ta, va = tt, x[h]
				w.G.Set(0, 0, 2*g)
				return tc.tell
			}
			return false
		}}
		var res Result
		var err error
		if tc.layered {
			res, err = NewDC(sys, nil).TransientTo(make([]float64, sys.Size()), nil, set)
		} else {
			res, err = Transient(sys, nil, set)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.layered != (res.Method == "layered-transient") {
			t.Errorf("%s: method %s", tc.name, res.Method)
		}
		if ta == 0 {
			t.Fatalf("%s: Adapt never reached t = tau", tc.name)
		}
		if want := 1 - math.Exp(-ta/tau); math.Abs(va-want) > 1e-4 {
			t.Errorf("%s: V(%g s) = %.6f V, want %.6f V", tc.name, ta, va, want)
		}
		want := 1 - (1-va)*math.Exp(-(3*tau-ta)*2/tau)
		got := res.X[h]
		if ok := math.Abs(got-want) <= 1e-4; ok != tc.ok {
			t.Errorf("%s: V(3 tau) = %.6f V, closed form with the change %.6f V", tc.name, got, want)
		}
	}
}

// TestDCTransientChooses checks the choice of DC.TransientTo: the layered
// transient on a layered network, the dense one on a layered network with
// a capacitor between two free nodes (which the layered one refuses), and
// both end at the DC equilibrium, dst aliasing x0.
func TestDCTransientChooses(t *testing.T) {
	c, _ := adaptRC(1e-6)
	c.Groups = append(c.Groups, circuit.Group{Name: "y", Size: 1})
	c.Add(&circuit.Crossbar{Name: "W2", From: []string{"h[0]"}, To: []string{"y[0]"}, G: mat.NewDense(1, 1, []float64{2e-6})},
		&circuit.Resistor{Name: "RL", Nodes: [2]string{"y[0]", circuit.Ground}, G: 1e-6})
	for _, tc := range []struct {
		name, method string
		capacitor    bool
	}{{"layered", "layered-transient", false}, {"capacitor between free nodes", "transient", true}} {
		cc := *c
		cc.Elements = append([]circuit.Element(nil), c.Elements...)
		if tc.capacitor {
			cc.Add(&circuit.Capacitor{Name: "C1", Nodes: [2]string{"h[0]", "y[0]"}, C: 1e-12})
		}
		sys := compile(t, &cc)
		d := NewDC(sys, nil)
		x := make([]float64, sys.Size())
		res, err := d.TransientTo(x, x, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Method != tc.method || &res.X[0] != &x[0] {
			t.Errorf("%s: method %s, want %s", tc.name, res.Method, tc.method)
		}
		// h = 1 V * 1/(1 + 1/(1/2 + 1)) at DC: G1 = 1 µS into h, then
		// 2 µS and 1 µS in series to ground (2/3 µS).
		want := 1 / (1 + 2.0/3)
		if got := x[sys.Unknown("h[0]")]; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: V(h) = %.12f V, want %.12f V", tc.name, got, want)
		}
	}
}
