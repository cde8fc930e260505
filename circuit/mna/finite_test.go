package mna

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// TestCompileNonFinite: values that are each finite but whose products
// are not (currents beyond float64, a saturation current scaled over a
// large ratio of temperatures) are refused by Compile, naming the
// element; values near those limits compile and solve to finite
// voltages.
func TestCompileNonFinite(t *testing.T) {
	d := circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1}
	divider := func(v, g float64) *circuit.Circuit {
		c := &circuit.Circuit{}
		c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: g},
			&circuit.Resistor{Name: "R2", Nodes: [2]string{"a", "0"}, G: g})
		return c
	}
	clamp := func(temp, tnom float64) *circuit.Circuit {
		c := &circuit.Circuit{Temp: temp, TNom: tnom}
		c.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: 5},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: 1e-3},
			&circuit.Diode{Name: "D1", Nodes: [2]string{"a", "0"}, Model: d})
		return c
	}
	crossbar := func(amp, g float64) *circuit.Circuit {
		c := &circuit.Circuit{Groups: []circuit.Group{{Name: "h", Size: 1}}}
		c.Add(&circuit.Input{Name: "x", Nodes: []string{"x[0]"}, Amplitude: amp, Values: []float64{1}},
			&circuit.Crossbar{Name: "W1", From: []string{"x[0]"}, To: []string{"h[0]"}, G: mat.NewDense(1, 1, []float64{g})},
			&circuit.Resistor{Name: "R1", Nodes: [2]string{"h[0]", "0"}, G: 1})
		return c
	}
	for _, tc := range []struct {
		name string
		c    *circuit.Circuit
		elem string // "" if it must compile
		want string
	}{
		// 1e308 V across 1e-300 ohm: 1e608 A.
		{"overflowing currents", divider(1e308, 1e300), "R1", `node "in"`},
		// 1e300 V across 1e5 S: 1e305 A, within float64.
		{"large currents", divider(1e300, 1e5), "", ""},
		// IS*exp(399*1.11/(kT/q at 400 K)) overflows; the reverse
		// underflows to 0.
		{"tnom far below temp", clamp(400, 1), "D1", "tnom = 1 K"},
		{"tnom far above temp", clamp(1, 400), "D1", "not a finite positive current"},
		{"tnom near temp", clamp(350, 300.15), "", ""},
		{"crossbar overflow", crossbar(1e10, 1e300), "W1", "overflow"},
		{"crossbar", crossbar(1e10, 1e290), "", ""},
	} {
		sys, err := Compile(tc.c)
		if tc.elem == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			// Every node voltage is finite at the sources' values.
			x := make([]float64, sys.Size())
			v := sys.VoltagesTo(nil, x)
			for i, vi := range v {
				if math.IsInf(vi, 0) || math.IsNaN(vi) {
					t.Errorf("%s: node %d at %v V", tc.name, i, vi)
				}
			}
			continue
		}
		var ce *circuit.Error
		if !errors.As(err, &ce) || ce.Element != tc.elem || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error of element %s about %q", tc.name, err, tc.elem, tc.want)
		}
	}
}
