package sparse

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// benchCase is a matrix of the benchmarks, built once.
type benchCase struct {
	name string
	make func() *Matrix
	a    *Matrix
	s    *Symbolic
}

var benchCases = []*benchCase{
	{name: "grid1e4", make: func() *Matrix { return grid(100) }},
	{name: "grid1e5", make: func() *Matrix { return grid(316) }},
	{name: "grid1e6", make: func() *Matrix { return grid(1000) }},
	{name: "mna1e4", make: func() *Matrix { return mnaGrid(rand.New(rand.NewPCG(1, 1)), 100) }},
	{name: "mna1e5", make: func() *Matrix { return mnaGrid(rand.New(rand.NewPCG(1, 1)), 316) }},
	// The wired 784×100 differential crossbar of issue 13: 313,600
	// internal nodes and 100 outputs.
	{name: "crossbar784x100", make: func() *Matrix { return crossbar(rand.New(rand.NewPCG(1, 1)), 784, 100) }},
}

func (c *benchCase) get() (*Matrix, *Symbolic) {
	if c.a == nil {
		c.a = c.make()
		c.s = Analyze(c.a, nil)
	}
	return c.a, c.s
}

func BenchmarkAnalyze(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			a, _ := c.get()
			c0 := cpuTime()
			for b.Loop() {
				Analyze(a, nil)
			}
			reportCPU(b, c0)
		})
	}
}

// BenchmarkFactor factors with a new LU each time, as the first solve of a
// structure does: the allocation of L and U is included.
func BenchmarkFactor(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			a, s := c.get()
			var nnz int
			c0 := cpuTime()
			for b.Loop() {
				var lu LU
				if err := lu.Factor(a, s); err != nil {
					b.Fatal(err)
				}
				nnz = lu.NNZ()
			}
			reportCPU(b, c0)
			_, madds := s.Predicted()
			b.ReportMetric(float64(nnz), "nnz(L+U)")
			b.ReportMetric(madds, "madds")
		})
	}
}

func BenchmarkRefactor(b *testing.B) {
	benchRefactor(b, (*LU).Refactor, func(string) bool { return true })
}

// BenchmarkRefactorSymmetric refactors the symmetric cases, L alone (see
// RefactorSymmetric), to compare with BenchmarkRefactor.
func BenchmarkRefactorSymmetric(b *testing.B) {
	benchRefactor(b, (*LU).RefactorSymmetric, func(name string) bool {
		return name == "crossbar784x100" || strings.HasPrefix(name, "grid")
	})
}

// benchRefactor times refactor on the cases use accepts, factored once.
func benchRefactor(b *testing.B, refactor func(*LU, *Matrix) error, use func(name string) bool) {
	for _, c := range benchCases {
		if !use(c.name) {
			continue
		}
		b.Run(c.name, func(b *testing.B) {
			a, s := c.get()
			var lu LU
			if err := lu.Factor(a, s); err != nil {
				b.Fatal(err)
			}
			c0 := cpuTime()
			for b.Loop() {
				if err := refactor(&lu, a); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, c0)
		})
	}
}

func BenchmarkSolve(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			a, s := c.get()
			var lu LU
			if err := lu.Factor(a, s); err != nil {
				b.Fatal(err)
			}
			x := randVec(rand.New(rand.NewPCG(1, 2)), a.N())
			c0 := cpuTime()
			for b.Loop() {
				lu.SolveTo(x, x)
			}
			reportCPU(b, c0)
		})
	}
}

// BenchmarkSolveMany solves 100 right-hand sides at once: per
// right-hand side, compare with BenchmarkSolve.
func BenchmarkSolveMany(b *testing.B) {
	const nrhs = 100
	for _, c := range benchCases {
		b.Run(c.name+"/100rhs", func(b *testing.B) {
			a, s := c.get()
			var lu LU
			if err := lu.Factor(a, s); err != nil {
				b.Fatal(err)
			}
			x := randVec(rand.New(rand.NewPCG(1, 2)), a.N()*nrhs)
			c0 := cpuTime()
			for b.Loop() {
				lu.SolveManyTo(x, x, nrhs)
			}
			reportCPU(b, c0)
		})
	}
}

// BenchmarkDense2e3 compares, on an MNA matrix of order 1980 (a 44×44
// grid with 44 voltage sources), gonum's dense LU with this package's
// Analyze+Factor and Refactor.
func BenchmarkDense2e3(b *testing.B) {
	a := mnaGrid(rand.New(rand.NewPCG(1, 1)), 44)
	d := dense(a)
	b.Run("gonumLU", func(b *testing.B) {
		var lu mat.LU
		c0 := cpuTime()
		for b.Loop() {
			lu.Factorize(d)
		}
		reportCPU(b, c0)
	})
	b.Run("sparseAnalyzeFactor", func(b *testing.B) {
		var lu LU
		c0 := cpuTime()
		for b.Loop() {
			if err := lu.Factor(a, Analyze(a, nil)); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, c0)
	})
	b.Run("sparseRefactor", func(b *testing.B) {
		var lu LU
		if err := lu.Factor(a, Analyze(a, nil)); err != nil {
			b.Fatal(err)
		}
		c0 := cpuTime()
		for b.Loop() {
			if err := lu.Refactor(a); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, c0)
	})
}

// reportCPU reports the processor time per operation since c0.
func reportCPU(b *testing.B, c0 time.Duration) {
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}
