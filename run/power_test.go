package run

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/solver"
)

// TestTrainPowerAndAudit checks that a run records the mean power per
// inference of every epoch's test in its metrics, and audits the trained
// network at the end: the summary's mean power is the mean over the test
// samples of what the sources of the trained netlist, read back from its
// file and solved sample by sample with dense Newton, deliver.
func TestTrainPowerAndAudit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	s := open(t, Overrides{Epochs: ptr(3), BatchSize: ptr(1)})
	sum, err := Train(context.Background(), s, Options{Out: out, Audit: true, SaveEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, MetricsJSONL))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if p, ok := m["mean_power"].(float64); !ok || !(p > 0) {
			t.Errorf("metrics row %s: mean_power %v", sc.Text(), m["mean_power"])
		}
		rows++
	}
	if rows != 3 || sum.Audit == nil || sum.Audit.Samples != s.Test.Len() {
		t.Fatalf("%d rows, audit %+v", rows, sum.Audit)
	}

	nl, err := netlist.ParseFile(sum.Netlist)
	if err != nil {
		t.Fatal(err)
	}
	in := nl.Circuit.Element(s.Training.Input).(*circuit.Input)
	var p float64
	for i := range s.Test.Len() {
		copy(in.Values, s.Test.Sample(i))
		sys, err := mna.Compile(nl.Circuit)
		if err != nil {
			t.Fatal(err)
		}
		res, err := solver.Newton(sys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		p += sys.Power(res.X).Total() / float64(s.Test.Len())
	}
	if math.Abs(sum.MeanPower-p) > 1e-6*p || math.Abs(sum.Audit.MeanPower-p) > 1e-6*p {
		t.Errorf("mean power %g W (audit %g W), the trained netlist's %g W", sum.MeanPower, sum.Audit.MeanPower, p)
	}
}
