package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/solver/ode"

	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
)

// TestLayeredTransientEndsAtDC checks that the layered transient of random
// layered networks (amplifiers with gains and offsets, loose nodes) and of
// a small Kendall network settles where the layered DC solve and Newton
// do: node voltages within 1e-9 V, branch currents within 1e-12 A plus
// 1e-6 relative, KCL from the element list.
func TestLayeredTransientEndsAtDC(t *testing.T) {
	check := func(sys *mna.System, what string) Result {
		t.Helper()
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		r, err := l.Transient(nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if r.Status != Converged || r.Method != "layered-transient" || r.Steps < 1 || r.SettlingTime <= 0 || r.SettlingTime > r.Time {
			t.Errorf("%s: %v after %d steps, settled at %g s of %g s", what, r.Status, r.Steps, r.SettlingTime, r.Time)
		}
		checkKCL(t, sys.Circuit(), sys, r.X, 1e-15, 1e-9)
		dc, err := l.Solve(nil)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		sameSolution(t, what+" (got transient, want DC)", sys, r.X, dc.X)
		if p := sys.Power(r.X); math.Abs(p.Sources-r.Power.Sources) > 1e-9*math.Abs(p.Sources) ||
			math.Abs(p.Controlled-r.Power.Controlled) > 1e-9*math.Abs(p.Sources)+1e-18 {
			t.Errorf("%s: power %+v, System.Power %+v", what, r.Power, p)
		}
		return r
	}
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 21))
		var nl circuittest.Nonideal
		if seed%4 == 1 {
			nl = variation(seed)
		}
		c := layeredNet(rng, 1+rng.IntN(3), seed%2 == 1, seed%3 == 0, nl)
		if seed%4 == 1 {
			c.Temp, c.TNom = 320, circuit.DefaultTemp
		}
		check(compile(t, c), fmt.Sprintf("seed %d", seed))
	}
	sys := compile(t, circuittest.KendallNetwork(20, 12, 3, 4))
	r := check(sys, "kendall 20x12x3")
	t.Logf("kendall 20x12x3: %d steps, %d iterations, settled at %.3g s", r.Steps, r.Iterations, r.SettlingTime)
}

// trace records the observed states of a transient.
type trace struct {
	t []float64
	x [][]float64
}

func (tr *trace) observe(t float64, x []float64) {
	tr.t = append(tr.t, t)
	tr.x = append(tr.x, append([]float64(nil), x...))
}

// at returns unknown k at time t by quadratic interpolation through the
// three records nearest t.
func (tr *trace) at(k int, t float64) float64 {
	j := 1
	for j+1 < len(tr.t)-1 && tr.t[j] < t {
		j++
	}
	if len(tr.t) < 3 {
		return tr.x[len(tr.x)-1][k]
	}
	t0, t1, t2 := tr.t[j-1], tr.t[j], tr.t[j+1]
	y0, y1, y2 := tr.x[j-1][k], tr.x[j][k], tr.x[j+1][k]
	return y0*(t-t1)*(t-t2)/((t0-t1)*(t0-t2)) + y1*(t-t0)*(t-t2)/((t1-t0)*(t1-t2)) + y2*(t-t0)*(t-t1)/((t2-t0)*(t2-t1))
}

// TestLayeredTransientAgreesWithDense checks the layered transient against
// the dense one on small layered networks, both with default settings:
// every node voltage within 1 mV + 1% of its swing at every time the
// layered transient records (the dense trajectory interpolated there), the
// settling times within 1%, the energies within 0.1%, with and without a
// stop time.
func TestLayeredTransientAgreesWithDense(t *testing.T) {
	for seed := range uint64(16) {
		rng := rand.New(rand.NewPCG(seed, 22))
		c := layeredNet(rng, 1+rng.IntN(2), seed%2 == 1, seed%3 == 0, circuittest.Nonideal{})
		sys := compile(t, c)
		l, err := NewLayered(sys)
		if err != nil {
			t.Fatal(err)
		}
		for _, stop := range []float64{0, 5e-9} {
			var dt, lt trace
			dr, err := Transient(sys, nil, &TransientSettings{StopTime: stop, Observe: dt.observe})
			if err != nil {
				t.Fatalf("seed %d: dense: %v", seed, err)
			}
			lr, err := l.Transient(nil, &TransientSettings{StopTime: stop, Observe: lt.observe})
			if err != nil {
				t.Fatalf("seed %d: layered: %v", seed, err)
			}
			what := fmt.Sprintf("seed %d, stop %g s", seed, stop)
			if lr.Status != dr.Status {
				t.Errorf("%s: status %v, dense %v", what, lr.Status, dr.Status)
			}
			var worst float64
			for k := range sys.NumFree() {
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, x := range dt.x {
					lo, hi = math.Min(lo, x[k]), math.Max(hi, x[k])
				}
				tol := 1e-3 + 0.01*(hi-lo)
				for j, tj := range lt.t {
					if tj > dt.t[len(dt.t)-1] {
						break
					}
					d := math.Abs(lt.x[j][k] - dt.at(k, tj))
					worst = math.Max(worst, d/tol)
					if d > tol {
						t.Errorf("%s: V(%s) at %.4g s: layered %.6g V, dense %.6g V", what, sys.UnknownName(k), tj, lt.x[j][k], dt.at(k, tj))
						break
					}
				}
			}
			if stop == 0 && math.Abs(lr.SettlingTime-dr.SettlingTime) > 0.01*dr.SettlingTime {
				t.Errorf("%s: settled at %g s, dense at %g s", what, lr.SettlingTime, dr.SettlingTime)
			}
			if stop > 0 && (lr.Time != stop || dr.Time != stop) {
				t.Errorf("%s: ran to %g s, dense to %g s", what, lr.Time, dr.Time)
			}
			for _, e := range [][2]float64{{lr.Energy.Sources, dr.Energy.Sources}, {lr.Energy.Controlled, dr.Energy.Controlled}} {
				if math.Abs(e[0]-e[1]) > 1e-3*math.Abs(dr.Energy.Sources) {
					t.Errorf("%s: energy %+v J, dense %+v J", what, lr.Energy, dr.Energy)
				}
			}
			if seed%4 == 0 {
				t.Logf("%s: %d steps (dense %d), worst deviation %.2f of the tolerance, energy %.6g J (dense %.6g J)",
					what, lr.Steps, dr.Steps, worst, lr.Energy.Total(), dr.Energy.Total())
			}
		}
	}
}

// TestLayeredTransientStopStart checks a phase cut short and resumed, as
// training in time will run them: stopped at StopTime (TimeLimit, no
// error), then integrated from that state until settled, it ends where
// the uninterrupted transient ends, and the energies of the two parts add
// up to the whole.
func TestLayeredTransientStopStart(t *testing.T) {
	sys := compile(t, circuittest.KendallNetwork(30, 16, 4, 5))
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	full, err := l.Transient(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := full.SettlingTime / 4
	cut, err := l.Transient(nil, &TransientSettings{StopTime: stop})
	if err != nil || cut.Status != TimeLimit || cut.Time != stop {
		t.Fatalf("cut short: %v, %v at %g s", err, cut.Status, cut.Time)
	}
	if d, _ := maxDiff(cut.X, full.X, 0, sys.NumFree()); d < 1e-4 {
		t.Errorf("cut short at %g s of %g s: within %g V of the end", stop, full.SettlingTime, d)
	}
	rest, err := l.Transient(cut.X, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, i := maxDiff(rest.X, full.X, 0, sys.NumFree()); d > 1e-9 {
		t.Errorf("resumed: V(%s) = %.12g V, uninterrupted %.12g V", sys.UnknownName(i), rest.X[i], full.X[i])
	}
	sum := cut.Energy.Total() + rest.Energy.Total()
	if math.Abs(sum-full.Energy.Total()) > 1e-3*full.Energy.Total() {
		t.Errorf("energy %g J + %g J = %g J, uninterrupted %g J", cut.Energy.Total(), rest.Energy.Total(), sum, full.Energy.Total())
	}
	if math.Abs(stop+rest.SettlingTime-full.SettlingTime) > 0.02*full.SettlingTime {
		t.Errorf("settled %g s after the cut at %g s, uninterrupted at %g s", rest.SettlingTime, stop, full.SettlingTime)
	}
	// A nudged phase from the free equilibrium: a current into the
	// outputs, as Kendall's nudge; it ends at the nudged DC equilibrium.
	c := sys.Circuit()
	c.Add(&circuit.ISource{Name: "INUDGE", Nodes: [2]string{"0", "y[0]"}, I: 1e-6})
	nsys := compile(t, c)
	nl, err := NewLayered(nsys)
	if err != nil {
		t.Fatal(err)
	}
	nudged, err := nl.Transient(full.X, nil)
	if err != nil {
		t.Fatal(err)
	}
	ndc, err := nl.Solve(nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, i := maxDiff(nudged.X, ndc.X, 0, nsys.NumFree()); d > 1e-9 {
		t.Errorf("nudged: V(%s) = %.12g V, DC %.12g V", nsys.UnknownName(i), nudged.X[i], ndc.X[i])
	}
	if d, _ := maxDiff(nudged.X, full.X, 0, nsys.NumFree()); d < 1e-6 || nudged.SettlingTime <= 0 {
		t.Errorf("nudged: moved %g V, settled at %g s", d, nudged.SettlingTime)
	}
	c.Elements = c.Elements[:len(c.Elements)-1]

	// From the equilibrium: settled at once, no energy but the DC power's.
	again, err := l.Transient(full.X, &TransientSettings{StopTime: 1e-6})
	if err != nil || again.Status != Converged || again.SettlingTime != 0 || again.Steps > 2 {
		t.Errorf("from the equilibrium: %v, %v, settled at %g s after %d steps", err, again.Status, again.SettlingTime, again.Steps)
	}
	if want := full.Power.Total() * 1e-6; math.Abs(again.Energy.Total()-want) > 1e-6*want {
		t.Errorf("held for 1 us: %g J, DC power times 1 us %g J", again.Energy.Total(), want)
	}
}

// TestLayeredTransientCapacitors checks the capacitors a layered transient
// takes (to ground and to a pinned node, whose source then delivers their
// current) and the one it refuses (between free nodes).
func TestLayeredTransientCapacitors(t *testing.T) {
	// A capacitor from node a to the source's own node: the source
	// delivers no charge after time 0 (see TestTransientChargeEnergy).
	const v, g, c = 1.5, 1e-4, 3e-12
	ck := &circuit.Circuit{}
	ck.Add(&circuit.VSource{Name: "V1", Nodes: [2]string{"in", "0"}, V: v},
		&circuit.Resistor{Name: "R1", Nodes: [2]string{"in", "a"}, G: g},
		&circuit.Capacitor{Name: "C1", Nodes: [2]string{"a", "in"}, C: c},
		&circuit.Resistor{Name: "R2", Nodes: [2]string{"in", "b"}, G: g},
		&circuit.Capacitor{Name: "C2", Nodes: [2]string{"0", "b"}, C: c})
	sys := compile(t, ck)
	l, err := NewLayered(sys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Transient(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Node b charges to v from ground: C*V² (until settled, its charge
	// lacks c*SettleTol).
	if want := c * v * (v - ode.DefaultSettleTol); math.Abs(r.Energy.Total()-want) > 1e-6*want {
		t.Errorf("source delivered %.10g J, want %.10g J", r.Energy.Total(), want)
	}
	dr, err := Transient(sys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(dr.SettlingTime-r.SettlingTime) > 1e-3*dr.SettlingTime {
		t.Errorf("settled at %g s, dense at %g s", r.SettlingTime, dr.SettlingTime)
	}

	rng := rand.New(rand.NewPCG(1, 23))
	lc := layeredNet(rng, 2, true, false, circuittest.Nonideal{})
	lc.Add(&circuit.Capacitor{Name: "CH", Nodes: [2]string{"h1[0]", "y[0]"}, C: 1e-13})
	sys = compile(t, lc)
	if l, err = NewLayered(sys); err != nil {
		t.Fatal(err)
	}
	_, err = l.Transient(nil, nil)
	if err == nil || !strings.Contains(err.Error(), `"CH"`) || !strings.Contains(err.Error(), "solver.Transient") {
		t.Errorf("capacitor between free nodes: error %v", err)
	}
}

// ExampleLayered_Transient settles a Kendall-style network from 0 V with
// its 1 pF node capacitances, then lets the same phase run for only 2 ns.
func ExampleLayered_Transient() {
	sys, err := mna.Compile(circuittest.KendallNetwork(8, 4, 2, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := NewLayered(sys)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := l.Transient(nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dc, _ := l.Solve(nil)
	y := sys.Unknown("y[0]")
	fmt.Printf("settled: %s, V(y[0]) = %.6f V (DC %.6f V), within 10 us: %t, energy below 1 nJ: %t\n",
		r.Status, r.X[y], dc.X[y], r.SettlingTime < 10e-6, r.Energy.Total() < 1e-9)
	cut, err := l.Transient(nil, &TransientSettings{StopTime: 2e-9})
	fmt.Printf("cut short: %s at %g s, error %v\n", cut.Status, cut.Time, err)
	// Output:
	// settled: converged, V(y[0]) = -0.024637 V (DC -0.024637 V), within 10 us: true, energy below 1 nJ: true
	// cut short: time limit at 2e-09 s, error <nil>
}
