package netlist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThermalNoiseOption reads [options] thermal_noise, keeps it off by
// default, rejects a value that is not a boolean and writes it back.
func TestThermalNoiseOption(t *testing.T) {
	const body = "\n[[resistor]]\nname = \"R1\"\nnodes = [\"a\", \"0\"]\nr = 1e3\n"
	for _, tc := range []struct {
		opts string
		want bool
	}{
		{"", false},
		{"[options]\nthermal_noise = false\n", false},
		{"[options]\nthermal_noise = true\n", true},
		{"[options]\ntemp = 300\nthermal_noise = true\n", true},
	} {
		nl, err := Parse([]byte(tc.opts+body), "")
		if err != nil {
			t.Fatalf("%q: %v", tc.opts, err)
		}
		if got := nl.Circuit.ThermalNoise; got != tc.want {
			t.Errorf("%q: ThermalNoise %t, want %t", tc.opts, got, tc.want)
		}
		dir := t.TempDir()
		out := filepath.Join(dir, "out.toml")
		if err := WriteFile(out, nl); err != nil {
			t.Fatal(err)
		}
		text, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if has := strings.Contains(string(text), "thermal_noise = true\n"); has != tc.want {
			t.Errorf("%q: written netlist has thermal_noise: %t, want %t:\n%s", tc.opts, has, tc.want, text)
		}
		back, err := ParseFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if back.Circuit.ThermalNoise != tc.want {
			t.Errorf("%q: read back ThermalNoise %t", tc.opts, back.Circuit.ThermalNoise)
		}
	}
	_, err := Parse([]byte("[options]\nthermal_noise = 1\n"+body), "n.toml")
	if err == nil || !strings.Contains(err.Error(), "n.toml:2:") || !strings.Contains(err.Error(), "thermal_noise must be true or false") {
		t.Errorf("thermal_noise = 1: error %v", err)
	}
}
