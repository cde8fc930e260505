package netlist

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchNet returns the shared 784-8-10 MNIST netlist of the top-level
// testdata with its hidden groups resized to hidden nodes: differential
// inputs and a bias pair, crossbars drawn uniformly, a rectifier,
// amplifiers, outputs, training sections.
func benchNet(b *testing.B, hidden int) []byte {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "mnist-784x8x10.toml"))
	if err != nil {
		b.Fatal(err)
	}
	src, err = Overridden(src, []Override{{"group[h].size", int64(hidden)}, {"group[a].size", int64(hidden)}})
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// benchSizes are the hidden sizes of the benchmarks: 784-100-10 and
// 784-1024-10 networks.
var benchSizes = []int{100, 1024}

func benchName(hidden int) string { return fmt.Sprintf("784x%dx10", hidden) }

// BenchmarkParse measures parsing a netlist whose crossbars are drawn
// from their init recipes.
func BenchmarkParse(b *testing.B) {
	for _, h := range benchSizes {
		b.Run(benchName(h), func(b *testing.B) {
			src := benchNet(b, h)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(src, "k.toml"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteFile measures writing a parsed netlist and its .npy
// sidecars.
func BenchmarkWriteFile(b *testing.B) {
	for _, h := range benchSizes {
		b.Run(benchName(h), func(b *testing.B) {
			nl, err := Parse(benchNet(b, h), "k.toml")
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "w.toml")
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteFile(path, nl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
