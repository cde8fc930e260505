package sense

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestQuantize(t *testing.T) {
	for _, tc := range []struct {
		s       Chain
		in, out []float64
	}{
		// Four levels 0, 1, 2, 3 V; halves round away from zero.
		{Chain{Bits: 2, Min: 0, Max: 3}, []float64{-5, 0, 0.49, 0.5, 1.4, 1.6, 2.5, 2.99, 3, 7}, []float64{0, 0, 0, 1, 1, 2, 3, 3, 3, 3}},
		// Two levels: the ends.
		{Chain{Bits: 1, Min: -1, Max: 1}, []float64{-0.1, 0.1, -3, 3}, []float64{-1, 1, -1, 1}},
		// 3 bits over [-0.7, 0.7]: step 0.2 V.
		{Chain{Bits: 3, Min: -0.7, Max: 0.7}, []float64{0.05, -0.05, 0.11, -0.31, 0.69}, []float64{0.1, -0.1, 0.1, -0.3, 0.7}},
		// No ADC: voltages pass unchanged.
		{Chain{}, []float64{-5, 0.123456789, 1e9}, []float64{-5, 0.123456789, 1e9}},
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
	if !math.IsNaN((Chain{Bits: 4, Min: 0, Max: 1}).Quantize(math.NaN())) {
		t.Errorf("Quantize(NaN) is not NaN")
	}

	// Random voltages land on the grid, within half a step of where they
	// were if they were in range, and every level is reached.
	s := Chain{Bits: 6, Min: -0.3, Max: 0.7}
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

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		s   Chain
		key string // "" if valid
	}{
		{Chain{}, ""},
		{Chain{Noise: 1e-3}, ""},
		{Chain{Bits: 1, Min: -1, Max: 1}, ""},
		{Chain{Bits: 24, Min: 0, Max: 1, Noise: 1}, ""},
		{Chain{Noise: -1e-3}, "noise"},
		{Chain{Noise: math.NaN()}, "noise"},
		{Chain{Noise: math.Inf(1)}, "noise"},
		{Chain{Bits: 25, Min: 0, Max: 1}, "adc_bits"},
		{Chain{Bits: -1}, "adc_bits"},
		{Chain{Min: -1, Max: 1}, "adc_min"},
		{Chain{Bits: 8}, "adc_max"},
		{Chain{Bits: 8, Min: 1, Max: 1}, "adc_max"},
		{Chain{Bits: 8, Min: 1, Max: -1}, "adc_max"},
		{Chain{Bits: 8, Min: 0, Max: math.Inf(1)}, "adc_max"},
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
	}
}

// TestNoise checks that Apply adds zero-mean noise of the given
// standard deviation, independent from reading to reading, and that an
// ADC quantises the noisy value.
func TestNoise(t *testing.T) {
	const n, sigma = 40000, 2e-3
	s := Chain{Noise: sigma}
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
	s = Chain{Noise: 1e-3, Bits: 10, Min: 0, Max: 1.023}
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
