package eqprop

import (
	"math"
	"testing"

	"github.com/eqsim/eqsim/eqprop/dataset"
)

func TestScratch(t *testing.T) {
	train, _, _ := dataset.Load(dataset.Spec{Name: "mnist", TrainSubset: 20})
	for _, diff := range []bool{false, true} {
		o := parseOpts("")
		o.diff = diff
		c, nc := mnNet(o)
		n := mustNative(t, c, nc)
		gs := newGrads(n.Blocks())
		out := make([]float64, n.Outputs())
		y := make([]float64, n.Outputs())
		ro := Readout{Differential: diff, High: 0.1, Low: -0.1}
		for i := range 20 {
			ro.TargetTo(y, train.Labels[i])
			Gradient(gs, out, n, "centered", Config{}, train.Sample(i), y)
		}
		for k, b := range n.Blocks() {
			g := make([]float64, b.Rows*b.Cols)
			n.ConductancesTo(g, k)
			var s2, g2, mx float64
			for i := range g { s2 += gs[k][i]*gs[k][i]/400; g2 += g[i]*g[i]; mx = math.Max(mx, math.Abs(gs[k][i]/20)) }
			t.Logf("diff %v %s rms grad %.3g max %.3g rms G %.3g -> lr for 1%% rms step %.3g", diff, b.Name, math.Sqrt(s2/float64(len(g))), mx, math.Sqrt(g2/float64(len(g))), 0.01*math.Sqrt(g2/s2))
		}
		t.Log(out)
	}
}
