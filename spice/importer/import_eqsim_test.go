package importer

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/solver"
)

// namesCircuit is the circuit that eqsim's exporter wrote to
// testdata/import/eqsim/names.cir: node names ngspice cannot take as they
// are (group nodes, names equal but for case, keywords, a leading digit,
// "GND", which is no ground to eqsim), elements without their type letter,
// and a VCVS that controls a CCCS.
func namesCircuit() *circuit.Circuit {
	m := circuit.DiodeModel{Name: "my-diode", IS: 2.5e-14, N: 1.3}
	c := &circuit.Circuit{Title: "names", Temp: 310, TNom: 300.15}
	c.Add(
		&circuit.VSource{Name: "V1", Nodes: [2]string{"h[0]", "0"}, V: 1.5},
		&circuit.Resistor{Name: "load", Nodes: [2]string{"h[0]", "h[1]"}, G: 1.1e-4},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"h[1]", "Out"}, G: 2e-4},
		&circuit.Resistor{Name: "r1x", Nodes: [2]string{"Out", "q"}, G: 3e-4},
		&circuit.Resistor{Name: "Rq", Nodes: [2]string{"q", "Q"}, G: 4e-4},
		&circuit.Resistor{Name: "Rv", Nodes: [2]string{"Q", "value"}, G: 5e-4},
		&circuit.Resistor{Name: "R3x", Nodes: [2]string{"value", "3x"}, G: 6e-4},
		&circuit.Resistor{Name: "Rgnd", Nodes: [2]string{"3x", "GND"}, G: 7e-4},
		&circuit.Resistor{Name: "Rend", Nodes: [2]string{"GND", "gnd"}, G: 8e-4},
		&circuit.Diode{Name: "D1", Nodes: [2]string{"Out", "0"}, Model: m},
		&circuit.VCVS{Name: "amp", Nodes: [2]string{"y", "0"}, Control: [2]string{"q", "0"}, Gain: 3},
		&circuit.Resistor{Name: "Ry", Nodes: [2]string{"y", "0"}, G: 1e-3},
		&circuit.CCCS{Name: "mirror", Nodes: [2]string{"z", "0"}, Control: "amp", Gain: 0.5},
		&circuit.Resistor{Name: "Rz", Nodes: [2]string{"z", "0"}, G: 1e-3},
	)
	return c
}

// TestImportEqsimExport imports a deck written by eqsim's exporter and
// checks that the node and element names it changed for ngspice come back,
// that every value is the one on the cards, and that the circuit solves
// to the original's operating point.
func TestImportEqsimExport(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "import", "eqsim", "names.cir"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Import(f, "names.cir")
	if err != nil {
		t.Fatal(err)
	}
	orig := namesCircuit()
	c := d.Circuit
	if c.Title != orig.Title || c.Temp != orig.Temp || c.TNom != orig.TNom {
		t.Errorf("title %q, temp %v, tnom %v; want %q, %v, %v", c.Title, c.Temp, c.TNom, orig.Title, orig.Temp, orig.TNom)
	}
	// The exporter's VCVS drives its output through a sense source, on a
	// node of its own, that the CCCS senses.
	wantNodes := []string{"h[0]", "h[1]", "Out", "q", "Q", "value", "3x", "GND", "y", "sense_amp", "z"}
	if !slices.Equal(d.Nodes, wantNodes) {
		t.Errorf("nodes %q, want %q", d.Nodes, wantNodes)
	}
	// Ground comes back as "0" whichever of its names eqsim had.
	for _, oe := range orig.Elements {
		if r, ok := oe.(*circuit.Resistor); ok && circuit.IsGround(r.Nodes[1]) {
			r.Nodes[1] = circuit.Ground
		}
	}
	for _, oe := range orig.Elements {
		ie := c.Element(oe.Label())
		if ie == nil {
			t.Errorf("element %s is missing", oe.Label())
			continue
		}
		switch o := oe.(type) {
		case *circuit.Resistor:
			i := ie.(*circuit.Resistor)
			// The card holds R = 1/G, rounded; G comes back as 1/R.
			if i.Nodes != o.Nodes || i.G != 1/(1/o.G) {
				t.Errorf("resistor %s: %v %v, want %v %v", o.Name, i.Nodes, i.G, o.Nodes, 1/(1/o.G))
			}
		case *circuit.VSource:
			i := ie.(*circuit.VSource)
			if i.Nodes != o.Nodes || i.V != o.V {
				t.Errorf("source %s: %v %v, want %v %v", o.Name, i.Nodes, i.V, o.Nodes, o.V)
			}
		case *circuit.Diode:
			i := ie.(*circuit.Diode)
			if i.Nodes != o.Nodes || i.Model.IS != o.Model.IS || i.Model.N != o.Model.N {
				t.Errorf("diode %s: %v %+v, want %v %+v", o.Name, i.Nodes, i.Model, o.Nodes, o.Model)
			}
		case *circuit.VCVS:
			i := ie.(*circuit.VCVS)
			if i.Nodes != [2]string{"y", "sense_amp"} || i.Control != o.Control || i.Gain != o.Gain {
				t.Errorf("vcvs %s: %+v", o.Name, i)
			}
		case *circuit.CCCS:
			i := ie.(*circuit.CCCS)
			if i.Nodes != o.Nodes || i.Control != "vsense_amp" || i.Gain != o.Gain {
				t.Errorf("cccs %s: %+v", o.Name, i)
			}
		}
	}

	solve := func(c *circuit.Circuit) (*mna.System, []float64) {
		sys, err := mna.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := solver.Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sys, sys.VoltagesTo(nil, res.X)
	}
	os, ov := solve(orig)
	is, iv := solve(c)
	for k, n := range os.Nodes() {
		j, ok := is.NodeIndex(n)
		if !ok {
			t.Errorf("node %s is missing", n)
			continue
		}
		if diff := math.Abs(ov[k+1] - iv[j]); diff > 1e-12 {
			t.Errorf("node %s: %v after import, %v before", n, iv[j], ov[k+1])
		}
	}
}
