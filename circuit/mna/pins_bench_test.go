package mna_test

import (
	"fmt"
	"testing"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
)

// BenchmarkUpdatePins measures the pinned voltages of the 784-100-10
// network's 1,568 inputs and four rails computed from their sources, as
// every relaxation of a sample does.
func BenchmarkUpdatePins(b *testing.B) {
	for _, f := range []int{784} {
		b.Run(fmt.Sprintf("%d", 2*f), func(b *testing.B) {
			s, err := mna.Compile(circuittest.KendallNetwork(f, 100, 10, 1))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				s.UpdatePins()
			}
		})
	}
}
