package importer

import (
	"fmt"
	"strings"
	"testing"
)

// crossbarDeck writes a crossbar of m x n resistors, one card each, driven
// by m sources, as eqsim's exporter writes a crossbar.
func crossbarDeck(m, n int) string {
	var b strings.Builder
	b.WriteString("crossbar\n")
	for i := range m {
		fmt.Fprintf(&b, "vx_%d x_%d_ 0 %g\n", i, i, 0.1*float64(i%7))
	}
	for j := range n {
		fmt.Fprintf(&b, "rl_%d h_%d_ 0 1000\n", j, j)
	}
	for i := range m {
		for j := range n {
			fmt.Fprintf(&b, "rw_%d_%d x_%d_ h_%d_ %g\n", i, j, i, j, 1e5+float64(i*n+j))
		}
	}
	b.WriteString(".end\n")
	return b.String()
}

func BenchmarkImport(b *testing.B) {
	for _, size := range [][2]int{{28, 10}, {784, 100}} {
		deck := crossbarDeck(size[0], size[1])
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			b.SetBytes(int64(len(deck)))
			for b.Loop() {
				if _, err := Import(strings.NewReader(deck), "x.cir"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
