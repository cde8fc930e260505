package native

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop"
)

func TestGradCheck(t *testing.T) {
	xor := xorSet()
	for _, tc := range []struct {
		name            string
		n               *Network
		set             *eqprop.Set
		samples, maxFD  int
		cfg             eqprop.Config
		wantSamples, fd int
	}{
		{"xor", func() *Network { c, nc := xorNet(8, 4, -0.3, 0.3, 1e-7, 1e-6, 1); return mustNew(t, c, nc) }(),
			xor, 0, 1000, eqprop.Config{Readout: eqprop.Readout{High: 0.1, Low: -0.1}}, 4, 68},
		{"kendall", func() *Network { c, nc := kendall(784, 100, 10, 1); return mustNew(t, c, nc) }(),
			randomSet(5, 784, 10, 1), 2, 10, eqprop.Config{Readout: eqprop.Readout{High: 0.1, Low: -0.1}}, 2, 10},
	} {
		rep, err := GradCheck(tc.n, tc.set, tc.samples, tc.maxFD, tc.cfg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		js, _ := json.Marshal(rep)
		t.Logf("%s: %s", tc.name, js)
		if rep.Samples != tc.wantSamples || rep.ExactVsFD.Params != tc.fd || rep.Beta != 1e-6 {
			t.Errorf("%s: samples %d, FD params %d, beta %g; want %d, %d, 1e-6", tc.name, rep.Samples, rep.ExactVsFD.Params, rep.Beta, tc.wantSamples, tc.fd)
		}
		if !(rep.ExactVsFD.RelError <= 1e-5) {
			t.Errorf("%s: exact vs FD relative error %g", tc.name, rep.ExactVsFD.RelError)
		}
		if len(rep.Estimators) != len(eqprop.Estimators) {
			t.Fatalf("%s: %d estimator reports", tc.name, len(rep.Estimators))
		}
		by := map[string]EstimatorReport{}
		for i, e := range rep.Estimators {
			if e.Name != eqprop.Estimators[i] {
				t.Errorf("%s: report %d is %q, want %q", tc.name, i, e.Name, eqprop.Estimators[i])
			}
			by[e.Name] = e
		}
		if c := by[eqprop.Centered].Cosine; c < 0.999 {
			t.Errorf("%s: centered cosine %g", tc.name, c)
		}
		for _, e := range []string{eqprop.Positive, eqprop.Negative} {
			if by[e].RelError <= 3*by[eqprop.Centered].RelError || by[e].Cosine >= by[eqprop.Centered].Cosine {
				t.Errorf("%s: %s (%+v) not worse than centered (%+v)", tc.name, e, by[e], by[eqprop.Centered])
			}
		}
		for _, key := range []string{`"exact_vs_fd":{"rel_error":`, `"params":`, `"estimators":[{"name":"positive","cosine":`, `"rel_error"`, `"samples":`, `"beta":`} {
			if !strings.Contains(string(js), key) {
				t.Errorf("%s: JSON lacks %s: %s", tc.name, key, js)
			}
		}
	}
}

func TestGradCheckErrors(t *testing.T) {
	c, nc := xorNet(4, 4, -0.3, 0.3, 1e-7, 1e-6, 1)
	n := mustNew(t, c, nc)
	if _, err := GradCheck(n, randomSet(3, 3, 2, 1), 1, 1, eqprop.Config{}); err == nil {
		t.Errorf("3 features for a network of 2: no error")
	}
	if _, err := GradCheck(n, randomSet(3, 2, 3, 1), 1, 1, eqprop.Config{}); err == nil {
		t.Errorf("3 classes for 2 outputs: no error")
	}
	if _, err := GradCheck(n, randomSet(3, 2, 2, 1), 1, 1, eqprop.Config{Estimator: "x"}); err == nil {
		t.Errorf("bad config: no error")
	}
}
