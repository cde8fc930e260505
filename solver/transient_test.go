package solver

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/ode"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// TestTransientAgreesWithNewton checks that the transient's steady state is
// Newton's equilibrium within 1e-9 V on every node of random circuits, and
// that KCL holds there.
func TestTransientAgreesWithNewton(t *testing.T) {
	var steps, worst int
	var maxDiff float64
	n := nRandom * 2 / 3
	for seed := range n {
		rng := rand.New(rand.NewPCG(seed, 3))
		c := randomCircuit(rng, seed%2 == 1)
		sys := compile(t, c)
		nr, err := Newton(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: newton: %v", seed, err)
		}
		tr, err := Transient(sys, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: transient: %v", seed, err)
		}
		checkKCL(t, c, sys, tr.X, 1e-15, 1e-9)
		for i := range sys.NumFree() {
			d := math.Abs(tr.X[i] - nr.X[i])
			maxDiff = math.Max(maxDiff, d)
			if d > 1e-9 {
				t.Errorf("seed %d: %s: newton %.12g V, transient %.12g V", seed, sys.UnknownName(i), nr.X[i], tr.X[i])
			}
		}
		if sys.Size() > 0 && (tr.Steps <= 0 || tr.Time <= 0) || tr.SettlingTime > tr.Time || tr.Method != "transient" {
			t.Errorf("seed %d: %d steps to %g s, settled at %g s, method %s", seed, tr.Steps, tr.Time, tr.SettlingTime, tr.Method)
		}
		steps += tr.Steps
		worst = max(worst, tr.Steps)
	}
	t.Logf("largest difference %.3g V; %d steps on average, %d at most", maxDiff, steps/int(n), worst)
}

// TestTransientEnergy checks that the co-content does not increase along
// the transient of random circuits without controlled sources, with either
// method (backward Euler guarantees it; TR-BDF2 damps every mode of a
// linear circuit at every step).
func TestTransientEnergy(t *testing.T) {
	for seed := range nRandom / 3 {
		method := MethodTRBDF2
		if seed%2 == 1 {
			method = MethodBE
		}
		rng := rand.New(rand.NewPCG(seed, 4))
		c := randomCircuit(rng, false)
		sys := compile(t, c)
		// A zero start violates the equation of a floating source, so the
		// energy before the first step is not comparable.
		floating := sys.Size() > sys.NumFree()
		var energies []float64
		var times []float64
		set := &TransientSettings{Method: method, Observe: func(t float64, x []float64) {
			e, ok := sys.CoContent(x)
			if !ok {
				panic("no co-content")
			}
			energies = append(energies, e)
			times = append(times, t)
		}}
		r, err := Transient(sys, nil, set)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(energies) != r.Steps+1 || times[0] != 0 {
			t.Fatalf("seed %d: %d observations for %d steps", seed, len(energies), r.Steps)
		}
		first := 0
		if floating {
			first = 1
		}
		var scale float64
		for _, e := range energies {
			scale = math.Max(scale, math.Abs(e))
		}
		for k := first + 1; k < len(energies); k++ {
			if times[k] <= times[k-1] {
				t.Errorf("seed %d: time went from %g to %g", seed, times[k-1], times[k])
			}
			if energies[k] > energies[k-1]+1e-12*scale {
				t.Errorf("seed %d: step %d: energy rose from %.15g to %.15g W", seed, k, energies[k-1], energies[k])
			}
		}
		if energies[len(energies)-1] >= energies[first] && len(energies) > first+2 {
			// The start is not the equilibrium, so the energy must fall.
			if math.Abs(energies[first]-energies[len(energies)-1]) > 1e-9*scale {
				t.Errorf("seed %d: energy did not decrease: %g to %g", seed, energies[first], energies[len(energies)-1])
			}
		}
	}
}

// TestTransientRC checks the settling time of an RC stage against the
// closed form RC*ln(V/tol): within 1% with TR-BDF2 and the default
// tolerances, within 10% with backward Euler's defaults and 2% with tight
// ones (backward Euler lags the exponential by a little at every step).
func TestTransientRC(t *testing.T) {
	for _, tc := range []struct {
		g, c, v float64
		set     TransientSettings
		within  float64
	}{
		{1e-3, 1e-12, 1, TransientSettings{}, 0.01},   // tau 1 ns
		{1e-7, 1e-12, 2, TransientSettings{}, 0.01},   // tau 10 us
		{1e-5, 1e-11, 0.3, TransientSettings{}, 0.01}, // tau 1 us
		{1e-3, 1e-12, 1, TransientSettings{Method: MethodBE}, 0.1},
		{1e-7, 1e-12, 2, TransientSettings{Method: MethodBE}, 0.1},
		{1e-5, 1e-11, 0.3, TransientSettings{Method: MethodBE}, 0.1},
		{1e-3, 1e-12, 1, TransientSettings{Method: MethodBE, TrAbsTol: 1e-8, TrRelTol: 0.01}, 0.02},
	} {
		c := &circuit.Circuit{NodeCapacitance: tc.c}
		c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: tc.v},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: tc.g})
		sys := compile(t, c)
		r, err := Transient(sys, nil, &tc.set)
		if err != nil {
			t.Fatal(err)
		}
		if tc.set.Method == "" {
			tc.set.Method = "trbdf2 (default)"
		}
		tau := tc.c / tc.g
		want := tau * math.Log(tc.v/ode.DefaultSettleTol)
		if math.Abs(r.SettlingTime-want) > tc.within*want {
			t.Errorf("%s, tau %g: settling time %g s, want %g s", tc.set.Method, tau, r.SettlingTime, want)
		}
		if math.Abs(r.X[0]-tc.v) > 1e-12 {
			t.Errorf("%s, tau %g: V(a) = %.15g", tc.set.Method, tau, r.X[0])
		}
		t.Logf("%s, tau %g s: settled at %.5g s (closed form %.5g s, %+.2f%%), %d steps, %d iterations, ran to %.3g s",
			tc.set.Method, tau, r.SettlingTime, want, 100*(r.SettlingTime/want-1), r.Steps, r.Iterations, r.Time)
	}
}

// rcLadder returns a ladder from a source of v volts: conductance g[0]
// from the source to node n1, g[k] from n(k) to n(k+1), node capacitance
// c everywhere.
func rcLadder(v, c float64, g []float64) *circuit.Circuit {
	ck := &circuit.Circuit{NodeCapacitance: c}
	ck.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"n0", "0"}, V: v})
	for k, gk := range g {
		ck.Add(&circuit.Resistor{Name: fmt.Sprintf("R%d", k), Nodes: [2]string{fmt.Sprintf("n%d", k), fmt.Sprintf("n%d", k+1)}, G: gk})
	}
	return ck
}

// ladderSettling returns the closed-form settling time of rcLadder: with
// G the ladder's conductance matrix, v(t) = v_inf - exp(-G*t/c)*v_inf, by
// the eigenvectors of G; the last time some node is farther than tol from
// its final voltage, found on a fine grid and refined by bisection.
func ladderSettling(t *testing.T, v, c float64, g []float64, tol float64) float64 {
	n := len(g)
	gm := mat.NewSymDense(n, nil)
	for k := range n {
		d := g[k]
		if k+1 < n {
			d += g[k+1]
			gm.SetSym(k, k+1, -g[k+1])
		}
		gm.SetSym(k, k, d)
	}
	var eig mat.EigenSym
	if !eig.Factorize(gm, true) {
		t.Fatal("eigendecomposition failed")
	}
	lam := eig.Values(nil)
	var vec mat.Dense
	eig.VectorsTo(&vec)
	// v_inf: every node at v (no conductance to ground).
	coef := make([]float64, n) // phi_k . v_inf
	for k := range n {
		for i := range n {
			coef[k] += vec.At(i, k) * v
		}
	}
	dev := func(i int, tt float64) float64 {
		var s float64
		for k := range n {
			s += math.Exp(-lam[k]*tt/c) * vec.At(i, k) * coef[k]
		}
		return s
	}
	slow := c / lam[0]
	end := slow * (math.Log(v*float64(n)/tol) + 5)
	const grid = 20000
	var settle float64
	for i := range n {
		last := -1
		for j := range grid + 1 {
			if math.Abs(dev(i, end*float64(j)/grid)) > tol {
				last = j
			}
		}
		if last < 0 {
			continue
		}
		lo, hi := end*float64(last)/grid, end*float64(last+1)/grid
		for range 60 {
			mid := (lo + hi) / 2
			if math.Abs(dev(i, mid)) > tol {
				lo = mid
			} else {
				hi = mid
			}
		}
		settle = math.Max(settle, hi)
	}
	return settle
}

// TestTransientRCLadder checks the settling time of RC ladders, whose time
// constants interact, against the closed form: within 1% with the
// defaults.
func TestTransientRCLadder(t *testing.T) {
	for _, g := range [][]float64{
		{1e-3, 1e-3, 1e-3},
		{1e-3, 2e-4, 5e-3, 1e-4},
		{1e-4, 1e-3, 1e-4, 1e-3, 1e-4, 1e-3},
	} {
		const v, c = 1.5, 1e-12
		sys := compile(t, rcLadder(v, c, g))
		r, err := Transient(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := ladderSettling(t, v, c, g, ode.DefaultSettleTol)
		if math.Abs(r.SettlingTime-want) > 0.01*want {
			t.Errorf("ladder %v: settling time %g s, closed form %g s", g, r.SettlingTime, want)
		}
		t.Logf("ladder %v: settled at %.5g s (closed form %.5g s, %+.2f%%), %d steps", g, r.SettlingTime, want, 100*(r.SettlingTime/want-1), r.Steps)
	}
}

// dividerRC is a source of v volts through g1 to node a, g2 from a to
// ground and c at a: v(t) = vinf*(1 - exp(-t/tau)) with vinf =
// v*g1/(g1+g2) and tau = c/(g1+g2), and the source delivers
// v*g1*((v - vinf)*t + vinf*tau*(1 - exp(-t/tau))) joules until t.
func dividerRC(v, g1, g2, c float64) (ck *circuit.Circuit, at func(t float64) float64, energy func(t float64) float64) {
	ck = &circuit.Circuit{NodeCapacitance: c}
	ck.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: g1},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "0"}, G: g2})
	vinf, tau := v*g1/(g1+g2), c/(g1+g2)
	at = func(t float64) float64 { return vinf * (1 - math.Exp(-t/tau)) }
	energy = func(t float64) float64 { return v * g1 * ((v-vinf)*t + vinf*tau*(1-math.Exp(-t/tau))) }
	return ck, at, energy
}

// TestTransientStopTime checks a phase cut short at StopTime (the state
// where it stands, Status TimeLimit, no error), one that settles before
// its StopTime (Converged, the equilibrium held until StopTime), and a
// transient started from the state of the first: against the closed forms
// of the voltage and of the energy the source delivers.
func TestTransientStopTime(t *testing.T) {
	const v, g1, g2, c = 1.0, 1e-3, 3e-3, 2e-12
	ck, at, energy := dividerRC(v, g1, g2, c)
	sys := compile(t, ck)
	tau := c / (g1 + g2)
	for _, method := range []string{MethodTRBDF2, MethodBE} {
		stop := 2 * tau
		var lastT float64
		r, err := Transient(sys, nil, &TransientSettings{Method: method, StopTime: stop, Observe: func(t float64, _ []float64) { lastT = t }})
		if err != nil || r.Status != TimeLimit || r.Time != stop || lastT != stop || r.SettlingTime != stop {
			t.Fatalf("%s: cut short: %v, status %v, time %g s (observed %g s), settled %g s", method, err, r.Status, r.Time, lastT, r.SettlingTime)
		}
		within := 1e-3 // V
		if method == MethodBE {
			within = 1e-2
		}
		if d := r.X[0] - at(stop); math.Abs(d) > within {
			t.Errorf("%s: V(a) at %g s = %.6g V, closed form %.6g V", method, stop, r.X[0], at(stop))
		}
		if e := r.Energy.Total(); math.Abs(e-energy(stop)) > 10*within*energy(stop) {
			t.Errorf("%s: energy until %g s = %.6g J, closed form %.6g J", method, stop, e, energy(stop))
		}
		if r.Energy.Controlled != 0 {
			t.Errorf("%s: controlled energy %g J", method, r.Energy.Controlled)
		}

		// From there until settled: the same equilibrium, and the
		// energies of the two parts add up to the whole.
		rest, err := Transient(sys, r.X, &TransientSettings{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		full, err := Transient(sys, nil, &TransientSettings{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(rest.X[0] - full.X[0]); d > 1e-12 {
			t.Errorf("%s: resumed ends at %.15g V, whole at %.15g V", method, rest.X[0], full.X[0])
		}
		sum := r.Energy.Total() + rest.Energy.Total()
		if math.Abs(sum-full.Energy.Total()) > 10*within*full.Energy.Total() {
			t.Errorf("%s: energy %g J + %g J = %g J, whole transient %g J", method, r.Energy.Total(), rest.Energy.Total(), sum, full.Energy.Total())
		}
		if math.Abs(full.Energy.Total()-energy(full.SettlingTime)) > 10*within*full.Energy.Total() {
			t.Errorf("%s: energy until settled at %g s = %g J, closed form %g J", method, full.SettlingTime, full.Energy.Total(), energy(full.SettlingTime))
		}

		// A stop long after settling: the equilibrium, held.
		stop = 100 * tau
		r, err = Transient(sys, nil, &TransientSettings{Method: method, StopTime: stop, Observe: func(t float64, _ []float64) { lastT = t }})
		if err != nil || r.Status != Converged || r.Time != stop || lastT != stop {
			t.Fatalf("%s: settled before stop: %v, status %v, time %g s (observed %g s)", method, err, r.Status, r.Time, lastT)
		}
		if d := math.Abs(r.X[0] - at(stop)); d > 1e-12 {
			t.Errorf("%s: V(a) = %.15g V, want %.15g V", method, r.X[0], at(stop))
		}
		if e := r.Energy.Total(); math.Abs(e-energy(stop)) > 1e-4*energy(stop) {
			t.Errorf("%s: energy until %g s = %.8g J, closed form %.8g J", method, stop, e, energy(stop))
		}
		if p, want := r.Power.Total(), v*v*g1*g2/(g1+g2); math.Abs(p-want) > 1e-12*want {
			t.Errorf("%s: power %g W, want %g W", method, p, want)
		}
	}
}

// TestTransientChargeEnergy checks the energy a source delivers charging a
// capacitor through a resistor from 0 V: C*V² in total (the charge C*V at
// V volts), half of it stored and half dissipated, whatever the
// resistance; and none when the capacitor hangs from the source's own
// node, which then only swaps the charge the source gave it at time 0.
func TestTransientChargeEnergy(t *testing.T) {
	const v, g, c = 1.5, 1e-4, 3e-12
	for _, method := range []string{MethodTRBDF2, MethodBE} {
		ck := &circuit.Circuit{NodeCapacitance: c}
		ck.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: g})
		sys := compile(t, ck)
		// The dissipation, integrated by the trapezoidal rule over the
		// steps of a tightly controlled run.
		var ts, ps []float64
		set := &TransientSettings{Method: method, TrRelTol: 1e-4, Observe: func(t float64, x []float64) {
			ts = append(ts, t)
			ps = append(ps, g*(v-x[0])*(v-x[0]))
		}}
		r, err := Transient(sys, nil, set)
		if err != nil {
			t.Fatal(err)
		}
		// Until settled, the source delivered the charge C*(V - tol).
		want := c * v * (v - ode.DefaultSettleTol)
		if e := r.Energy.Sources; math.Abs(e-want) > 1e-6*want {
			t.Errorf("%s: source delivered %.10g J, want %.10g J", method, e, want)
		}
		var diss float64
		for k := 1; k < len(ts) && ts[k-1] < r.SettlingTime; k++ {
			diss += (ts[k] - ts[k-1]) * (ps[k] + ps[k-1]) / 2
		}
		if math.Abs(diss-c*v*v/2) > 0.005*c*v*v/2 {
			t.Errorf("%s: dissipated %.6g J, want C*V²/2 = %.6g J", method, diss, c*v*v/2)
		}

		ck = &circuit.Circuit{}
		ck.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: g},
			&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "in"}, C: c})
		sys = compile(t, ck)
		r, err = Transient(sys, nil, &TransientSettings{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if e := r.Energy.Total(); math.Abs(e) > 1e-9*c*v*v {
			t.Errorf("%s: capacitor on the source's node: source delivered %g J, want 0", method, e)
		}
	}
}

// transientAtNewton runs the transient on sys with default settings and
// fails unless it ends where Newton's method does (sameSolution); it
// returns the transient's result and how long it took.
func transientAtNewton(t *testing.T, sys *mna.System) (Result, time.Duration) {
	t.Helper()
	start := time.Now()
	r, err := Transient(sys, nil, nil)
	el := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	nr, err := Newton(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameSolution(t, "got transient, want Newton", sys, r.X, nr.X)
	return r, el
}

// TestTransientTimeScales runs a ladder whose time constants span 1e-10 s
// to 1e-5 s and checks that the steps stay in the hundreds.
func TestTransientTimeScales(t *testing.T) {
	c := &circuit.Circuit{}
	c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"n0", "0"}, V: 1})
	for i := range 6 {
		a, b := fmt.Sprintf("n%d", i), fmt.Sprintf("n%d", i+1)
		g := math.Pow(10, -2-float64(i)) // 1e-2 ... 1e-7 S
		c.Add(&circuit.Resistor{Name: "R" + a, Nodes: [2]string{a, b}, G: g},
			&circuit.Diode{Name: "D" + a, Nodes: [2]string{b, "0"}, Model: d14},
			&circuit.Resistor{Name: "Rg" + a, Nodes: [2]string{b, "0"}, G: g / 10})
	}
	r, _ := transientAtNewton(t, compile(t, c))
	if r.Steps > 1000 || r.SettlingTime < 1e-5 {
		t.Errorf("%d steps, settled at %g s", r.Steps, r.SettlingTime)
	}
	t.Logf("%d steps, %d iterations, settled at %.3g s, ran to %.3g s", r.Steps, r.Iterations, r.SettlingTime, r.Time)
}

// TestTransientFailure checks that running out of steps gives a finite
// state and a ConvergenceError naming a node.
func TestTransientFailure(t *testing.T) {
	c := hardCircuit()
	sys := compile(t, c)
	r, err := Transient(sys, nil, &TransientSettings{MaxSteps: 3})
	var ce *ConvergenceError
	if !errors.As(err, &ce) || ce.Method != "transient" {
		t.Fatalf("error %v", err)
	}
	if r.Status != IterationLimit || r.Steps != 3 || !allFinite(r.X) {
		t.Errorf("status %v after %d steps, X %v", r.Status, r.Steps, r.X)
	}
	if _, ok := sys.NodeIndex(ce.WorstNode); !ok {
		t.Errorf("worst node %q", ce.WorstNode)
	}
	t.Log(err)
}

// TestTransientStart checks a warm start at the equilibrium: it is already
// settled.
func TestTransientStart(t *testing.T) {
	c := randomCircuit(rand.New(rand.NewPCG(1, 5)), true)
	sys := compile(t, c)
	nr, err := Newton(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Transient(sys, nr.X, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.SettlingTime != 0 || r.Steps > 2 {
		t.Errorf("from the equilibrium: %d steps, settled at %g s", r.Steps, r.SettlingTime)
	}
}

func TestTransientCrossbar300(t *testing.T) {
	c := crossbarNet(rand.New(rand.NewPCG(7, 7)))
	sys := compile(t, c)
	r, el := transientAtNewton(t, sys)
	t.Logf("%d unknowns: %d steps, %d iterations, settled at %.3g s, %v", sys.Size(), r.Steps, r.Iterations, r.SettlingTime, el)
}

// TestTransientUnstable checks an amplifier with positive feedback: its one
// equilibrium without the diode is unstable, so Newton finds it and the
// transient runs away from it, which it must report; with the diode the
// transient settles where the diode clamps, a second equilibrium.
func TestTransientUnstable(t *testing.T) {
	build := func(clamp bool) *circuit.Circuit {
		c := &circuit.Circuit{}
		c.Add(&circuit.VCVS{Name: "E1", Nodes: [2]string{"out", "0"}, Control: [2]string{"a", "0"}, Gain: 2},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"out", "a"}, G: 1e-3},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "0"}, G: 1e-4},
			&circuit.ISource{Name: "I1", Nodes: [2]string{"0", "a"}, I: 1e-6})
		if clamp {
			c.Add(&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: d14})
		}
		return c
	}
	// C da/dt = (G1 - G2)*a + I: the equilibrium a = -I/(G1 - G2) repels.
	sys := compile(t, build(false))
	nr, err := Newton(sys, nil, nil)
	if want := -1e-6 / (1e-3 - 1e-4); err != nil || math.Abs(voltage(sys, nr.X, "a")-want) > 1e-15 {
		t.Fatalf("newton: V(a) = %g, want %g, %v", voltage(sys, nr.X, "a"), want, err)
	}
	r, err := Transient(sys, nil, nil)
	var ce *ConvergenceError
	if !errors.As(err, &ce) || r.Status != Diverged || !allFinite(r.X) {
		t.Errorf("runaway: status %v, error %v", r.Status, err)
	}

	c := build(true)
	sys = compile(t, c)
	r, err = Transient(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkKCL(t, c, sys, r.X, 1e-15, 1e-9)
	if v := voltage(sys, r.X, "a"); v < 0.5 {
		t.Errorf("clamped: V(a) = %g V, want the diode's forward voltage", v)
	}
}
