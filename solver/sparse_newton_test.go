package solver

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
)

// agree reports the largest difference between two solutions of sys,
// relative to the Newton update tolerance of each unknown, and the
// unknown where it occurs.
func agree(a, b []float64) (worst float64, at int) {
	for i := range a {
		d := math.Abs(a[i]-b[i]) / (1e-12 + 1e-9*math.Abs(a[i]))
		if d > worst {
			worst, at = d, i
		}
	}
	return worst, at
}

// TestSparseNewtonAgreesWithDense solves random circuits with every
// element kind (diodes forward and reverse, floating sources, VCVS, CCCS,
// amplifiers) by Newton with the sparse and with the dense Jacobian: every
// node voltage and branch current agrees within the update tolerance, KCL
// holds at the sparse solution against a balance recomputed from the
// element list, and both take the same method.
func TestSparseNewtonAgreesWithDense(t *testing.T) {
	dense, sparse := &Settings{Jacobian: DenseJacobian}, &Settings{Jacobian: SparseJacobian}
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 2))
		c := randomCircuit(rng, seed%2 == 1)
		sys := compile(t, c)
		rd, err := Newton(sys, nil, dense)
		if err != nil {
			t.Fatalf("seed %d: dense: %v", seed, err)
		}
		rs, err := Newton(sys, nil, sparse)
		if err != nil {
			t.Fatalf("seed %d: sparse: %v", seed, err)
		}
		checkKCL(t, c, sys, rs.X, 1e-15, 1e-9)
		if w, at := agree(rd.X, rs.X); w > 1 {
			t.Errorf("seed %d: %s: dense %.15g, sparse %.15g", seed, sys.UnknownName(at), rd.X[at], rs.X[at])
		}
		if rd.Method != rs.Method {
			t.Errorf("seed %d: dense by %s, sparse by %s", seed, rd.Method, rs.Method)
		}
	}
}

// TestSparseNewtonFallbacks is TestNewtonFallbacks with the sparse
// Jacobian: every fallback (damped Newton, gmin stepping, source
// stepping) reaches the equilibrium of plain Newton.
func TestSparseNewtonFallbacks(t *testing.T) {
	const budget = 8
	for _, tc := range []struct {
		c    *circuit.Circuit
		set  Settings
		want string
	}{
		{hardCircuit(), Settings{}, "damped-newton"},
		{diodeChain(5, 1e-6, 4, 1e-6), Settings{NoDamping: true}, "gmin-stepping"},
		{hardCircuit(), Settings{NoDamping: true, NoGminStepping: true}, "source-stepping"},
	} {
		sys := compile(t, tc.c)
		ref, err := Newton(sys, nil, &Settings{Jacobian: DenseJacobian})
		if err != nil {
			t.Fatal(err)
		}
		tc.set.MaxIterations = budget
		tc.set.Jacobian = SparseJacobian
		r, err := Newton(sys, nil, &tc.set)
		if err != nil {
			t.Errorf("%s: %v", tc.want, err)
			continue
		}
		if r.Method != tc.want {
			t.Errorf("method %s, want %s", r.Method, tc.want)
		}
		checkKCL(t, tc.c, sys, r.X, 1e-15, 1e-9)
		if w, at := agree(ref.X[:sys.NumFree()], r.X[:sys.NumFree()]); w > 1 {
			t.Errorf("%s: %s: dense %.15g, sparse %.15g", tc.want, sys.UnknownName(at), ref.X[at], r.X[at])
		}
	}
}

// TestSparseTransientAgreesWithDense integrates random circuits, with
// their capacitors and node capacitances, with the sparse and the dense
// Jacobian: the same steps, the same equilibrium, settling times within
// rounding of each other.
func TestSparseTransientAgreesWithDense(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 3))
		c := randomCircuit(rng, seed%2 == 1)
		sys := compile(t, c)
		td, err := Transient(sys, nil, &TransientSettings{Settings: Settings{Jacobian: DenseJacobian}})
		if err != nil {
			t.Fatalf("seed %d: dense: %v", seed, err)
		}
		ts, err := Transient(sys, nil, &TransientSettings{Settings: Settings{Jacobian: SparseJacobian}})
		if err != nil {
			t.Fatalf("seed %d: sparse: %v", seed, err)
		}
		checkKCL(t, c, sys, ts.X, 1e-15, 1e-9)
		if w, at := agree(td.X[:sys.NumFree()], ts.X[:sys.NumFree()]); w > 1 {
			t.Errorf("seed %d: %s: dense %.15g, sparse %.15g", seed, sys.UnknownName(at), td.X[at], ts.X[at])
		}
		if d := math.Abs(td.SettlingTime - ts.SettlingTime); d > 1e-6*td.SettlingTime {
			t.Errorf("seed %d: settling time %g s dense, %g s sparse (%d and %d steps)", seed, td.SettlingTime, ts.SettlingTime, td.Steps, ts.Steps)
		}
	}
}

// TestAutoJacobianChooses checks Auto's choice: dense for a small circuit,
// sparse for a wired crossbar of 4232 unknowns, and the forced forms.
func TestAutoJacobianChooses(t *testing.T) {
	small := compile(t, randomCircuit(rand.New(rand.NewPCG(1, 2)), true))
	wired, _ := wiredArray(46, 46, 1e-5, 1)
	big := compile(t, wired)
	eng := func(sys *mna.System, s Settings) *engine { return newEngine(sys, s.WithDefaults(), nil) }
	for _, tc := range []struct {
		e    *engine
		want JacobianKind
	}{
		{eng(small, Settings{}), DenseJacobian},
		{eng(small, Settings{Jacobian: SparseJacobian}), SparseJacobian},
		{eng(big, Settings{}), SparseJacobian},
	} {
		if got := tc.e.jac.Kind(); got != tc.want {
			t.Errorf("%d unknowns: %v Jacobian, want %v", tc.e.n, got, tc.want)
		}
	}
}
