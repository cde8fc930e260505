package layered_test

import (
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/solver/layered"
)

// TestDCSharedWired solves two replicas of a wired network (sharing the
// conductances, with inputs of their own) through DCs that share the
// reduction: one Network for both, and each solution agrees with Newton,
// also after the conductances change and both refresh.
func TestDCSharedWired(t *testing.T) {
	c := circuittest.KendallNetwork(6, 4, 2, 1)
	w1 := c.Element("W1").(*circuit.Crossbar)
	w1.WireR = 50
	var sh solver.Shared
	r2 := c.Replica()
	in2 := r2.Element("in").(*circuit.Input)
	for i := range in2.Values {
		in2.Values[i] = 0.1 * float64(i)
	}
	var dcs []*solver.DC
	var syss []*mna.System
	for _, cc := range []*circuit.Circuit{c, r2} {
		sys := compile(t, cc)
		syss = append(syss, sys)
		dcs = append(dcs, solver.NewDC(sys, &solver.Settings{Shared: &sh}))
	}
	l0, _ := dcs[0].Layered()
	l1, _ := dcs[1].Layered()
	if l0 == nil || l1 == nil || layered.WiredNetwork(l0, 0) != layered.WiredNetwork(l1, 0) {
		t.Fatal("the replicas do not share the reduction")
	}
	for round := range 2 {
		if round == 1 {
			raw := w1.G.RawMatrix()
			for i := range raw.Data {
				raw.Data[i] *= 1.5
			}
			for _, d := range dcs {
				d.Refresh()
			}
		}
		for k, d := range dcs {
			res, err := d.Solve(nil)
			if err != nil {
				t.Fatal(err)
			}
			sys := syss[k]
			ref, err := solver.Newton(sys, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if m, i := maxDiff(res.X, ref.X, 0, sys.NumFree()); m > 1e-9 {
				t.Errorf("round %d, replica %d: %s = %.12g, Newton %.12g", round, k, sys.UnknownName(i), res.X[i], ref.X[i])
			}
		}
	}
}
