package netlist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"

	"github.com/eqsim/eqsim/circuit"
)

// TestExamples parses and compiles every netlist in examples/.
func TestExamples(t *testing.T) {
	for _, name := range []string{"xor-cards.toml", "xor.toml", "divider.toml", "diode-clamp.toml", "controlled.toml"} {
		if _, err := os.Stat(filepath.Join("..", "examples", name)); err != nil {
			t.Errorf("example %s: %v", name, err)
		}
	}
	files, err := filepath.Glob(filepath.Join("..", "examples", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if isSweep(f) {
				t.Skip("a sweep spec: package sweep tests it")
			}
			nl, err := ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := mna.Compile(nl.Circuit); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestXORCardsExample checks the shape of the XOR card network: 2 inputs, 4 hidden
// nodes with a diode pair each, 1 output, 17 trainable resistors.
func TestXORCardsExample(t *testing.T) {
	nl, err := ParseFile(filepath.Join("..", "examples", "xor-cards.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var trainable, diodes, sources int
	for _, e := range nl.Circuit.Elements {
		switch e := e.(type) {
		case *circuit.Resistor:
			if e.Trainable {
				trainable++
			}
		case *circuit.Diode:
			diodes++
		case *circuit.VSource:
			sources++
		}
	}
	if trainable != 4*3+5 || diodes != 8 || sources != 5 {
		t.Errorf("%d trainable resistors, %d diodes, %d sources; want 17, 8, 5", trainable, diodes, sources)
	}
}

// isSweep reports whether an example file is a sweep spec, not a netlist.
func isSweep(path string) bool { return strings.HasPrefix(filepath.Base(path), "sweep-") }

// TestTrainingExamples solves the training-scale examples, too large for
// ngspice or a transient in a test, with the solver training uses: it must
// be the layered one, never dense Newton, and its solution must meet
// Kirchhoff's current law at every node as the system's own evaluation of
// every element computes it.
func TestTrainingExamples(t *testing.T) {
	for _, name := range []string{"mnist-1024.toml", "mnist-2h.toml", "fashion-1024.toml", "fashion-2048.toml"} {
		t.Run(name, func(t *testing.T) {
			nl, err := ParseFile(filepath.Join("..", "examples", name))
			if err != nil {
				t.Fatal(err)
			}
			sys, err := mna.Compile(nl.Circuit)
			if err != nil {
				t.Fatal(err)
			}
			dc := solver.NewDC(sys, nil)
			if l, why := dc.Layered(); l == nil {
				t.Fatalf("not layered: %v", why)
			}
			res, err := dc.Solve(nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Method != "layered" {
				t.Errorf("solved by %s", res.Method)
			}
			f := make([]float64, sys.Size())
			sys.Eval(f, nil, res.X, nil)
			if r, node := sys.ResidualNorm(f); r > 1e-9 {
				t.Errorf("KCL residual %g A at %s", r, node)
			}
		})
	}
}
