package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
)

// TestNewtonSubOhmSeriesModel is TestNewtonSubOhmSeries with the sub-ohm
// resistance inside the diode model (RS) instead of a resistor to a node
// of its own: Newton must stop as quickly, at the solution of the circuit
// with the separate resistor (every node the two share within 1e-9 V).
func TestNewtonSubOhmSeriesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	worst := 0.0
	for i := range 300 {
		sep := seriesRCircuit(rng)
		// The same circuit with each resistor folded into its diode.
		in := &circuit.Circuit{Title: sep.Title, Temp: sep.Temp, TNom: sep.TNom, Groups: sep.Groups}
		rs := map[string]*circuit.Resistor{} // by the node between resistor and diode
		for _, e := range sep.Elements {
			if r, ok := e.(*circuit.Resistor); ok && len(r.Name) > 2 && r.Name[:2] == "RS" {
				rs[r.Nodes[1]] = r
			}
		}
		for _, e := range sep.Elements {
			switch e := e.(type) {
			case *circuit.Resistor:
				if _, ok := rs[e.Nodes[1]]; ok && e.Name[:2] == "RS" {
					continue
				}
				in.Add(e)
			case *circuit.Diode:
				r := rs[e.Nodes[0]]
				m := e.Model
				m.Name = fmt.Sprintf("%s_rs", e.Name)
				m.RS = 1 / r.G
				in.Add(&circuit.Diode{Name: e.Name, Nodes: [2]string{r.Nodes[0], e.Nodes[1]}, Model: m})
			default:
				in.Add(e)
			}
		}
		sysSep, err := mna.Compile(sep)
		if err != nil {
			t.Fatal(err)
		}
		sys, err := mna.Compile(in)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Newton(sysSep, nil, nil)
		if err != nil {
			t.Fatalf("circuit %d, separate resistors: %v", i, err)
		}
		res, err := Newton(sys, nil, nil)
		if err != nil || res.Method != "newton" || res.Iterations > 50 {
			t.Fatalf("circuit %d: %s after %d iterations: %v", i, res.Method, res.Iterations, err)
		}
		vref := sysSep.VoltagesTo(nil, ref.X)
		v := sys.VoltagesTo(nil, res.X)
		for k, name := range sys.Nodes() {
			j, _ := sysSep.NodeIndex(name)
			d := math.Abs(v[k+1] - vref[j])
			worst = math.Max(worst, d)
			if d > 1e-9 {
				t.Errorf("circuit %d, node %s: RS in the model %.15g V, separate resistor %.15g V", i, name, v[k+1], vref[j])
			}
		}
	}
	t.Logf("largest difference %.3g V", worst)
}
