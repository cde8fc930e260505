package eqprop_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	. "github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
)

// Config.Validate refuses a read-out chain its own Validate refuses.
func TestConfigValidateSense(t *testing.T) {
	for _, s := range []Sensing{{Noise: -1e-3}, {Bits: 25, Min: 0, Max: 1}, {Min: -1, Max: 1}, {Bits: 8, Min: 1, Max: 1}} {
		if err := (Config{Sense: s}).Validate(); err == nil || !strings.HasPrefix(err.Error(), "sense: ") {
			t.Errorf("%+v: Config.Validate gives %v", s, err)
		}
	}
	if err := (Config{Sense: Sensing{Noise: 1e-3, Bits: 8, Min: 0, Max: 1}}).Validate(); err != nil {
		t.Error(err)
	}
}

// quantNet reads its measurements through an ADC itself: training it
// with exact read-out is the reference for training a native.Network
// with the ADC in Config.Sense.
type quantNet struct {
	*native.Network
	s Sensing
}

func (q quantNet) Measure(m *Measurement) {
	q.Network.Measure(m)
	SenseMeasurement(q.s, m, nil)
}

func (q quantNet) Clone() (Physical, error) {
	c, err := q.Network.Clone()
	if err != nil {
		return nil, err
	}
	return quantNet{c.(*native.Network), q.s}, nil
}

// TestTrainerSenseADC checks that with an ADC the estimator and the
// metrics see quantised measurements: the conductances, training and test
// metrics equal, bit for bit, those of exact read-out from a network that
// quantises its own measurements, and differ from ideal training.
func TestTrainerSenseADC(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	adc := Sensing{Bits: 7, Min: -0.6, Max: 0.6}
	run := func(net func(*native.Network) Physical, s Sensing) (*Trainer, []EpochStats, [2]float64) {
		n, cfg := smallKendall(t)
		cfg.Workers = 2
		cfg.Sense = s
		tr, stats := train(t, net(n), cfg, set, 2)
		l, e, err := tr.Evaluate(context.Background(), set)
		if err != nil {
			t.Fatal(err)
		}
		return tr, stats, [2]float64{l, e}
	}
	plain := func(n *native.Network) Physical { return n }
	got, gotStats, gotEval := run(plain, adc)
	ref, refStats, refEval := run(func(n *native.Network) Physical { return quantNet{n, adc} }, Sensing{})
	ideal, _, idealEval := run(plain, Sensing{})
	sameConductances(t, "ADC in Config.Sense vs quantising network", got.State().Conductances, ref.State().Conductances)
	for e := range gotStats {
		if gotStats[e].TrainLoss != refStats[e].TrainLoss || gotStats[e].TrainError != refStats[e].TrainError {
			t.Errorf("epoch %d: training metrics %+v, want %+v", e+1, gotStats[e], refStats[e])
		}
	}
	if gotEval != refEval {
		t.Errorf("Evaluate: %v, want %v", gotEval, refEval)
	}
	if gotEval == idealEval {
		t.Errorf("Evaluate with an ADC equals ideal evaluation %v", idealEval)
	}
	diff := 0.0
	for k, g := range got.State().Conductances {
		for i, v := range g {
			diff = math.Max(diff, math.Abs(v-ideal.State().Conductances[k][i]))
		}
	}
	if diff == 0 {
		t.Errorf("training with an ADC equals ideal training")
	}
	// What the last batch's estimator saw lies on the ADC's grid.
	step := adc.Step()
	m1, m2 := got.Measurements()
	for i := range m1 {
		for _, m := range []*Measurement{m1[i], m2[i]} {
			vs := [][]float64{m.Outputs}
			vs = append(vs, m.A...)
			vs = append(vs, m.B...)
			for _, v := range vs {
				for _, x := range v {
					k := (x - adc.Min) / step
					if math.Abs(k-math.Round(k)) > 1e-9 {
						t.Fatalf("slot %d: measured %.17g V is off the grid", i, x)
					}
				}
			}
		}
	}
}

// TestTrainerSenseNoise checks that with read noise training is still bit
// for bit the same for any number of workers and across an interrupted
// and resumed run, and that the noise changes the result.
func TestTrainerSenseNoise(t *testing.T) {
	set := randomSet(35, 40, 4, 1)
	sense := Sensing{Noise: 2e-3, Bits: 12, Min: -1, Max: 1}
	type result struct {
		g     [][]float64
		stats []EpochStats
		eval  [2]float64
	}
	run := func(workers int, s Sensing, stopAfter int) result {
		n, cfg := smallKendall(t)
		cfg.Workers, cfg.Sense = workers, s
		tr, err := NewTrainer(n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var r result
		if stopAfter > 0 {
			ctx, cancel := context.WithCancel(context.Background())
			batches := 0
			_, err := tr.Epoch(ctx, set, func(done, total int) {
				if batches++; batches == stopAfter {
					cancel()
				}
			})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("stop after %d batches: %v", stopAfter, err)
			}
			st := tr.State()
			fresh, _ := smallKendall(t)
			if tr, err = NewTrainer(fresh, cfg); err != nil {
				t.Fatal(err)
			}
			if err := tr.Restore(st); err != nil {
				t.Fatal(err)
			}
		}
		for tr.State().Epoch < 2 {
			st, err := tr.Epoch(context.Background(), set, nil)
			if err != nil {
				t.Fatal(err)
			}
			r.stats = append(r.stats, st)
		}
		r.g = tr.State().Conductances
		l, e, err := tr.Evaluate(context.Background(), set)
		if err != nil {
			t.Fatal(err)
		}
		r.eval = [2]float64{l, e}
		return r
	}
	ref := run(1, sense, 0)
	for _, tc := range []struct {
		name      string
		workers   int
		stopAfter int
	}{{"3 workers", 3, 0}, {"resumed after 2 batches", 2, 2}} {
		got := run(tc.workers, sense, tc.stopAfter)
		sameConductances(t, tc.name, got.g, ref.g)
		last, want := got.stats[len(got.stats)-1], ref.stats[1]
		if last.TrainLoss != want.TrainLoss || last.TrainError != want.TrainError {
			t.Errorf("%s: last epoch loss %v error %v, want %v %v", tc.name, last.TrainLoss, last.TrainError, want.TrainLoss, want.TrainError)
		}
		if got.eval != ref.eval {
			t.Errorf("%s: Evaluate %v, want %v", tc.name, got.eval, ref.eval)
		}
	}
	// The noise does something, and another seed draws other noise.
	noADC := run(1, Sensing{Bits: 12, Min: -1, Max: 1}, 0)
	if noADC.eval == ref.eval || noADC.stats[0].TrainLoss == ref.stats[0].TrainLoss {
		t.Errorf("training and evaluation without noise equal those with it")
	}
}

// TestEvaluateSenseNoise checks the loss Evaluate reports with read noise
// of std sigma on every output: on average it exceeds the ideal loss by
// outputs*sigma^2/2, the noise's own contribution to
// sum_k (V_k + noise_k - y_k)^2 / 2.
func TestEvaluateSenseNoise(t *testing.T) {
	set := randomSet(400, 40, 4, 9)
	n, cfg := smallKendall(t)
	tr, err := NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ideal, _, err := tr.Evaluate(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	const sigma = 0.2
	cfg.Sense = Sensing{Noise: sigma}
	tr, err = NewTrainer(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	noisy, _, err := tr.Evaluate(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	want := 4 * sigma * sigma / 2
	// Per sample, the excess is sum_k sigma*z_k*(V_k - y_k) +
	// sigma^2*z_k^2/2, of standard deviation about 0.08 V^2 with
	// |V_k - y_k| near 0.15 V; its mean over 400 samples has a standard
	// error near 0.004 V^2, a twentieth of want: allow five.
	if d := noisy - ideal; math.Abs(d-want) > 0.25*want {
		t.Errorf("noisy loss %g V^2, ideal %g: excess %g, want %g", noisy, ideal, d, want)
	}
}

// TestGradCheckSense checks that read noise degrades the centered
// estimate's agreement with the exact gradient, the more the larger the
// noise, and that a fine ADC alone hardly does.
func TestGradCheckSense(t *testing.T) {
	xor := xorSet()
	c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 1)
	n := mustNative(t, c, nc)
	cosine := func(s Sensing) float64 {
		rep, err := native.GradCheck(n, xor, 0, 0, Config{Readout: Readout{High: 0.1, Low: -0.1}, Sense: s})
		if err != nil {
			t.Fatal(err)
		}
		return rep.Estimators[2].Cosine
	}
	ideal := cosine(Sensing{})
	fine := cosine(Sensing{Bits: 24, Min: -2, Max: 2})
	prev := ideal
	t.Logf("cosine: ideal %.6f, 24-bit ADC %.6f", ideal, fine)
	if ideal < 0.999 || fine < 0.99 {
		t.Errorf("cosine %g ideal, %g with a 24-bit ADC", ideal, fine)
	}
	for _, noise := range []float64{1e-6, 1e-5, 1e-4, 1e-3} {
		c := cosine(Sensing{Noise: noise})
		t.Logf("cosine with %g V noise: %.6f", noise, c)
		if !(c < prev) {
			t.Errorf("noise %g V: cosine %g, not below %g", noise, c, prev)
		}
		prev = c
	}
	if prev > 0.5 {
		t.Errorf("cosine %g with 1 mV noise: large noise does not degrade the gradient", prev)
	}
}

// TestTrainerSenseOff checks that the zero Sensing reads exactly and that
// the read-out path itself changes nothing: read noise far below half an
// ulp of every measured voltage (which rounds away) trains, bit for bit,
// as the exact read-out does, whose path skips the read-out entirely.
func TestTrainerSenseOff(t *testing.T) {
	if HasSensor(Sensing{}, 1) {
		t.Errorf("the zero Sensing has a sensor")
	}
	v := []float64{0, math.Copysign(0, -1), 0.1, -3, math.Inf(1), 5e-324}
	w := append([]float64(nil), v...)
	Sensing{}.Apply(w, nil)
	for i := range v {
		if math.Float64bits(v[i]) != math.Float64bits(w[i]) {
			t.Errorf("the zero Sensing reads %g as %g", v[i], w[i])
		}
	}
	set := randomSet(30, 40, 4, 1)
	for _, est := range []string{Centered, Positive} {
		var ref *Trainer
		var refStats []EpochStats
		var refEval [2]float64
		for _, s := range []Sensing{{}, {Noise: 1e-300}} {
			n, cfg := smallKendall(t)
			cfg.Workers, cfg.Sense, cfg.Estimator = 2, s, est
			tr, stats := train(t, n, cfg, set, 2)
			l, e, err := tr.Evaluate(context.Background(), set)
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref, refStats, refEval = tr, stats, [2]float64{l, e}
				continue
			}
			sameConductances(t, est+": noise 1e-300 V vs exact read-out", tr.State().Conductances, ref.State().Conductances)
			for e := range stats {
				if stats[e].TrainLoss != refStats[e].TrainLoss || stats[e].TrainError != refStats[e].TrainError {
					t.Errorf("%s, epoch %d: metrics %+v, want %+v", est, e+1, stats[e], refStats[e])
				}
			}
			if [2]float64{l, e} != refEval {
				t.Errorf("%s: Evaluate %v, want %v", est, [2]float64{l, e}, refEval)
			}
		}
	}
}

// BenchmarkTrainStepSense is BenchmarkTrainStep with read noise and a
// 12-bit ADC on every measurement.
func BenchmarkTrainStepSense(b *testing.B) {
	benchTrainStep(b, 100, Sensing{Noise: 1e-3, Bits: 12, Min: -1, Max: 1})
}
