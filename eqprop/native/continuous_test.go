package native

import (
	"context"
	"math"
	"testing"

	"github.com/eqsim/eqsim/eqprop/dynamics"

	"github.com/eqsim/eqsim/eqprop"
)

// transientXOR returns the XOR network of the tests with transient phases
// run until settled, and its training settings.
func transientXOR(t testing.TB, seed uint64) (*Network, eqprop.Config) {
	c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, seed)
	nc.Dynamics = dynamics.Settings{Method: dynamics.Transient}
	cfg := eqprop.Config{BatchSize: 1, LearningRate: 1e-11, Readout: eqprop.Readout{High: 0.1, Low: -0.1}, Seed: seed,
		Dynamics: nc.Dynamics, Estimator: eqprop.Continuous}
	return mustNew(t, c, nc), cfg
}

// relDiff returns |a - b| / |b| over all blocks.
func relDiff(a, b [][]float64) float64 {
	var d, n float64
	for k := range a {
		for i := range a[k] {
			d += (a[k][i] - b[k][i]) * (a[k][i] - b[k][i])
			n += b[k][i] * b[k][i]
		}
	}
	return math.Sqrt(d / n)
}

// TestContinuousQuasiStatic checks the continuous estimator against the
// one-sided EqProp estimate (positive) on XOR, summed over the four
// patterns: as the learning rate shrinks, the conductances barely move
// during the nudge and the update the circuit makes must equal the
// positive estimator's within 1e-3 relative; at a learning rate that
// trains (1e-12 S²/V² with beta = 1 uS), the changing conductances act on
// the dynamics and the two must differ (the test would pass vacuously if
// they did not). The difference is linear in small learning rates (about
// 1e13 times it here, and inversely proportional to beta): the nudge must
// move the voltages more than one sample's learning moves them; from
// about 1e-13 on, the conductances' feedback on the voltages runs away.
func TestContinuousQuasiStatic(t *testing.T) {
	set := xorSet()
	for _, tc := range []struct {
		lr   float64
		same bool
	}{{1e-17, true}, {1e-12, false}} {
		n, cfg := transientXOR(t, 3)
		cfg.LearningRate = tc.lr
		blocks := n.Blocks()
		cont, pos := make([][]float64, len(blocks)), make([][]float64, len(blocks))
		for k, b := range blocks {
			cont[k], pos[k] = make([]float64, b.Rows*b.Cols), make([]float64, b.Rows*b.Cols)
		}
		out, y := make([]float64, 2), make([]float64, 2)
		for i := range set.Len() {
			cfg.WithDefaults().Readout.TargetTo(y, set.Labels[i])
			if err := eqprop.Gradient(cont, out, n, eqprop.Continuous, cfg, set.Sample(i), y); err != nil {
				t.Fatal(err)
			}
			if err := eqprop.Gradient(pos, out, n, eqprop.Positive, cfg, set.Sample(i), y); err != nil {
				t.Fatal(err)
			}
		}
		d := relDiff(cont, pos)
		t.Logf("learning rate %g: continuous vs positive, relative difference %.3g", tc.lr, d)
		if tc.same && !(d < 1e-3) {
			t.Errorf("learning rate %g: continuous and positive differ by %.3g relative", tc.lr, d)
		}
		if !tc.same && !(d > 1e-2) {
			t.Errorf("learning rate %g: continuous and positive differ by only %.3g: the learning does not act on the dynamics", tc.lr, d)
		}
	}
}

// TestContinuousExact checks one learning phase against two independent
// facts: the conductances the circuit learned moved by exactly
// -rate*(dV_end² - dV_start²) (the learning rule is a total derivative),
// and the phase, run until settled, ends at the DC equilibrium of the
// nudged circuit with the learned conductances, which a fresh network
// programmed with them finds.
func TestContinuousExact(t *testing.T) {
	n, _ := transientXOR(t, 2)
	blocks := n.Blocks()
	rates := make([]float64, len(blocks))
	for k := range rates {
		rates[k] = 1e-8 * float64(k+1) // S/V²: strong, so the dynamics feel it
	}
	y := []float64{0.1, -0.1}
	x := []float64{1, 0}
	n.Reset()
	n.SetInput(x)
	if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		t.Fatal(err)
	}
	start, end := eqprop.NewMeasurement(blocks, 2), eqprop.NewMeasurement(blocks, 2)
	nudge := eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: y}
	if err := n.RelaxLearning(nudge, rates, start, end); err != nil {
		t.Fatal(err)
	}
	learned := make([][]float64, len(blocks))
	moved := 0.0
	for k, b := range blocks {
		g0 := make([]float64, b.Rows*b.Cols)
		n.ConductancesTo(g0, k)
		learned[k] = make([]float64, b.Rows*b.Cols)
		n.learned(learned[k], k)
		for i := range b.Rows {
			for j := range b.Cols {
				da, db := end.A[k][i]-start.A[k][i], end.B[k][j]-start.B[k][j]
				sa, sb := end.A[k][i]+start.A[k][i], end.B[k][j]+start.B[k][j]
				want := g0[i*b.Cols+j] - rates[k]*(da-db)*(sa-sb)
				got := learned[k][i*b.Cols+j]
				if math.Abs(got-want) > 1e-12*math.Abs(want) {
					t.Errorf("%s[%d,%d]: learned %.15g S, want %.15g S", b.Name, i, j, got, want)
				}
				moved = math.Max(moved, math.Abs(got-g0[i*b.Cols+j])/g0[i*b.Cols+j])
			}
		}
	}
	if moved < 1e-3 {
		t.Fatalf("the conductances moved by %.3g relative at most: too little to test the dynamics", moved)
	}
	// A fresh copy with the learned conductances, same free outputs (the
	// current nudge is set from them), nudged at DC.
	c2, nc2 := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 2)
	eq := mustNew(t, c2, nc2)
	eq.Reset()
	eq.SetInput(x)
	if err := eq.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		t.Fatal(err)
	}
	for k := range blocks {
		eq.Program(k, learned[k])
	}
	if err := eq.Relax(nudge); err != nil {
		t.Fatal(err)
	}
	m := eqprop.NewMeasurement(blocks, 2)
	eq.Measure(m)
	for k := range blocks {
		for i := range m.B[k] {
			if d := math.Abs(m.B[k][i] - end.B[k][i]); d > 1e-9 {
				t.Errorf("%s side B %d: learning phase ends at %.12f V, equilibrium with the learned conductances %.12f V", blocks[k].Name, i, end.B[k][i], m.B[k][i])
			}
		}
	}
}

// TestContinuousXOR trains XOR with continuous-time learning (transient
// phases until settled, one sample per update) to no error. The nudge is a
// strong conductance (300 uS, outputs nearly clamped to their targets),
// which keeps the learning quasi-static at a useful learning rate (see
// TestContinuousQuasiStatic): with beta = 1 uS the conductances' own
// change dominates the nudge and training fails.
func TestContinuousXOR(t *testing.T) {
	set := xorSet()
	for _, seed := range []uint64{1, 3} {
		c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, seed)
		nc.Dynamics = dynamics.Settings{Method: dynamics.Transient}
		nc.Nudge = eqprop.NudgeConductance
		n := mustNew(t, c, nc)
		cfg := eqprop.Config{BatchSize: 1, LearningRate: 1e-11, Beta: 3e-4, Readout: eqprop.Readout{High: 0.1, Low: -0.1}, Seed: seed,
			Dynamics: nc.Dynamics, Estimator: eqprop.Continuous}
		tr, err := eqprop.NewTrainer(n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		epochs, rate := 0, 1.0
		var st eqprop.EpochStats
		for ; epochs < 400 && rate > 0; epochs++ {
			if st, err = tr.Epoch(ctx, set, nil); err != nil {
				t.Fatal(err)
			}
			if _, rate, err = tr.Evaluate(ctx, set); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("seed %d: error %.2f after %d epochs, %.3g J and %.3g s per sample", seed, rate, epochs, st.EnergyPerSample, st.ChipTimePerSample)
		if rate != 0 {
			t.Errorf("seed %d: XOR error %.2f after %d epochs of continuous learning", seed, rate, epochs)
		}
	}
}
