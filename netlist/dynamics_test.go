package netlist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop/dynamics"
)

// TestRoundTripDynamics: [training.dynamics] and integration_time of
// [training.sense] read into Config.Dynamics, SPICE suffixes included,
// and write back to the same settings; without them a netlist gives the
// zero settings and writes neither.
func TestRoundTripDynamics(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      dynamics.Settings
	}{
		{"transient", "[training.dynamics]\nmethod = \"transient\"\nfree_time = \"20n\"\nnudge_time = 1e-8\n",
			dynamics.Settings{Method: dynamics.Transient, FreeTime: 20e-9, NudgeTime: 1e-8}},
		{"window", "[training.sense]\nintegration_time = \"10u\"\n", dynamics.Settings{Window: 10e-6}},
		{"equilibrium and window", "[training.dynamics]\nmethod = \"equilibrium\"\n[training.sense]\nnoise = \"1u\"\nintegration_time = 1e-6\n",
			dynamics.Settings{Method: dynamics.Equilibrium, Window: 1e-6}},
		{"continuous", "estimator = \"continuous\"\n[training.dynamics]\nmethod = \"transient\"\n", dynamics.Settings{Method: dynamics.Transient}},
		{"none", "", dynamics.Settings{}},
	} {
		src := trainHead + "[output]\ngroup = \"o\"\n[training]\nepochs = 2\n" + tc.src
		nl, err := Parse([]byte(src), "")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := nl.TrainingConfig().Dynamics; got != tc.want {
			t.Errorf("%s: dynamics %+v, want %+v", tc.name, got, tc.want)
		}
		out := filepath.Join(t.TempDir(), "d.toml")
		if err := WriteFile(out, nl); err != nil {
			t.Fatal(err)
		}
		text, _ := os.ReadFile(out)
		back, err := ParseFile(out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, text)
		}
		if d := diffSections(nl, back); d != "" {
			t.Errorf("%s: read back: %s\n%s", tc.name, d, text)
		}
		if written := strings.Contains(string(text), "[training.dynamics]"); written != (tc.want.Method != "") {
			t.Errorf("%s: [training.dynamics] written: %v\n%s", tc.name, written, text)
		}
	}
}

// TestDynamicsErrors: bad [training.dynamics] and integration_time values
// are errors that name the file and the line of the key.
func TestDynamicsErrors(t *testing.T) {
	head := "[output]\ngroup = \"o\"\n[training]\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"method", "[training.dynamics]\nmethod = \"transiant\" #!\n", []string{`unknown method "transiant"`, `did you mean "transient"`}},
		{"unknown key", "[training.dynamics]\nmethod = \"transient\"\nnudge = 1 #!\n", []string{`unknown key "nudge"`}},
		{"negative time", "[training.dynamics]\nmethod = \"transient\"\nfree_time = \"-1n\" #!\n", []string{"free_time must not be negative"}},
		{"time without transient", "[training.dynamics]\nnudge_time = \"1n\" #!\n", []string{"nudge_time needs method = \"transient\""}},
		{"not a table", "dynamics = \"transient\" #!\n", []string{"dynamics must be a table"}},
		{"negative window", "[training.sense]\nintegration_time = \"-1u\" #!\n", []string{"integration_time must not be negative"}},
		{"continuous at equilibrium", "estimator = \"continuous\" #!\n", []string{`estimator "continuous" learns in time`, `method = "transient"`}},
	} {
		src := trainHead + head + tc.src
		path := "/tmp/bad.toml"
		_, err := Parse([]byte(src), path)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not an *Error", tc.name, err)
		}
		msg := err.Error()
		if want := fmt.Sprintf("%s:%d: ", path, lineOf(src)); !strings.HasPrefix(msg, want) && tc.name != "continuous at equilibrium" {
			t.Errorf("%s: error %q does not start with %q", tc.name, msg, want)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, msg, w)
			}
		}
	}
}
