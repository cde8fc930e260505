package native

import (
	"context"
	"math"
	"testing"

	"github.com/eqsim/eqsim/eqprop/dynamics"

	"github.com/eqsim/eqsim/eqprop"
)

// TestNativeChipState checks where the phases of a transient start, on a
// divider whose output node has capacitance C (time constant
// tau = C/(G1+G2)): the free phase runs until settled from 0 V and ends at
// the equilibrium v0; the +beta phase, cut short at tau, starts there and
// reaches v0 + d*(1 - 1/e), d = beta*(y - v0)/(G1+G2); the -beta phase
// starts where +beta left the circuit, not at v0, and reaches
// (v0 - d) + (v(tau) - (v0 - d))/e. The chip time is the settling time
// plus two tau.
func TestNativeChipState(t *testing.T) {
	const g1, g2, cap, beta, y = 2e-6, 3e-6, 1e-12, 1e-6, 1.0
	c, nc := dividerNet(g1, g2)
	c.NodeCapacitance = cap
	tau := cap / (g1 + g2)
	nc.Dynamics = dynamics.Settings{Method: dynamics.Transient, NudgeTime: tau}
	n := mustNew(t, c, nc)
	n.Reset()
	n.SetInput([]float64{1})
	m := eqprop.NewMeasurement(n.Blocks(), 1)
	read := func(p eqprop.Phase) float64 {
		t.Helper()
		if err := n.Relax(p); err != nil {
			t.Fatal(err)
		}
		n.Measure(m)
		return m.Outputs[0]
	}
	v0 := read(eqprop.Phase{Kind: eqprop.Free})
	if want := g1 / (g1 + g2); math.Abs(v0-want) > 1e-9 {
		t.Errorf("free: %.9f V, want %.9f V", v0, want)
	}
	ts := n.Cost().Time
	d := beta * (y - v0) / (g1 + g2)
	vp := read(eqprop.Phase{Kind: eqprop.Nudged, Beta: beta, Target: []float64{y}})
	wantP := v0 + d*(1-math.Exp(-1))
	vm := read(eqprop.Phase{Kind: eqprop.Nudged, Beta: -beta, Target: []float64{y}})
	wantM := v0 - d + (wantP-(v0-d))*math.Exp(-1)
	// The transient's accuracy is some 0.1% of the swing, d here.
	if math.Abs(vp-wantP) > 2e-3*d || math.Abs(vm-wantM) > 2e-3*d {
		t.Errorf("+beta %.9f V, -beta %.9f V; closed forms %.9f V, %.9f V (free %.9f V, nudge %.3g V)", vp, vm, wantP, wantM, v0, d)
	}
	if vfromFree := v0 - d*(1-math.Exp(-1)); math.Abs(vm-vfromFree) < 0.1*d {
		t.Errorf("-beta phase ends at %.9f V, as if it had started from the free equilibrium", vm)
	}
	if got := n.Cost().Time; math.Abs(got-(ts+2*tau)) > 1e-9*tau || !(ts > 5*tau) {
		t.Errorf("chip time %g s, want the settling time %g s plus %g s", got, ts, 2*tau)
	}
}

// TestNativeTransientSettles checks that phases run until settled measure
// what the equilibrium method measures, on XOR and a layered network with
// amplifiers, for every phase kind: a transient that settles ends at the
// DC equilibrium.
func TestNativeTransientSettles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nudge eqprop.NudgeKind
	}{{"current", eqprop.NudgeCurrent}, {"conductance", eqprop.NudgeConductance}} {
		c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 2)
		nc.Nudge = tc.nudge
		eq := mustNew(t, c, nc)
		nc.Dynamics = dynamics.Settings{Method: dynamics.Transient}
		tr := mustNew(t, c, nc)
		y := []float64{0.1, -0.1}
		phases := []eqprop.Phase{{Kind: eqprop.Free}, {Kind: eqprop.Nudged, Beta: 1e-6, Target: y}, {Kind: eqprop.Nudged, Beta: -1e-6, Target: y}, {Kind: eqprop.Clamped, Target: y}, {Kind: eqprop.Coupled, Eta: 0.5, Target: y}}
		me, mt := eqprop.NewMeasurement(eq.Blocks(), 2), eqprop.NewMeasurement(tr.Blocks(), 2)
		for _, x := range [][]float64{{0, 1}, {1, 1}} {
			for _, n := range []*Network{eq, tr} {
				n.Reset()
				n.SetInput(x)
			}
			for _, p := range phases {
				if err := eq.Relax(p); err != nil {
					t.Fatal(err)
				}
				if err := tr.Relax(p); err != nil {
					t.Fatal(err)
				}
				eq.Measure(me)
				tr.Measure(mt)
				worst := 0.0
				for k := range me.A {
					for i := range me.A[k] {
						worst = math.Max(worst, math.Abs(me.A[k][i]-mt.A[k][i]))
					}
					for i := range me.B[k] {
						worst = math.Max(worst, math.Abs(me.B[k][i]-mt.B[k][i]))
					}
				}
				if worst > 1e-9 {
					t.Errorf("%s nudge, input %v, %v phase: transient and equilibrium differ by %g V", tc.name, x, p.Kind, worst)
				}
			}
			if tr.Cost().Time <= 0 || tr.Cost().Energy <= 0 || eq.Cost() != (eqprop.Cost{}) {
				t.Errorf("costs: transient %+v, equilibrium %+v", tr.Cost(), eq.Cost())
			}
		}
	}
}

// TestTrainerCost checks the trainer's energy and chip time per sample
// with the equilibrium method and a window w: three phases (free, +beta,
// -beta) of w seconds each, at the DC power of each phase's equilibrium,
// computed here from the circuit (mna.System.Power) for every sample.
func TestTrainerCost(t *testing.T) {
	const w = 2e-6
	set := xorSet()
	c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 1)
	nc.Dynamics = dynamics.Settings{Window: w}
	n := mustNew(t, c, nc)
	cfg := eqprop.Config{BatchSize: 4, LearningRate: 1e-11, Readout: eqprop.Readout{High: 0.1, Low: -0.1}, Workers: 2}
	// The reference, before the trainer changes the conductances.
	ref := mustNew(t, c, nc)
	energy := 0.0
	y := make([]float64, 2)
	for i := range set.Len() {
		cfg.WithDefaults().Readout.TargetTo(y, set.Labels[i])
		ref.Reset()
		ref.SetInput(set.Sample(i))
		for _, p := range []eqprop.Phase{{Kind: eqprop.Free}, {Kind: eqprop.Nudged, Beta: 1e-6, Target: y}, {Kind: eqprop.Nudged, Beta: -1e-6, Target: y}} {
			if err := ref.Relax(p); err != nil {
				t.Fatal(err)
			}
			energy += ref.free.sys.Power(ref.free.x).Total() * w
		}
	}
	energy /= float64(set.Len())
	_, stats := train(t, n, cfg, set, 1)
	if got := stats[0].EnergyPerSample; math.Abs(got-energy) > 1e-12*energy {
		t.Errorf("energy per sample %.12g J, want %.12g J", got, energy)
	}
	if got := stats[0].ChipTimePerSample; got != 3*w {
		t.Errorf("chip time per sample %g s, want %g s", got, 3*w)
	}
	t.Logf("XOR: %.3g J and %.3g s per sample", stats[0].EnergyPerSample, stats[0].ChipTimePerSample)
}

// TestTrainerThermal checks training with thermal noise on the
// measurements: bit for bit the same for 1 and 3 workers and across an
// interrupted and resumed run (the noise is keyed by seed, epoch, sample
// and phase), and different from training without the noise.
func TestTrainerThermal(t *testing.T) {
	set := xorSet()
	build := func(noise bool) *Network {
		c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 1)
		c.ThermalNoise = noise
		nc.Dynamics = dynamics.Settings{Method: dynamics.Transient, Window: 1e-7}
		return mustNew(t, c, nc)
	}
	cfg := eqprop.Config{BatchSize: 2, LearningRate: 1e-11, Readout: eqprop.Readout{High: 0.1, Low: -0.1}, Workers: 1}
	ref, refStats := train(t, build(true), cfg, set, 3)
	cfg.Workers = 3
	tr, stats := train(t, build(true), cfg, set, 3)
	sameConductances(t, "3 workers vs 1", tr.State().Conductances, ref.State().Conductances)
	for e := range stats {
		if stats[e].TrainLoss != refStats[e].TrainLoss || stats[e].EnergyPerSample != refStats[e].EnergyPerSample {
			t.Errorf("epoch %d: 3 workers %+v, 1 worker %+v", e+1, stats[e], refStats[e])
		}
	}
	quiet, _ := train(t, build(false), cfg, set, 3)
	if d := quiet.State().Conductances[0][0] - ref.State().Conductances[0][0]; d == 0 {
		t.Errorf("thermal noise changes nothing")
	}
	// Stop after the first batch of epoch 2, resume on a fresh network.
	first, err := eqprop.NewTrainer(build(true), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := first.Epoch(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	first.Epoch(cctx, set, func(int, int) { cancel() })
	st := first.State()
	if st.Batch != 1 || !(st.Cost.Energy > 0) {
		t.Fatalf("interrupted at batch %d, cost %+v", st.Batch, st.Cost)
	}
	second, err := eqprop.NewTrainer(build(true), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Restore(st); err != nil {
		t.Fatal(err)
	}
	var last eqprop.EpochStats
	for second.State().Epoch < 3 {
		if last, err = second.Epoch(ctx, set, nil); err != nil {
			t.Fatal(err)
		}
	}
	sameConductances(t, "resumed", second.State().Conductances, ref.State().Conductances)
	if last.EnergyPerSample != refStats[2].EnergyPerSample {
		t.Errorf("resumed: %+v, want %+v", last, refStats[2])
	}
}
