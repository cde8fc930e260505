package device

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// uniform returns n conductances spread over [lo, hi] and beyond by frac of
// the range on either side.
func uniform(rng *rand.Rand, n int, lo, hi, frac float64) []float64 {
	g := make([]float64, n)
	w := hi - lo
	for i := range g {
		g[i] = lo - frac*w + rng.Float64()*(1+2*frac)*w
	}
	return g
}

func TestIdealBitIdentical(t *testing.T) {
	for _, p := range []Params{{}, {Kind: Ideal, GMin: 1e-6, GMax: 2e-5}} {
		a, err := New(p, 1000, 1)
		if err != nil {
			t.Fatal(err)
		}
		q := a.Params()
		rng := rand.New(rand.NewPCG(2, 3))
		g := uniform(rng, a.Len(), q.GMin, q.GMax, 0.1)
		for step := range 20 {
			dg := make([]float64, len(g))
			for i := range dg {
				dg[i] = (rng.Float64() - 0.5) * 0.3 * (q.GMax - q.GMin)
			}
			want := make([]float64, len(g))
			for i := range g {
				v := g[i] + dg[i]
				want[i] = math.Min(math.Max(v, q.GMin), q.GMax)
			}
			a.Update(g, dg, nil)
			for i := range g {
				if math.Float64bits(g[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%+v step %d device %d: g = %v, want clip(g+dg) = %v", p, step, i, g[i], want[i])
				}
			}
		}
	}
}

func TestLevels(t *testing.T) {
	for _, kind := range Kinds {
		p := Params{Kind: kind, GMin: 1e-6, GMax: 1e-4, Levels: 7, DwMin: 1e-7, DwMinStd: 0.3, Gamma: 0.5, A: 0.1, B: 1}
		a, err := New(p, 500, 4)
		if err != nil {
			t.Fatal(err)
		}
		h := (p.GMax - p.GMin) / float64(p.Levels-1)
		onLevel := func(what string, g []float64) {
			t.Helper()
			for i, v := range g {
				k := (v - p.GMin) / h
				if math.Abs(k-math.Round(k)) > 1e-9 || k < -1e-9 || k > float64(p.Levels-1)+1e-9 {
					t.Fatalf("%s %s: device %d at %g S is level %g, not an integer in [0, %d]", kind, what, i, v, k, p.Levels-1)
				}
			}
		}
		rng := rand.New(rand.NewPCG(5, 6))
		g := uniform(rng, a.Len(), p.GMin, p.GMax, 0.2)
		a.Program(g)
		onLevel("Program", g)
		seen := map[float64]bool{}
		for range 10 {
			dg := make([]float64, len(g))
			for i := range dg {
				dg[i] = (rng.Float64() - 0.5) * 0.5 * (p.GMax - p.GMin)
			}
			a.Update(g, dg, rng)
			onLevel("Update", g)
			for _, v := range g {
				seen[v] = true
			}
		}
		if len(seen) < 3 {
			t.Errorf("%s: only %d distinct levels visited; the test does not exercise quantisation", kind, len(seen))
		}
	}
}

func TestLevelsLoseSmallChanges(t *testing.T) {
	p := Params{GMin: 0, GMax: 1e-4, Levels: 11}
	a, err := New(p, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	g := []float64{5e-5}
	a.Program(g)
	start := g[0]
	// Less than half a level spacing (1e-5 S): always rounded back.
	for range 100 {
		a.Update(g, []float64{0.4e-5}, nil)
	}
	if g[0] != start {
		t.Errorf("sub-level updates moved g from %g to %g S", start, g[0])
	}
	a.Update(g, []float64{0.6e-5}, nil)
	if want := a.Level(6); g[0] != want {
		t.Errorf("after 0.6 level: g = %g S, want level 6 = %g S", g[0], want)
	}
}

func TestStuck(t *testing.T) {
	for _, at := range []string{StuckGMin, StuckGMax, StuckRandom} {
		p := Params{Kind: SoftBounds, GMin: 1e-6, GMax: 1e-4, DwMin: 1e-6, DwMinStd: 0.2, StuckFraction: 0.25, StuckAt: at}
		const n = 400
		a, err := New(p, n, 7)
		if err != nil {
			t.Fatal(err)
		}
		stuck := 0
		for i := range n {
			d := a.Device(i)
			if !d.Stuck {
				continue
			}
			stuck++
			switch {
			case at == StuckGMin && d.StuckAt != p.GMin, at == StuckGMax && d.StuckAt != p.GMax,
				d.StuckAt < p.GMin || d.StuckAt > p.GMax:
				t.Fatalf("%s: device %d stuck at %g S", at, i, d.StuckAt)
			}
		}
		if stuck != n/4 {
			t.Fatalf("%s: %d stuck devices, want %d", at, stuck, n/4)
		}
		rng := rand.New(rand.NewPCG(8, 9))
		g := uniform(rng, n, p.GMin, p.GMax, 0)
		a.Program(g)
		moved := 0
		for range 200 {
			dg := make([]float64, n)
			for i := range dg {
				dg[i] = (rng.Float64() - 0.5) * 4e-5
			}
			before := append([]float64(nil), g...)
			a.Update(g, dg, rng)
			for i := range n {
				d := a.Device(i)
				if d.Stuck && g[i] != d.StuckAt {
					t.Fatalf("%s: stuck device %d moved to %g S from %g S", at, i, g[i], d.StuckAt)
				}
				if !d.Stuck && g[i] != before[i] {
					moved++
				}
			}
		}
		if moved == 0 {
			t.Errorf("%s: no free device moved; the test does not exercise updates", at)
		}
	}
}

// TestStepEquations checks one pulse of every kind, at several positions
// in the range, against the equations of the package documentation.
func TestStepEquations(t *testing.T) {
	const gmin, gmax, dw, ud = 2e-6, 1e-4, 1e-7, 0.2
	cases := []struct {
		p        Params
		up, down func(x float64) float64
	}{
		{Params{Kind: Constant}, func(float64) float64 { return 1 }, func(float64) float64 { return 1 }},
		{Params{Kind: Linear, Gamma: 0.6},
			func(x float64) float64 { return 1 - 0.6*x }, func(x float64) float64 { return 1 - 0.6*(1-x) }},
		{Params{Kind: SoftBounds},
			func(x float64) float64 { return 1 - x }, func(x float64) float64 { return x }},
		{Params{Kind: Exp, A: 0.05, B: 2.5},
			func(x float64) float64 { return math.Max(0, 1-0.05*math.Exp(2.5*x)) },
			func(x float64) float64 { return math.Max(0, 1-0.05*math.Exp(2.5*(1-x))) }},
		{Params{Kind: Pow, Gamma: 1.7},
			func(x float64) float64 { return math.Pow(1-x, 1.7) }, func(x float64) float64 { return math.Pow(x, 1.7) }},
	}
	xs := []float64{0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99}
	for _, c := range cases {
		p := c.p
		p.GMin, p.GMax, p.DwMin, p.UpDown = gmin, gmax, dw, ud
		a, err := New(p, len(xs), 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, up := range []bool{true, false} {
			g := make([]float64, len(xs))
			dg := make([]float64, len(xs))
			for i, x := range xs {
				g[i] = gmin + x*(gmax-gmin)
				dg[i] = -dw
				if up {
					dg[i] = dw
				}
			}
			g0 := append([]float64(nil), g...)
			a.Update(g, dg, nil)
			for i, x := range xs {
				want := -dw * (1 - ud) * c.down(x)
				if up {
					want = dw * (1 + ud) * c.up(x)
				}
				got := g[i] - g0[i]
				if math.Abs(got-want) > 1e-9*dw {
					t.Errorf("%s up=%v x=%g: step %g S, want %g S", p.Kind, up, x, got, want)
				}
			}
		}
	}
}

// TestSoftBoundsSaturate checks that repeated soft-bound pulses approach
// the bound geometrically, as g_max - g_n = (g_max - g_0)(1 - s/range)^n.
func TestSoftBoundsSaturate(t *testing.T) {
	const gmin, gmax, dw = 0.0, 1e-4, 2e-6
	a, err := New(Params{Kind: SoftBounds, GMin: gmin, GMax: gmax, DwMin: dw}, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	g := []float64{0.2 * gmax, 0.8 * gmax}
	const n = 300
	a.Update(g, []float64{n * dw, -n * dw}, nil)
	r := math.Pow(1-dw/(gmax-gmin), n)
	if want := gmax - 0.8*gmax*r; math.Abs(g[0]-want) > 1e-9*gmax {
		t.Errorf("up: g = %g S, want %g S", g[0], want)
	}
	if want := 0.8 * gmax * r; math.Abs(g[1]-want) > 1e-9*gmax {
		t.Errorf("down: g = %g S, want %g S", g[1], want)
	}
	if g[0] >= gmax || g[1] <= gmin {
		t.Errorf("soft bounds reached a bound: %g, %g", g[0], g[1])
	}
}

func TestUpDownRatio(t *testing.T) {
	for _, ud := range []float64{-0.5, 0, 0.3} {
		for _, kind := range []string{Ideal, Constant} {
			p := Params{Kind: kind, GMin: 0, GMax: 1e-4, DwMin: 1e-7, UpDown: ud}
			a, err := New(p, 2, 0)
			if err != nil {
				t.Fatal(err)
			}
			g := []float64{5e-5, 5e-5}
			a.Update(g, []float64{1e-6, -1e-6}, nil)
			up, down := g[0]-5e-5, 5e-5-g[1]
			if want := (1 + ud) / (1 - ud); math.Abs(up/down-want) > 1e-9 {
				t.Errorf("%s up_down=%g: up/down = %g, want %g", kind, ud, up/down, want)
			}
			if want := 1e-6 * (1 + ud); math.Abs(up-want) > 1e-9*want {
				t.Errorf("%s up_down=%g: up step %g S, want %g S", kind, ud, up, want)
			}
		}
	}
}

// TestWriteNoise checks that one pulse's step has the requested relative
// standard deviation and mean dw_min, for the pulsed and the ideal device.
func TestWriteNoise(t *testing.T) {
	const n, std, dw = 100000, 0.25, 1e-7
	for _, kind := range []string{Constant, Ideal} {
		a, err := New(Params{Kind: kind, GMin: 0, GMax: 1e-4, DwMin: dw, DwMinStd: std}, n, 0)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, n)
		dg := make([]float64, n)
		for i := range g {
			g[i], dg[i] = 5e-5, dw
		}
		a.Update(g, dg, rand.New(rand.NewPCG(10, 11)))
		var s, s2 float64
		for _, v := range g {
			r := (v - 5e-5) / dw
			s += r
			s2 += r * r
		}
		mean := s / n
		sd := math.Sqrt(s2/n - mean*mean)
		// Standard errors: std/sqrt(n) = 8e-4 for the mean, std/sqrt(2n) = 6e-4 for sd.
		if math.Abs(mean-1) > 4e-3 || math.Abs(sd-std) > 4e-3 {
			t.Errorf("%s: relative step mean %.4f sd %.4f, want 1 and %g", kind, mean, sd, std)
		}
	}
}

func TestDeviceToDevice(t *testing.T) {
	p := Params{Kind: Constant, GMin: 1e-6, GMax: 1e-4, DwMin: 1e-7,
		DwMinDtoD: 0.3, UpDownDtoD: 0.05, GMinDtoD: 0.1, GMaxDtoD: 0.2, StuckFraction: 0.1, StuckAt: StuckRandom}
	const n = 20000
	a1, _ := New(p, n, 42)
	a2, err := New(p, n, 42)
	if err != nil {
		t.Fatal(err)
	}
	a3, _ := New(p, n, 43)
	same3 := 0
	var s, s2 float64
	for i := range n {
		d1, d2, d3 := a1.Device(i), a2.Device(i), a3.Device(i)
		if d1 != d2 {
			t.Fatalf("device %d: %+v and %+v from the same seed", i, d1, d2)
		}
		if d1 == d3 {
			same3++
		}
		r := d1.DwMin/p.DwMin - 1
		s += r
		s2 += r * r
	}
	if same3 > 0 {
		t.Errorf("%d devices identical across seeds 42 and 43", same3)
	}
	if sd := math.Sqrt(s2/n - (s/n)*(s/n)); math.Abs(sd-0.3) > 0.01 {
		t.Errorf("dw_min relative sd %.4f, want 0.3", sd)
	}
	// Streams are independent: turning off g_max variation leaves dw_min draws alone.
	q := p
	q.GMaxDtoD = 0
	a4, _ := New(q, n, 42)
	for i := range n {
		if a4.Device(i).DwMin != a1.Device(i).DwMin {
			t.Fatalf("device %d: dw_min changed when g_max_dtod was turned off", i)
		}
	}
	// A device with a larger dw_min moves more for the same request.
	g := []float64{5e-5, 5e-5}
	b, _ := New(Params{Kind: Constant, GMin: 1e-6, GMax: 1e-4, DwMin: 1e-7, DwMinDtoD: 0.3}, 2, 42)
	b.Update(g, []float64{1e-6, 1e-6}, nil)
	for i := range 2 {
		if want := 5e-5 + 10*b.Device(i).DwMin; math.Abs(g[i]-want) > 1e-12*want {
			t.Errorf("device %d: g = %g S, want 10 pulses of its dw_min = %g S", i, g[i], want)
		}
	}
}

func TestValidation(t *testing.T) {
	cases := []struct {
		p    Params
		want string
	}{
		{Params{Kind: "memristor"}, "unknown kind"},
		{Params{GMin: 1e-4, GMax: 1e-6}, "g_min"},
		{Params{GMin: -1, GMax: 1e-6}, "g_min"},
		{Params{DwMin: -1e-9}, "dw_min"},
		{Params{DwMin: 1}, "exceeds the range"},
		{Params{UpDown: 1}, "up_down"},
		{Params{Kind: Linear, Gamma: 1.5}, "gamma"},
		{Params{Kind: Pow, Gamma: -1}, "gamma"},
		{Params{Kind: Exp, A: -0.1}, "a = "},
		{Params{DwMinDtoD: -0.1}, "device-to-device"},
		{Params{DwMinStd: -0.1}, "dw_min_std"},
		{Params{Levels: 1}, "levels"},
		{Params{Levels: -3}, "levels"},
		{Params{StuckFraction: 1.5}, "stuck_fraction"},
		{Params{StuckAt: "middle"}, "stuck_at"},
		{Params{MaxPulses: -1}, "max_pulses"},
		{Params{B: math.NaN()}, "finite"},
	}
	for _, c := range cases {
		_, err := New(c.p, 3, 0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.p, err, c.want)
		}
	}
	if _, err := New(Params{Kind: Pow, Gamma: 2, Levels: 2, StuckFraction: 1, StuckAt: StuckGMax}, 3, 0); err != nil {
		t.Errorf("valid params rejected: %v", err)
	}
}

// TestConstantShortcut checks that constant noiseless steps that run into
// a bound end exactly where applying them one at a time ends, including
// requests that just reach the bound or fall just short of it, and that
// the shortcut is taken for long runs.
func TestConstantShortcut(t *testing.T) {
	a, err := New(Params{Kind: Constant, GMin: 1e-8, GMax: 1e-5, DwMin: 5e-9, UpDown: 0.1}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := &a.dev[0]
	rng := rand.New(rand.NewPCG(3, 4))
	shortcuts := 0
	for range 20000 {
		g := d.GMin + rng.Float64()*(d.GMax-d.GMin)
		up := rng.IntN(2) == 0
		dist := d.GMax - g
		s := d.DwMin * (1 + d.UpDown)
		if !up {
			dist, s = g-d.GMin, d.DwMin*(1-d.UpDown)
		}
		// Around the number of pulses that reaches the bound, or far past it.
		n := int(dist/s) + rng.IntN(5) - 2
		if rng.IntN(4) == 0 {
			n = rng.IntN(a.p.MaxPulses)
		}
		n = max(0, min(n, a.p.MaxPulses))
		want := a.pulseLoop(d, g, up, n, s, nil)
		got := a.pulses(d, g, up, float64(n)*a.p.DwMin, nil)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("g %g, %d pulses up=%v: %g, one at a time %g", g, n, up, got, want)
		}
		if n > 0 && surelyCrosses(g, s, n, up, d.GMin, d.GMax) {
			shortcuts++
		}
	}
	if shortcuts < 1000 {
		t.Errorf("the shortcut was taken %d times of 20000", shortcuts)
	}
}
