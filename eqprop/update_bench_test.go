package eqprop_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	. "github.com/eqsim/eqsim/eqprop"
)

// BenchmarkTrainUpdate measures the update of a mini-batch alone (the
// reduction of the measurements and the programming of every conductance)
// on circuittest.KendallNetwork, from random measurements whose inputs
// stay put between the phases as pinned inputs do.
func BenchmarkTrainUpdate(b *testing.B) {
	for _, h := range []int{100, 1024} {
		for _, batch := range []int{4, 20} {
			for _, w := range []int{1, 2} {
				b.Run(fmt.Sprintf("784x%dx10/batch%d/w%d", h, batch, w), func(b *testing.B) {
					c, nc := kendall(784, h, 10, 1)
					n := mustNative(b, c, nc)
					tr, err := NewTrainer(n, Config{Workers: w, BatchSize: batch, Readout: Readout{High: 0.1, Low: -0.1}})
					if err != nil {
						b.Fatal(err)
					}
					rng := rand.New(rand.NewPCG(1, 2))
					m1, m2 := tr.Measurements()
					for s := range batch {
						for k := range n.Blocks() {
							for _, m := range []*Measurement{m1[s], m2[s]} {
								for i := range m.B[k] {
									m.B[k][i] = rng.Float64()
								}
							}
							a1, a2 := m1[s].A[k], m2[s].A[k]
							for i := range a1 {
								a1[i] = rng.Float64()
								a2[i] = a1[i]
								if k > 0 {
									a2[i] += 1e-3 * rng.Float64()
								}
							}
						}
					}
					for b.Loop() {
						tr.Update(batch)
					}
				})
			}
		}
	}
}
