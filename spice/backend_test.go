package spice_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/spice"
)

// backendPair returns the native and the ngspice backend of circuit c
// (each on a copy, so that they share no conductances) with the input
// "in" or the only input, and the outputs of group out.
func backendPair(t testing.TB, c func() *circuit.Circuit, input, out string, nudge eqprop.NudgeKind) (*native.Network, *spice.Ngspice) {
	t.Helper()
	c1, c2 := c(), c()
	g, ok := c1.Group(out)
	if !ok {
		t.Fatalf("no group %q", out)
	}
	nat, err := native.New(c1, native.Config{Input: input, Outputs: g.Nodes(), Nudge: nudge})
	if err != nil {
		t.Fatal(err)
	}
	ng, err := spice.NewNgspice(c2, spice.BackendConfig{Input: input, Outputs: g.Nodes(), Nudge: nudge})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ng.Close() })
	return nat, ng
}

// xorCircuit parses examples/xor.toml; its input is "x" and its outputs
// group "o".
func xorCircuit(t testing.TB) (*netlist.Netlist, func() *circuit.Circuit) {
	t.Helper()
	path := filepath.Join("..", "examples", "xor.toml")
	nl, err := netlist.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return nl, func() *circuit.Circuit {
		nl, err := netlist.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return nl.Circuit
	}
}

// blocksCircuit is the random layered network of seed with its input
// "in" and outputs "y" (circuittest.Random's block network, with an
// amplifier).
func blocksCircuit(seed uint64) func() *circuit.Circuit {
	return func() *circuit.Circuit {
		return circuittest.Random(rand.New(rand.NewPCG(seed, 0xe95)), circuittest.RandomOptions{Controlled: true, Blocks: true})
	}
}

// sameMeasurement checks that two measurements agree within tol volts
// plus tol relative.
func sameMeasurement(t *testing.T, what string, a, b *eqprop.Measurement, tol float64) {
	t.Helper()
	check := func(kind string, x, y []float64) {
		for i := range x {
			if d := math.Abs(x[i] - y[i]); !(d <= tol*(1+math.Abs(x[i]))) {
				t.Errorf("%s: %s[%d] native %.17g, ngspice %.17g (differ by %.3g V)", what, kind, i, x[i], y[i], d)
			}
		}
	}
	check("output", a.Outputs, b.Outputs)
	for k := range a.A {
		check("side A", a.A[k], b.A[k])
		check("side B", a.B[k], b.B[k])
	}
}

// TestNgspiceBackendPhases drives eqsim's solver and ngspice through the
// same phases of every kind, on the XOR example and on random layered
// networks, and compares every measured voltage: the two backends are
// independent solvers of one circuit, so they must agree to their
// tolerances (1e-9 V).
func TestNgspiceBackendPhases(t *testing.T) {
	needNgspice(t)
	_, xor := xorCircuit(t)
	cases := []struct {
		name       string
		c          func() *circuit.Circuit
		input, out string
	}{
		{"xor", xor, "x", "o"},
		{"blocks3", blocksCircuit(3), "in", "y"},
		{"blocks8", blocksCircuit(8), "in", "y"},
	}
	for _, tc := range cases {
		for _, nudge := range []eqprop.NudgeKind{eqprop.NudgeCurrent, eqprop.NudgeConductance} {
			t.Run(tc.name+"/"+nudge.String(), func(t *testing.T) {
				nat, ng := backendPair(t, tc.c, tc.input, tc.out, nudge)
				if len(nat.Blocks()) != len(ng.Blocks()) {
					t.Fatalf("blocks %+v, native %+v", ng.Blocks(), nat.Blocks())
				}
				for k, b := range nat.Blocks() {
					if ng.Blocks()[k] != b {
						t.Errorf("block %d: %+v, native %+v", k, ng.Blocks()[k], b)
					}
				}
				rng := rand.New(rand.NewPCG(1, 2))
				x := make([]float64, nat.Features())
				y := make([]float64, nat.Outputs())
				beta := 1e-6
				if nudge == eqprop.NudgeConductance {
					beta = 1e-5
				}
				m1 := eqprop.NewMeasurement(nat.Blocks(), nat.Outputs())
				m2 := eqprop.NewMeasurement(nat.Blocks(), nat.Outputs())
				for sample := range 3 {
					for i := range x {
						x[i] = rng.Float64()
					}
					for i := range y {
						y[i] = rng.Float64() - 0.5
					}
					nat.SetInput(x)
					ng.SetInput(x)
					phases := []eqprop.Phase{
						{Kind: eqprop.Free},
						{Kind: eqprop.Nudged, Beta: beta, Target: y},
						{Kind: eqprop.Nudged, Beta: -beta, Target: y},
						{Kind: eqprop.Clamped, Target: y},
						{Kind: eqprop.Coupled, Eta: 0.3, Target: y},
						{Kind: eqprop.Free},
					}
					for _, p := range phases {
						if err := nat.Relax(p); err != nil {
							t.Fatal(err)
						}
						if err := ng.Relax(p); err != nil {
							t.Fatal(err)
						}
						nat.Measure(m1)
						ng.Measure(m2)
						sameMeasurement(t, "sample "+string(rune('0'+sample))+" "+p.Kind.String(), m1, m2, 1e-9)
					}
				}
			})
		}
	}
}

// TestNgspiceBackendProgram programs one conductance (sent by alter) and
// then every one (sent as a new deck) and checks that ngspice sees them,
// on the free equilibrium of the native backend programmed alike.
func TestNgspiceBackendProgram(t *testing.T) {
	needNgspice(t)
	nat, ng := backendPair(t, blocksCircuit(4), "in", "y", eqprop.NudgeCurrent)
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, nat.Features())
	for i := range x {
		x[i] = rng.Float64()
	}
	m1 := eqprop.NewMeasurement(nat.Blocks(), nat.Outputs())
	m2 := eqprop.NewMeasurement(nat.Blocks(), nat.Outputs())
	compare := func(what string) {
		t.Helper()
		for _, n := range []eqprop.Physical{nat, ng} {
			n.SetInput(x)
			if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
				t.Fatal(err)
			}
		}
		nat.Measure(m1)
		ng.Measure(m2)
		sameMeasurement(t, what, m1, m2, 1e-9)
	}
	compare("before")
	for k, b := range nat.Blocks() {
		g := make([]float64, b.Rows*b.Cols)
		nat.ConductancesTo(g, k)
		i := len(g) / 2
		for g[i] == 0 {
			i = (i + 1) % len(g)
		}
		g[i] *= 5
		nat.Program(k, g)
		ng.Program(k, g)
		_, loads := spice.NgspiceCounts(ng)
		compare("one conductance of " + b.Name)
		if _, l := spice.NgspiceCounts(ng); l != loads {
			t.Errorf("one conductance of %s: the deck was loaded again; want an alter", b.Name)
		}
		for i := range g {
			g[i] = 1e-6 * (0.1 + rng.Float64())
		}
		nat.Program(k, g)
		ng.Program(k, g)
		compare("all conductances of " + b.Name)
		if _, l := spice.NgspiceCounts(ng); l != loads+1 {
			t.Errorf("all conductances of %s: %d loads of the deck, want 1", b.Name, l-loads)
		}
	}
	// The clone shares the conductances.
	cl, err := ng.Clone()
	if err != nil {
		t.Fatal(err)
	}
	cl.SetInput(x)
	if err := cl.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		t.Fatal(err)
	}
	cl.Measure(m2)
	sameMeasurement(t, "clone", m1, m2, 1e-9)
}

// TestNgspiceBackendHistory checks that an equilibrium does not depend on
// what ngspice solved before: the same sample after another gives the
// same voltages, bit for bit.
func TestNgspiceBackendHistory(t *testing.T) {
	needNgspice(t)
	_, ng := backendPair(t, blocksCircuit(2), "in", "y", eqprop.NudgeCurrent)
	m := func(x []float64) *eqprop.Measurement {
		ng.SetInput(x)
		if err := ng.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		r := eqprop.NewMeasurement(ng.Blocks(), ng.Outputs())
		ng.Measure(r)
		return r
	}
	a, b := make([]float64, ng.Features()), make([]float64, ng.Features())
	for i := range a {
		a[i], b[i] = 0.2+0.1*float64(i), 1-0.2*float64(i)
	}
	first := m(a)
	m(b)
	again := m(a)
	sameMeasurement(t, "again", first, again, 0)
}

// TestNgspiceBackendTrainsLikeNative trains examples/xor.toml for 20
// steps with each backend and compares the conductances: within 1e-6
// relative. Trained in ngspice on one worker instead of two, they are the
// same bit for bit.
func TestNgspiceBackendTrainsLikeNative(t *testing.T) {
	needNgspice(t)
	nl, xor := xorCircuit(t)
	cfg := nl.TrainingConfig()
	cfg.Epochs, cfg.Workers = 20, 2
	train, _, err := dataset.Load(dataset.Spec{Name: "xor"})
	if err != nil {
		t.Fatal(err)
	}
	nat, ng := backendPair(t, xor, nl.Training.Input, nl.Output.Group, cfg.Nudge)
	_, ng1 := backendPair(t, xor, nl.Training.Input, nl.Output.Group, cfg.Nudge)
	var gs [3][][]float64
	for i, net := range []eqprop.Physical{nat, ng, ng1} {
		cfg := cfg
		if i == 2 {
			cfg.Workers = 1
		}
		tr, err := eqprop.NewTrainer(net, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			if _, err := tr.Epoch(context.Background(), train, nil); err != nil {
				t.Fatal(err)
			}
		}
		for k, b := range net.Blocks() {
			c := make([]float64, b.Rows*b.Cols)
			net.ConductancesTo(c, k)
			gs[i] = append(gs[i], c)
		}
	}
	if n := train.Len(); n != cfg.WithDefaults().BatchSize {
		t.Fatalf("%d samples, batch %d: 20 epochs are not 20 steps", n, cfg.WithDefaults().BatchSize)
	}
	worst := 0.0
	for k := range gs[0] {
		for i, a := range gs[0][k] {
			worst = math.Max(worst, math.Abs(a-gs[1][k][i])/math.Abs(a))
		}
	}
	t.Logf("largest relative difference of the conductances after 20 steps: %.3g", worst)
	if !(worst <= 1e-6) {
		t.Errorf("conductances differ by %.3g relative, more than 1e-6", worst)
	}
	for k := range gs[1] {
		for i, a := range gs[1][k] {
			if b := gs[2][k][i]; math.Float64bits(a) != math.Float64bits(b) {
				t.Fatalf("block %d, conductance %d: %v on two workers, %v on one", k, i, a, b)
			}
		}
	}
}

// TestNgspiceBackendMissing makes the backend with no ngspice on PATH, and
// relaxes it with an ngspice that dies at once.
func TestNgspiceBackendMissing(t *testing.T) {
	c := blocksCircuit(1)()
	cfg := spice.BackendConfig{Input: "in", Outputs: []string{"y[0]"}}
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	_, err := spice.NewNgspice(c, cfg)
	if !errors.Is(err, spice.ErrNoNgspice) || !strings.Contains(err.Error(), "apt-get install -y ngspice") {
		t.Errorf("without ngspice: %v, want ErrNoNgspice with the install command", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ngspice"), []byte("#!/bin/sh\necho broken >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	n, err := spice.NewNgspice(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	n.SetInput(make([]float64, n.Features()))
	err = n.Relax(eqprop.Phase{Kind: eqprop.Free})
	var ne *spice.NgspiceError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "exited") || !strings.Contains(err.Error(), "broken") {
		t.Errorf("with a broken ngspice: %v, want an *NgspiceError with its last words", err)
	}
}

// BenchmarkPhase measures the time of one phase (the free phase and the
// two nudged phases of the centered estimator, in turn, a new sample every
// three) of each backend on the XOR example and on a 196-32-10 network.
// Besides the wall time per phase it reports cpu-ns/phase, the processor
// time of eqsim and of its ngspice processes per phase, which other jobs
// on the machine disturb less.
func BenchmarkPhase(b *testing.B) {
	_, xor := xorCircuit(b)
	kendall := func() *circuit.Circuit { return circuittest.KendallNetwork(196, 32, 10, 1) }
	for _, tc := range []struct {
		name       string
		c          func() *circuit.Circuit
		input, out string
	}{{"XOR", xor, "x", "o"}, {"196x32x10", kendall, "in", "y"}} {
		for _, backend := range []string{"native", "ngspice"} {
			b.Run(tc.name+"/"+backend, func(b *testing.B) {
				if backend == "ngspice" {
					needNgspice(b)
				}
				nat, ng := backendPair(b, tc.c, tc.input, tc.out, eqprop.NudgeCurrent)
				var net eqprop.Physical = nat
				if backend == "ngspice" {
					net = ng
				}
				rng := rand.New(rand.NewPCG(5, 6))
				x := make([]float64, net.Features())
				y := make([]float64, net.Outputs())
				phase := 0
				relax := func() {
					p := eqprop.Phase{Kind: eqprop.Free}
					switch phase % 3 {
					case 0:
						for i := range x {
							x[i] = rng.Float64()
						}
						net.SetInput(x)
					case 1:
						p = eqprop.Phase{Kind: eqprop.Nudged, Beta: 1e-6, Target: y}
					case 2:
						p = eqprop.Phase{Kind: eqprop.Nudged, Beta: -1e-6, Target: y}
					}
					phase++
					if err := net.Relax(p); err != nil {
						b.Fatal(err)
					}
				}
				relax() // starts ngspice and loads the deck
				start := cpuTime()
				phase = 3
				for b.Loop() {
					relax()
				}
				ng.Close() // so that the processes' time is counted
				b.ReportMetric(float64(cpuTime()-start)/float64(phase-3), "cpu-ns/phase")
			})
		}
	}
}

// cpuTime returns the processor time, user and system, of this process
// and of its children that have ended, in nanoseconds.
func cpuTime() int64 {
	var t int64
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var r syscall.Rusage
		if err := syscall.Getrusage(who, &r); err == nil {
			t += r.Utime.Nano() + r.Stime.Nano()
		}
	}
	return t
}
