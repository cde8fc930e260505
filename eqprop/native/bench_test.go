package native

import (
	"fmt"
	"testing"

	"github.com/eqsim/eqsim/eqprop/dynamics"

	"github.com/eqsim/eqsim/eqprop"
)

// BenchmarkTrainStepThermal is BenchmarkTrainStep with thermal noise on
// the measurements (a 100 us window at 300 K, the equilibrium method):
// each phase costs its DC power, and each measurement a draw of the noise
// sources and one solve of the linearized network.
func BenchmarkTrainStepThermal(b *testing.B) {
	for _, h := range []int{100} {
		b.Run(fmt.Sprintf("784x%dx10", h), func(b *testing.B) {
			c, nc := kendall(784, h, 10, 1)
			c.Temp, c.ThermalNoise = 300, true
			nc.Dynamics = dynamics.Settings{Window: 100e-6}
			n := mustNew(b, c, nc)
			const batch = 20
			set := randomSet(batch, 784, 10, 1)
			tr, err := eqprop.NewTrainer(n, eqprop.Config{BatchSize: batch, Readout: eqprop.Readout{High: 0.1, Low: -0.1}})
			if err != nil {
				b.Fatal(err)
			}
			epochs(b, tr, set)
		})
	}
}
