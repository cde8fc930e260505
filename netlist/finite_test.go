package netlist

import (
	"errors"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/dataset"
)

// TestModelTemperatures: a saturation current that the scaling from tnom
// to temp takes out of float64 is an error at the model's line that
// names the model, tnom, temp and the [options] line.
func TestModelTemperatures(t *testing.T) {
	net := func(options string) string {
		return options + `
[models.d1]
type = "diode"
is = 1e-14

[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = 5

[[resistor]]
name = "R1"
nodes = ["in", "a"]
r = "1k"

[[diode]]
name = "D1"
nodes = ["a", "0"]
model = "d1"
`
	}
	for _, tc := range []struct {
		options string
		want    []string // "" if it must parse
	}{
		{"[options]\ntemp = 400\ntnom = 1\n", []string{"x.toml:5:", `model "d1"`, "tnom = 1 K", "temp = 400 K", "+Inf", "line 1"}},
		{"[options]\ntemp = 1\ntnom = 400\n", []string{"x.toml:5:", `model "d1"`, "tnom = 400 K", "temp = 1 K"}},
		{"[options]\ntemp = 350\ntnom = 300.15\n", nil},
		{"[options]\ntemp = 1\n", nil}, // nothing is scaled without tnom
	} {
		_, err := Parse([]byte(net(tc.options)), "x.toml")
		if tc.want == nil {
			if err != nil {
				t.Errorf("%q: %v", tc.options, err)
			}
			continue
		}
		var ne *Error
		if !errors.As(err, &ne) || ne.Kind != "model" || ne.Element != "d1" {
			t.Errorf("%q: %v, want an *Error of model d1", tc.options, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q lacks %q", tc.options, err, w)
			}
		}
	}
}

// TestMaxFeatures: a CSV data set may have as many features as the
// largest input a netlist may have.
func TestMaxFeatures(t *testing.T) {
	if dataset.MaxFeatures != MaxNodes {
		t.Errorf("dataset.MaxFeatures = %d, MaxNodes = %d", dataset.MaxFeatures, MaxNodes)
	}
}
