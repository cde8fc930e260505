//go:build unix

package safeio

import (
	"fmt"
	"testing"
)

// BenchmarkCommit commits the files of a training run's outputs: a
// netlist, metrics, a checkpoint state and the conductances of a network
// as .npy, in sizes of the XOR example (2-8-2, 0.3 KB of conductances),
// MNIST 784-100-10 (635 KB) and 784-1024-10 (6.5 MB).
func BenchmarkCommit(b *testing.B) {
	for _, c := range []struct {
		name    string
		weights int
	}{{"2x8x2", 2*8 + 8*2}, {"784x100x10", 784*100 + 100*10}, {"784x1024x10", 784*1024 + 1024*10}} {
		b.Run(c.name, func(b *testing.B) {
			l, err := Lock(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer l.Unlock()
			npy := make([]byte, 8*c.weights+128)
			small := make([]byte, 4096)
			b.SetBytes(int64(len(npy) + 4*len(small)))
			for i := 0; b.Loop(); i++ {
				var remove []string
				if i > 0 {
					remove = []string{fmt.Sprintf("checkpoint/g0.%d.npy", i-1)}
				}
				err := l.Commit([]Output{
					Bytes("net.toml", small), Bytes("metrics.csv", small), Bytes("metrics.jsonl", small),
					Bytes(fmt.Sprintf("checkpoint/g0.%d.npy", i), npy), Bytes("checkpoint/state.json", small),
				}, remove)
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
