package run

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/eqsim/eqsim/internal/safeio"
)

// text returns the contents of outs.
func text(t *testing.T, outs []safeio.Output) [][]byte {
	t.Helper()
	var r [][]byte
	for _, o := range outs {
		var b bytes.Buffer
		if err := o.Write(&b); err != nil {
			t.Fatal(err)
		}
		r = append(r, b.Bytes())
	}
	return r
}

// TestMetricsTextIncremental checks that the metrics files formatted row
// by row, as a run commits them, equal those formatted at once, also when
// rows are replaced or dropped (a resume, a pending epoch).
func TestMetricsTextIncremental(t *testing.T) {
	row := func(e int, loss float64) Metrics {
		return Metrics{Epoch: e, TrainLoss: loss, TestError: 0.5 / float64(e), Seconds: float64(e), MeanPower: 1e-3}
	}
	var inc metricsText
	for _, rows := range [][]Metrics{
		nil,
		{row(1, 0.3)},
		{row(1, 0.3), row(2, 0.2)},
		{row(1, 0.3), row(2, 0.25)},
		{row(1, 0.3)},
		{row(1, 0.3), row(2, 0.2), row(3, 0.1)},
		{row(1, 0.4)},
	} {
		g, err := inc.outputs(rows)
		if err != nil {
			t.Fatal(err)
		}
		var fresh metricsText
		w, err := fresh.outputs(rows)
		if err != nil {
			t.Fatal(err)
		}
		got, want := text(t, g), text(t, w)
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("%d rows, %s: got\n%s\nwant\n%s", len(rows), w[i].Name, got[i], want[i])
			}
		}
		lines := bytes.Count(want[1], []byte("\n"))
		if lines != len(rows) || bytes.Count(want[0], []byte("\n")) != len(rows)+1 {
			t.Errorf("%d rows: %d JSON lines, CSV %q", len(rows), lines, want[0])
		}
		for i, r := range rows {
			var back Metrics
			if err := json.Unmarshal(bytes.Split(want[1], []byte("\n"))[i], &back); err != nil || back != r {
				t.Errorf("row %d: %v read back as %v (%v)", i, r, back, err)
			}
		}
	}
}
