package noise

import (
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
)

// kendall returns the compiled 784-100-10 Kendall-style network and its
// free equilibrium.
func kendall(b *testing.B) (*mna.System, []float64) {
	sys, err := mna.Compile(circuittest.KendallNetwork(784, 100, 10, 1))
	if err != nil {
		b.Fatal(err)
	}
	dc, err := solver.Auto(sys, nil)
	if err != nil {
		b.Fatal(err)
	}
	return sys, dc.X
}

// BenchmarkLinearize measures the linearised noise model of the MNIST-size
// network at its equilibrium: Jacobian, reduction through the amplifiers'
// branch equations, Lyapunov equation.
func BenchmarkLinearize(b *testing.B) {
	b.Run("784x100x10", func(b *testing.B) {
		sys, x := kendall(b)
		for b.Loop() {
			if _, err := Linearize(sys, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLangevin measures a Langevin transient of 1000 steps of 1 ns
// of the MNIST-size network from its equilibrium, on the layered path; it
// reports the time per step.
func BenchmarkLangevin(b *testing.B) {
	b.Run("784x100x10", func(b *testing.B) {
		sys, x := kendall(b)
		l, err := solver.NewLayered(sys)
		if err != nil {
			b.Fatal(err)
		}
		const steps = 1000
		set := &solver.TransientSettings{Noise: solver.NoiseOn, Seed: 1, NoiseStep: 1e-9, StopTime: steps * 1e-9}
		for b.Loop() {
			if _, err := l.Transient(x, set); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
	})
}
