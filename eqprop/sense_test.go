package eqprop

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSensingQuantize(t *testing.T) {
	for _, tc := range []struct {
		s       Sensing
		in, out []float64
	}{
		// Four levels 0, 1, 2, 3 V; halves round away from zero.
		{Sensing{Bits: 2, Min: 0, Max: 3}, []float64{-5, 0, 0.49, 0.5, 1.4, 1.6, 2.5, 2.99, 3, 7}, []float64{0, 0, 0, 1, 1, 2, 3, 3, 3, 3}},
		// Two levels: the ends.
		{Sensing{Bits: 1, Min: -1, Max: 1}, []float64{-0.1, 0.1, -3, 3}, []float64{-1, 1, -1, 1}},
		// 3 bits over [-0.7, 0.7]: step 0.2 V.
		{Sensing{Bits: 3, Min: -0.7, Max: 0.7}, []float64{0.05, -0.05, 0.11, -0.31, 0.69}, []float64{0.1, -0.1, 0.1, -0.3, 0.7}},
		// No ADC: voltages pass unchanged.
		{Sensing{}, []float64{-5, 0.123456789, 1e9}, []float64{-5, 0.123456789, 1e9}},
	} {
		for i, v := range tc.in {
			if got := tc.s.Quantize(v); math.Abs(got-tc.out[i]) > 1e-12 {
				t.Errorf("%+v: Quantize(%g) = %.17g, want %g", tc.s, v, got, tc.out[i])
			}
		}
		v := append([]float64(nil), tc.in...)
		tc.s.Apply(v, nil)
		for i := range v {
			if v[i] != tc.s.Quantize(tc.in[i]) {
				t.Errorf("%+v: Apply gives %g for %g, Quantize %g", tc.s, v[i], tc.in[i], tc.s.Quantize(tc.in[i]))
			}
		}
	}
	if !math.IsNaN((Sensing{Bits: 4, Min: 0, Max: 1}).Quantize(math.NaN())) {
		t.Errorf("Quantize(NaN) is not NaN")
	}

	// Random voltages land on the grid, within half a step of where they
	// were if they were in range, and every level is reached.
	s := Sensing{Bits: 6, Min: -0.3, Max: 0.7}
	rng := rand.New(rand.NewPCG(1, 2))
	step := s.Step()
	if want := 1.0 / 63; math.Abs(step-want) > 1e-15 {
		t.Fatalf("Step = %g, want %g", step, want)
	}
	seen := map[int]bool{}
	for range 20000 {
		v := -0.5 + 1.4*rng.Float64()
		q := s.Quantize(v)
		k := (q - s.Min) / step
		ki := math.Round(k)
		if math.Abs(k-ki) > 1e-9 || ki < 0 || ki > 63 || q < s.Min || q > s.Max {
			t.Fatalf("Quantize(%g) = %.17g is not on the grid (level %.12g)", v, q, k)
		}
		seen[int(ki)] = true
		if in := v >= s.Min && v <= s.Max; in && math.Abs(q-v) > step/2*(1+1e-9) {
			t.Fatalf("Quantize(%g) = %g: more than half a step away", v, q)
		}
	}
	if len(seen) != 64 {
		t.Errorf("%d of 64 levels reached", len(seen))
	}
}

func TestSensingValidate(t *testing.T) {
	for _, tc := range []struct {
		s   Sensing
		key string // "" if valid
	}{
		{Sensing{}, ""},
		{Sensing{Noise: 1e-3}, ""},
		{Sensing{Bits: 1, Min: -1, Max: 1}, ""},
		{Sensing{Bits: 24, Min: 0, Max: 1, Noise: 1}, ""},
		{Sensing{Noise: -1e-3}, "noise"},
		{Sensing{Noise: math.NaN()}, "noise"},
		{Sensing{Noise: math.Inf(1)}, "noise"},
		{Sensing{Bits: 25, Min: 0, Max: 1}, "adc_bits"},
		{Sensing{Bits: -1}, "adc_bits"},
		{Sensing{Min: -1, Max: 1}, "adc_min"},
		{Sensing{Bits: 8}, "adc_max"},
		{Sensing{Bits: 8, Min: 1, Max: 1}, "adc_max"},
		{Sensing{Bits: 8, Min: 1, Max: -1}, "adc_max"},
		{Sensing{Bits: 8, Min: 0, Max: math.Inf(1)}, "adc_max"},
	} {
		err := tc.s.Validate()
		if tc.key == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.s, err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), "sense: "+tc.key+" = ") {
			t.Errorf("%+v: error %v, want one starting with %q", tc.s, err, "sense: "+tc.key+" = ")
		}
		if err := (Config{Sense: tc.s}).Validate(); err == nil {
			t.Errorf("%+v: Config.Validate accepts it", tc.s)
		}
	}
}

// TestSensingNoise checks that Apply adds zero-mean noise of the given
// standard deviation, independent from reading to reading, and that an
// ADC quantises the noisy value.
func TestSensingNoise(t *testing.T) {
	const n, sigma = 40000, 2e-3
	s := Sensing{Noise: sigma}
	v := make([]float64, n)
	for i := range v {
		v[i] = 0.25
	}
	s.Apply(v, rand.New(rand.NewPCG(3, 4)))
	var sum, sq, lag float64
	for i, x := range v {
		d := x - 0.25
		sum += d
		sq += d * d
		if i > 0 {
			lag += d * (v[i-1] - 0.25)
		}
	}
	mean, std := sum/n, math.Sqrt(sq/n)
	// The sample mean has a standard error of sigma/200 and the sample
	// standard deviation one of about sigma/283: allow five of each.
	if math.Abs(mean) > 5*sigma/200 || math.Abs(std-sigma) > 5*sigma/283 {
		t.Errorf("noise mean %g V, std %g V; want 0, %g", mean, std, sigma)
	}
	if r := lag / sq; math.Abs(r) > 5/math.Sqrt(n) {
		t.Errorf("successive readings correlate: %g", r)
	}

	// With an ADC of step 1 mV, a voltage 0.4 mV above a level reads as
	// that level or one of its neighbours, with the probabilities of the
	// normal distribution.
	s = Sensing{Noise: 1e-3, Bits: 10, Min: 0, Max: 1.023}
	for i := range v {
		v[i] = 0.5004
	}
	s.Apply(v, rand.New(rand.NewPCG(5, 6)))
	count := map[int]int{}
	for _, x := range v {
		k := math.Round(x / 1e-3)
		if math.Abs(x/1e-3-k) > 1e-9 {
			t.Fatalf("noisy reading %.17g is not on the grid", x)
		}
		count[int(k)-500]++
	}
	// P(reading = level 500+j) = Phi(j+0.1) - Phi(j-0.9) with noise in
	// units of the step, the voltage at level 500.4.
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	for j := -2; j <= 2; j++ {
		p := phi(float64(j)+0.1) - phi(float64(j)-0.9)
		got := float64(count[j]) / n
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(got-p) > 5*se+1e-4 {
			t.Errorf("level %+d: frequency %.4f, want %.4f", j, got, p)
		}
	}
}

// quantNet reads its measurements through an ADC itself: training it
// with exact read-out is the reference for training Native with the ADC
// in Config.Sense.
type quantNet struct {
	*Native
	s Sensing
}

func (q quantNet) Measure(m *Measurement) {
	q.Native.Measure(m)
	q.s.ApplyMeasurement(m, nil)
}

func (q quantNet) Clone() (Physical, error) {
	c, err := q.Native.Clone()
	if err != nil {
		return nil, err
	}
	return quantNet{c.(*Native), q.s}, nil
}

// TestTrainerSenseADC checks that with an ADC the estimator and the
// metrics see quantised measurements: the conductances, training and test
// metrics equal, bit for bit, those of exact read-out from a network that
// quantises its own measurements, and differ from ideal training.
func TestTrainerSenseADC(t *testing.T) {
	set := randomSet(30, 40, 4, 1)
	adc := Sensing{Bits: 7, Min: -0.6, Max: 0.6}
	run := func(net func(*Native) Physical, s Sensing) (*Trainer, []EpochStats, [2]float64) {
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
	plain := func(n *Native) Physical { return n }
	got, gotStats, gotEval := run(plain, adc)
	ref, refStats, refEval := run(func(n *Native) Physical { return quantNet{n, adc} }, Sensing{})
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
	for i, s := range got.slots {
		for _, m := range []*Measurement{s.m1, s.m2} {
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
		rep, err := GradCheck(n, xor, 0, 0, Config{Readout: Readout{High: 0.1, Low: -0.1}, Sense: s})
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
	if sn := newSensor(Sensing{}, 1); sn != nil {
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
