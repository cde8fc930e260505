package dynamics

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/solver/ode"
)

// rc is a divider with a capacitive node: a source at v volts charges
// node y (capacitance c) through g1 siemens, g2 siemens load y to ground.
// From y = 0 V at t = 0, y(t) = vinf*(1 - exp(-t/tau)) with
// vinf = v*g1/(g1+g2) and tau = c/(g1+g2).
type rc struct{ v, g1, g2, c float64 }

func (r rc) circuit() *circuit.Circuit {
	c := &circuit.Circuit{NodeCapacitance: r.c}
	c.Add(
		&circuit.VSource{Name: "V", Nodes: [2]string{"x", circuit.Ground}, V: r.v},
		&circuit.Resistor{Name: "G1", Nodes: [2]string{"x", "y"}, G: r.g1},
		&circuit.Resistor{Name: "G2", Nodes: [2]string{"y", circuit.Ground}, G: r.g2},
	)
	return c
}

func (r rc) tau() float64  { return r.c / (r.g1 + r.g2) }
func (r rc) vinf() float64 { return r.v * r.g1 / (r.g1 + r.g2) }

// y returns y(t).
func (r rc) y(t float64) float64 { return r.vinf() * -math.Expm1(-t/r.tau()) }

// mean returns the mean of y over [t, t+w].
func (r rc) mean(t, w float64) float64 {
	tau := r.tau()
	return r.vinf() - r.vinf()*tau/w*(math.Exp(-t/tau)-math.Exp(-(t+w)/tau))
}

// energy returns what the source delivers from 0 to t: v times the
// integral of its current g1*(v - y).
func (r rc) energy(t float64) float64 {
	tau := r.tau()
	q := r.g1 * (r.v*t - r.vinf()*(t+tau*math.Expm1(-t/tau)))
	return r.v * q
}

func newRunner(t *testing.T, c *circuit.Circuit, set Settings) (*Runner, *mna.System) {
	t.Helper()
	sys, err := mna.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return NewRunner(sys, solver.NewDC(sys, nil), set), sys
}

// TestRunnerRC checks a phase's measurement (within 0.2% of the swing,
// the transient's default accuracy), chip time and energy against
// the closed forms of an RC divider charging from 0 V: cut short at one
// time constant and measured over a window of one more (the trapezoidal
// mean of the moving voltage), cut short without a window, run until
// settled with a window (energy: until the settling time, then the DC
// power over the window), and the equilibrium method (the DC power over
// the window, no settling).
func TestRunnerRC(t *testing.T) {
	r := rc{v: 1, g1: 1e-6, g2: 3e-6, c: 1e-12}
	tau := r.tau()
	pdc := r.v * r.v / (1/r.g1 + 1/r.g2)
	for _, tc := range []struct {
		name       string
		set        Settings
		d          float64
		meas, time float64
		energy     float64
		settled    bool
	}{
		{"cut short, window", Settings{Method: Transient, Window: tau}, tau, r.mean(tau, tau), 2 * tau, r.energy(2 * tau), false},
		{"cut short", Settings{Method: Transient}, tau, r.y(tau), tau, r.energy(tau), false},
		{"equilibrium, window", Settings{Window: 3e-6}, 0, r.vinf(), 3e-6, pdc * 3e-6, true},
		{"equilibrium", Settings{}, 0, r.vinf(), 0, 0, true},
	} {
		run, sys := newRunner(t, r.circuit(), tc.set)
		x := make([]float64, sys.Size())
		out, err := run.Run(x, nil, tc.d, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		i, _ := sys.NodeIndex("y")
		if got := run.Measured()[i]; math.Abs(got-tc.meas) > 2e-3*r.vinf() {
			t.Errorf("%s: measured %.6f V, closed form %.6f V", tc.name, got, tc.meas)
		}
		if math.Abs(out.Time-tc.time) > 1e-12*tau {
			t.Errorf("%s: time %g s, want %g s", tc.name, out.Time, tc.time)
		}
		if math.Abs(out.Energy-tc.energy) > 1e-3*tc.energy {
			t.Errorf("%s: energy %.6g J, closed form %.6g J", tc.name, out.Energy, tc.energy)
		}
		if out.Settled != tc.settled {
			t.Errorf("%s: settled %v", tc.name, out.Settled)
		}
	}
	// Until settled: the settling time is the solver's, the energy the
	// closed form's until then plus the DC power over the window.
	const w = 1e-6
	run, sys := newRunner(t, r.circuit(), Settings{Method: Transient, Window: w})
	x := make([]float64, sys.Size())
	out, err := run.Run(x, nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := out.Time - w
	if want := tau * math.Log(r.vinf()/ode.DefaultSettleTol); math.Abs(ts-want) > 0.02*want || !out.Settled {
		t.Errorf("until settled: settling time %g s, closed form %g s", ts, want)
	}
	if want := r.energy(ts) + pdc*w; math.Abs(out.Energy-want) > 1e-3*want {
		t.Errorf("until settled: energy %.6g J, closed form %.6g J", out.Energy, want)
	}
}
