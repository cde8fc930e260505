package spice_test

import (
	"math"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/spice"
)

func TestCompare(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name    string
		nodes   []string
		volts   []float64
		ngspice map[string]float64
		want    spice.Deviation
		err     string
	}{
		{"largest", []string{"a", "b", "c"}, []float64{1, 2, 3}, map[string]float64{"a": 1.5, "b": 2, "c": 2}, spice.Deviation{Node: "c", Volts: 1}, ""},
		{"tie goes to the first", []string{"a", "b"}, []float64{1, 2}, map[string]float64{"a": 1, "b": 2}, spice.Deviation{Node: "a", Volts: 0}, ""},
		{"negative", []string{"a", "b"}, []float64{-1, 0}, map[string]float64{"a": -3, "b": 1}, spice.Deviation{Node: "a", Volts: 2}, ""},
		{"NaN is the largest", []string{"a", "b", "c"}, []float64{0, nan, 5}, map[string]float64{"a": 0, "b": 0, "c": 0}, spice.Deviation{Node: "b", Volts: nan}, ""},
		{"missing node", []string{"a", "h[1]"}, []float64{0, 0}, map[string]float64{"a": 0}, spice.Deviation{}, `no voltage for node "h[1]"`},
	} {
		got, err := spice.Compare(tc.nodes, tc.volts, tc.ngspice)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		same := got.Volts == tc.want.Volts || math.IsNaN(got.Volts) && math.IsNaN(tc.want.Volts)
		if got.Node != tc.want.Node || !same {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
