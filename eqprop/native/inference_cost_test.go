package native

import (
	"context"
	"math"
	"testing"

	"github.com/eqsim/eqsim/eqprop/dynamics"

	"github.com/eqsim/eqsim/eqprop"
)

// evaluate returns EvaluateSet's result for n on set with the given
// workers.
func evaluate(t *testing.T, n eqprop.Physical, set *eqprop.Set, workers int) eqprop.Evaluation {
	t.Helper()
	tr, err := eqprop.NewTrainer(n, eqprop.Config{Workers: workers, Readout: eqprop.Readout{High: 0.1, Low: -0.1}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := tr.EvaluateSet(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestEvaluateCostRC checks the energy and chip time per inference against
// the closed forms of an RC divider charging from 0 V (a source of v volts
// through G1 into node y of capacitance C, G2 to ground): a free phase cut
// short at tau = C/(G1+G2) and measured over a window of tau delivers
// v*G1*integral of (v - y(t)) over [0, 2 tau], y(t) = vinf*(1 - exp(-t/tau)),
// vinf = v*G1/(G1+G2), and takes 2 tau; the mean is over samples of
// different v.
func TestEvaluateCostRC(t *testing.T) {
	const g1, g2, cap = 2e-6, 3e-6, 1e-12
	tau := cap / (g1 + g2)
	c, nc := dividerNet(g1, g2)
	c.NodeCapacitance = cap
	nc.Dynamics = dynamics.Settings{Method: dynamics.Transient, FreeTime: tau, Window: tau}
	set := &eqprop.Set{Name: "rc", Features: 1, Classes: 1, X: []float64{1, 0.5, 2}, Labels: []int{0, 0, 0}}
	energy := func(v, t float64) float64 {
		vinf := v * g1 / (g1 + g2)
		return v * g1 * (v*t - vinf*(t+tau*math.Expm1(-t/tau)))
	}
	want := 0.0
	for _, v := range set.X {
		want += energy(v, 2*tau) / float64(set.Len())
	}
	ev := evaluate(t, mustNew(t, c, nc), set, 1)
	// The transient's energy quadrature is good to some 0.1%.
	if math.Abs(ev.EnergyPerInference-want) > 1e-3*want {
		t.Errorf("energy per inference %.6g J, closed form %.6g J", ev.EnergyPerInference, want)
	}
	if math.Abs(ev.ChipTimePerInference-2*tau) > 1e-12*tau {
		t.Errorf("chip time per inference %g s, want %g s", ev.ChipTimePerInference, 2*tau)
	}
}

// TestEvaluateCost checks the energy and chip time per inference of
// EvaluateSet on layered networks (with and without an amplifier) against
// the cost the Metered network reports for one free phase per sample,
// measured directly on a network of its own: with transient phases that
// run until settled (with and without a window), cut short, and with the
// equilibrium method, which costs the DC power over the window (the mean
// power times the window) and nothing without one. The results are bit
// for bit the same on 1 and 2 workers.
func TestEvaluateCost(t *testing.T) {
	const w = 1e-6
	set := randomSet(10, 6, 3, 5)
	for _, tc := range []struct {
		name string
		d    dynamics.Settings
	}{
		{"transient until settled", dynamics.Settings{Method: dynamics.Transient}},
		{"transient until settled, window", dynamics.Settings{Method: dynamics.Transient, Window: w}},
		{"transient cut short, window", dynamics.Settings{Method: dynamics.Transient, FreeTime: 2e-9, Window: w}},
		{"equilibrium, window", dynamics.Settings{Window: w}},
		{"equilibrium", dynamics.Settings{}},
	} {
		for _, gain := range []float64{0, 3} {
			c, nc := layeredNet(6, 5, 3, gain, 2)
			nc.Dynamics = tc.d
			ev := evaluate(t, mustNew(t, c, nc), set, 1)
			ref := mustNew(t, c, nc)
			var want eqprop.Cost
			for i := range set.Len() {
				ref.Reset()
				ref.SetInput(set.Sample(i))
				if err := ref.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
					t.Fatal(err)
				}
				want.Energy += ref.Cost().Energy
				want.Time += ref.Cost().Time
			}
			m := float64(set.Len())
			want.Energy /= m
			want.Time /= m
			if ev.EnergyPerInference != want.Energy || ev.ChipTimePerInference != want.Time {
				t.Errorf("%s, gain %g: %.12g J, %.6g s per inference; measured directly %.12g J, %.6g s",
					tc.name, gain, ev.EnergyPerInference, ev.ChipTimePerInference, want.Energy, want.Time)
			}
			switch {
			case tc.d.IsTransient():
				if !(want.Energy > 0) || !(want.Time > tc.d.Window) {
					t.Errorf("%s, gain %g: %g J, %g s per inference", tc.name, gain, want.Energy, want.Time)
				}
			case tc.d.Window > 0:
				p := ev.MeanPower * tc.d.Window
				if math.Abs(ev.EnergyPerInference-p) > 1e-12*p || math.Abs(ev.ChipTimePerInference-tc.d.Window) > 1e-12*tc.d.Window {
					t.Errorf("%s, gain %g: %g J, %g s per inference; want the mean power times the window, %g J, %g s",
						tc.name, gain, ev.EnergyPerInference, ev.ChipTimePerInference, p, tc.d.Window)
				}
			default:
				if ev.EnergyPerInference != 0 || ev.ChipTimePerInference != 0 {
					t.Errorf("%s, gain %g: %g J, %g s per inference, want 0", tc.name, gain, ev.EnergyPerInference, ev.ChipTimePerInference)
				}
			}
			if ev2 := evaluate(t, mustNew(t, c, nc), set, 2); ev2 != ev {
				t.Errorf("%s, gain %g: 2 workers %+v, 1 worker %+v", tc.name, gain, ev2, ev)
			}
		}
	}
}
