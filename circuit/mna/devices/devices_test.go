package devices_test

import (
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/circuit/mna/devices"

	"gonum.org/v1/gonum/mat"
)

// TestCrossbarConductances checks that a crossbar's conductances in the
// view are its cells, row-major between the nodes the element names
// (From/To, or RowNode/ColNode with wire resistance), after its wire
// segments, one per segment of CrossbarWires.
func TestCrossbarConductances(t *testing.T) {
	for _, wireR := range []float64{0, 50} {
		c := &circuit.Circuit{}
		g := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
		x := &circuit.Crossbar{Name: "W", From: []string{"a", "b"}, To: []string{"p", "q", "r"}, G: g, WireR: wireR}
		c.Add(x, &circuit.Resistor{Name: "R", Nodes: [2]string{"a", "0"}, G: 1})
		for _, n := range []string{"b", "p", "q", "r"} {
			c.Add(&circuit.Resistor{Name: "R" + n, Nodes: [2]string{n, "0"}, G: 1})
		}
		s, err := mna.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		l := s.Devices()
		var d *devices.Device
		for i := range l.Devices {
			if l.Devices[i].Kind == devices.CrossbarKind {
				d = &l.Devices[i]
			}
		}
		if d == nil || d.Elem != "W" || d.Crossbar.Element != x {
			t.Fatalf("WireR %g: no crossbar W in the view", wireR)
		}
		var segs [][3]float64
		d.Crossbar.Conductances(func(a, b int, g float64) { segs = append(segs, [3]float64{float64(a), float64(b), g}) })
		wires := 0
		if wireR != 0 {
			circuit.CrossbarWires(d.Crossbar.From, d.Crossbar.To, d.Crossbar.Rows, d.Crossbar.Cols, func(int, int) { wires++ })
		}
		if len(segs) != wires+6 {
			t.Fatalf("WireR %g: %d conductances, want %d wires and 6 cells", wireR, len(segs), wires)
		}
		for k, sg := range segs[:wires] {
			if sg[2] != 1/wireR {
				t.Errorf("WireR %g: wire %d has %g S, want %g", wireR, k, sg[2], 1/wireR)
			}
		}
		for k, sg := range segs[wires:] {
			i, j := k/3, k%3
			a, b := x.From[i], x.To[j]
			if wireR != 0 {
				a, b = x.RowNode(i, j), x.ColNode(i, j)
			}
			if l.Nodes[int(sg[0])] != a || l.Nodes[int(sg[1])] != b || sg[2] != g.At(i, j) {
				t.Errorf("WireR %g: cell (%d, %d) is %g S between %s and %s, want %g S between %s and %s",
					wireR, i, j, sg[2], l.Nodes[int(sg[0])], l.Nodes[int(sg[1])], g.At(i, j), a, b)
			}
		}
	}
}
