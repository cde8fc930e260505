package native

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop/dynamics"
	"github.com/eqsim/eqsim/solver/noise"

	"github.com/eqsim/eqsim/eqprop"
)

// TestMeasurementNoiseVsLangevin checks the thermal noise the trainer's
// measurements carry, drawn from the linearized network at the free
// equilibrium (one solve per draw), against the full Langevin transient of
// the same circuit (package solver/noise: seeded, thermal noise on every
// conductance and junction, window means over tau): on XOR and on a small
// layered network with amplifiers at 300 K, with a window of 100 of the
// circuit's slowest time constants, the standard deviation of every node
// the trainer reads (block sides and outputs) must agree within 10%. The
// Langevin estimate from 2,000 windows is good to some 2%, the draws' to
// 1%.
func TestMeasurementNoiseVsLangevin(t *testing.T) {
	if testing.Short() {
		t.Skip("Langevin transients")
	}
	for _, tc := range []struct {
		name string
		c    *circuit.Circuit
		nc   Config
		x    []float64
	}{
		{"xor", nil, Config{}, []float64{1, 0}},
		{"layered 4x6x3", nil, Config{}, []float64{0.2, 0.9, 0.5, 0.1}},
	} {
		if tc.name == "xor" {
			tc.c, tc.nc = xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 1)
		} else {
			tc.c, tc.nc = layeredNet(4, 6, 3, 2, 5)
		}
		tc.c.Temp = 300
		// The window: 100 slowest time constants at the free equilibrium.
		probe := mustNew(t, tc.c, tc.nc)
		probe.SetInput(tc.x)
		if err := probe.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		sys := probe.free.sys
		m, err := noise.Linearize(sys, probe.free.x)
		if err != nil {
			t.Fatal(err)
		}
		slow, _ := m.TimeConstants()
		tau := 100 * slow
		rep, err := noise.Analyze(sys, noise.Sampling{Window: tau, Samples: 2000, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		langevin := map[string]float64{}
		for _, nn := range rep.Nodes {
			langevin[nn.Name] = nn.StdLangevin
		}

		tc.c.ThermalNoise = true
		tc.nc.Dynamics = dynamics.Settings{Window: tau}
		n := mustNew(t, tc.c, tc.nc)
		n.SetInput(tc.x)
		if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
			t.Fatal(err)
		}
		exact := eqprop.NewMeasurement(n.Blocks(), n.Outputs())
		tc.c.ThermalNoise = false
		n.Measure(exact)
		tc.c.ThermalNoise = true
		const draws = 5000
		meas := eqprop.NewMeasurement(n.Blocks(), n.Outputs())
		// Per node the trainer reads (a node may be a side of several
		// blocks: one reading), the sum of squares of its noise.
		names, sq := map[int]string{}, map[int]float64{}
		for d := range draws {
			n.KeyNoise(1, uint64(d))
			n.Measure(meas)
			seen := map[int]bool{}
			add := func(j int, dv float64) {
				if !seen[j] {
					seen[j], names[j] = true, sys.Nodes()[j-1]
					sq[j] += dv * dv
				}
			}
			for k := range n.Blocks() {
				for i, j := range n.free.aIdx[k] {
					add(j, meas.A[k][i]-exact.A[k][i])
				}
				for i, j := range n.free.bIdx[k] {
					add(j, meas.B[k][i]-exact.B[k][i])
				}
			}
		}
		checked, worst := 0, 0.0
		for j, name := range names {
			got, want := math.Sqrt(sq[j]/draws), langevin[name]
			if want == 0 {
				if got != 0 {
					t.Errorf("%s: node %s is held by a source, yet its reading has %.3g V of noise", tc.name, name, got)
				}
				continue
			}
			checked++
			worst = math.Max(worst, math.Abs(got-want)/want)
			if math.Abs(got-want) > 0.1*want {
				t.Errorf("%s: node %s: std %.4g V from the linearized draws, %.4g V from the Langevin transient", tc.name, name, got, want)
			}
		}
		t.Logf("%s: window %.3g s, %d nodes, largest deviation from the Langevin transient %.1f%% (%d windows, step %.3g s)",
			tc.name, tau, checked, 100*worst, rep.Samples, rep.Schedule.Step)
	}
}
