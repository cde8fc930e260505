package main

import (
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop/native"
)

func TestGradcheck(t *testing.T) {
	code, stdout, stderr := eqsim("gradcheck", "--json", "--samples", "2", xorNet)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep native.GradCheckReport
	lastJSON(t, stdout, &rep)
	if rep.Samples != 2 || rep.Beta != 1e-6 {
		t.Errorf("samples %d beta %g", rep.Samples, rep.Beta)
	}
	if rep.ExactVsFD.Params != 24 || !(rep.ExactVsFD.RelError <= 1e-5) {
		t.Errorf("exact vs finite differences: %+v", rep.ExactVsFD)
	}
	var names []string
	by := map[string]native.EstimatorReport{}
	for _, e := range rep.Estimators {
		names = append(names, e.Name)
		by[e.Name] = e
	}
	if got := strings.Join(names, " "); got != "positive negative centered chl coupled" {
		t.Fatalf("estimators %s", got)
	}
	c := by["centered"]
	if c.Cosine < 0.999 {
		t.Errorf("centered: cosine %v", c.Cosine)
	}
	for _, one := range []string{"positive", "negative"} {
		if by[one].RelError <= c.RelError {
			t.Errorf("%s has rel_error %g, not above centered's %g", one, by[one].RelError, c.RelError)
		}
	}

	// --beta overrides the netlist's; a larger beta makes the one-sided
	// estimates worse.
	code, stdout, _ = eqsim("gradcheck", "--json", "--samples", "2", "--max-fd", "3", "--beta", "4u", xorNet)
	var big native.GradCheckReport
	lastJSON(t, stdout, &big)
	if code != 0 || big.Beta != 4e-6 || big.ExactVsFD.Params != 3 {
		t.Fatalf("--beta 4u: exit %d, %+v", code, big)
	}
	if big.Estimators[0].RelError <= by["positive"].RelError {
		t.Errorf("positive at beta 4u: rel_error %g, at 1u %g", big.Estimators[0].RelError, by["positive"].RelError)
	}

	code, stdout, _ = eqsim("gradcheck", "--samples", "1", "--max-fd", "4", xorNet)
	for _, w := range []string{"exact vs finite differences", "estimator", "centered", "coupled", "1 samples of xor"} {
		if code != 0 || !strings.Contains(stdout, w) {
			t.Errorf("text output lacks %q (exit %d):\n%s", w, code, stdout)
		}
	}
}

func TestGradcheckBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"gradcheck", "--samples", "0", xorNet}, "--samples"},
		{[]string{"gradcheck", "--max-fd", "0", xorNet}, "--max-fd"},
		{[]string{"gradcheck", "--beta", "0", xorNet}, "--beta"},
		{[]string{"gradcheck", "../../examples/divider.toml"}, "[output]"},
	} {
		code, stdout, stderr := eqsim(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want status 2 and %q)", tc.args, code, stdout, stderr, tc.want)
		}
	}
}
