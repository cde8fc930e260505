package mna

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"

	"gonum.org/v1/gonum/mat"
)

// TestNonidealJacobianAndCoContent checks the analytic Jacobian with every
// circuit nonideality (wire resistance on the crossbars, diode variation
// on the rectifier, gain errors and offsets on the amplifier, a nominal
// temperature below the circuit's) against finite differences, and that
// the residual stays the gradient of the co-content.
func TestNonidealJacobianAndCoContent(t *testing.T) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 41))
		c := randomCircuit(rng, seed%2 == 0, circuittest.Nonideal{
			WireR:      1e3,
			Diodes:     circuit.DiodeVariation{ISSpread: 1, NSpread: 0.1, Seed: seed},
			Amplifiers: circuit.AmplifierVariation{GainError: 0.2, Offset: 0.05, Seed: seed},
		})
		c.Temp, c.TNom = 330, circuit.DefaultTemp
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		x := randX(rng, s)
		checkJacobian(t, s, x, seed)
		if seed%2 == 1 {
			checkCoContentGradient(t, c, s, x, seed)
		}
	}
}

// TestWiredCrossbarCards checks the geometry of a wired crossbar against
// the same array written out as resistor cards: segments of WireR ohms from
// From[i] along row i, from cell (i, j) down column j to To[j], and the
// cells between the wires. Both residuals agree node by node.
func TestWiredCrossbarCards(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const m, n, wr = 3, 4, 37.0
	from := []string{"x[0]", "x[1]", "x[2]"}
	to := []string{"y[0]", "y[1]", "y[2]", "y[3]"}
	g := randMat(rng, m, n)
	g.Set(1, 2, 0) // an empty cell keeps its wires
	w := &circuit.Crossbar{Name: "W", From: from, To: to, G: g, WireR: wr}
	tail := func() []circuit.Element {
		var els []circuit.Element
		for _, nm := range to {
			els = append(els, &circuit.Resistor{Name: "L" + nm, Nodes: [2]string{nm, "0"}, G: 1e-4})
		}
		for k, nm := range from {
			els = append(els, &circuit.VSource{Name: "V" + nm, Nodes: [2]string{nm, "0"}, V: float64(k) - 0.7})
		}
		return els
	}
	a := &circuit.Circuit{}
	a.Add(w)
	a.Add(tail()...)
	b := &circuit.Circuit{}
	res := func(p, q string, g float64) {
		b.Add(&circuit.Resistor{Name: fmt.Sprintf("R%d", len(b.Elements)), Nodes: [2]string{p, q}, G: g})
	}
	for i := range m {
		prev := from[i]
		for j := range n {
			rn, cn := fmt.Sprintf("W.r[%d][%d]", i, j), fmt.Sprintf("W.c[%d][%d]", i, j)
			res(prev, rn, 1/wr)
			res(rn, cn, g.At(i, j))
			prev = rn
			next := to[j]
			if i+1 < m {
				next = fmt.Sprintf("W.c[%d][%d]", i+1, j)
			}
			res(cn, next, 1/wr)
		}
	}
	b.Add(tail()...)
	sa, err := Compile(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	if sa.NumFree() != 2*m*n+n || sb.NumFree() != sa.NumFree() {
		t.Fatalf("%d and %d free nodes, want %d", sa.NumFree(), sb.NumFree(), 2*m*n+n)
	}
	for name, s := range map[string]*System{"W.r[2][3]": sa, "W.c[0][0]": sa} {
		if s.Unknown(name) < 0 {
			t.Errorf("no free node %q", name)
		}
	}
	xa := make([]float64, sa.Size())
	xb := make([]float64, sb.Size())
	for k := range xa {
		xa[k] = rng.Float64() - 0.5
		xb[sb.Unknown(sa.UnknownName(k))] = xa[k]
	}
	fa, fb := make([]float64, len(xa)), make([]float64, len(xb))
	sa.Eval(fa, nil, xa, nil)
	sb.Eval(fb, nil, xb, nil)
	for k := range fa {
		// The order of the sums differs: a few roundings of the largest
		// element current (some 1/WireR volts).
		if d := fa[k] - fb[sb.Unknown(sa.UnknownName(k))]; math.Abs(d) > 1e-14/wr {
			t.Errorf("node %s: residual %g A, cards %g A", sa.UnknownName(k), fa[k], fb[sb.Unknown(sa.UnknownName(k))])
		}
	}
	ea, _ := sa.CoContent(xa)
	eb, _ := sb.CoContent(xb)
	if math.Abs(ea-eb) > 1e-14*math.Abs(eb) {
		t.Errorf("co-content %g W, cards %g W", ea, eb)
	}

	// Drops: the periphery's, and the cells'.
	periph, cell := mat.NewDense(m, n, nil), mat.NewDense(m, n, nil)
	sa.CrossbarDropsTo(periph, "W", xa)
	sa.CrossbarCellDropsTo(cell, "W", xa)
	v := sa.VoltagesTo(nil, xa)
	at := func(name string) float64 { i, _ := sa.NodeIndex(name); return v[i] }
	for i := range m {
		for j := range n {
			if want := at(from[i]) - at(to[j]); periph.At(i, j) != want {
				t.Errorf("periphery drop (%d, %d) = %g, want %g", i, j, periph.At(i, j), want)
			}
			if want := at(w.RowNode(i, j)) - at(w.ColNode(i, j)); cell.At(i, j) != want {
				t.Errorf("cell drop (%d, %d) = %g, want %g", i, j, cell.At(i, j), want)
			}
		}
	}
}

func TestWireNodes(t *testing.T) {
	w := &circuit.Crossbar{Name: "W1", From: []string{"a", "b"}, To: []string{"c"}, G: mat.NewDense(2, 1, []float64{1, 1})}
	if w.InternalNodes() != nil || w.Wired() {
		t.Error("ideal crossbar has internal nodes")
	}
	w.WireR = 1
	want := []string{"W1.r[0][0]", "W1.r[1][0]", "W1.c[0][0]", "W1.c[1][0]"}
	if got := w.InternalNodes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("internal nodes %v, want %v", got, want)
	}
}

func TestCompileNonidealErrors(t *testing.T) {
	r := func(name, a, b string) *circuit.Resistor {
		return &circuit.Resistor{Name: name, Nodes: [2]string{a, b}, G: 1}
	}
	cross := func(wr float64) *circuit.Crossbar {
		return &circuit.Crossbar{Name: "W", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(1, 1, []float64{1}), WireR: wr}
	}
	rect := &circuit.Rectifier{Name: "D", Nodes: []string{"a"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}, High: "0", Low: "0", IS: []float64{1e-14}}
	rectN := &circuit.Rectifier{Name: "D", Nodes: []string{"a"}, Model: circuit.DiodeModel{IS: 1e-14, N: 1}, High: "0", Low: "0", N: []float64{1, -1}}
	amp := func(gains, offs []float64) *circuit.Amplifier {
		return &circuit.Amplifier{Name: "A", From: []string{"a"}, To: []string{"b"}, Gain: 2, Gains: gains, Offsets: offs}
	}
	for _, tc := range []struct {
		name string
		els  []circuit.Element
		want string
	}{
		{"negative wire", []circuit.Element{cross(-1), r("R", "a", "0")}, `"W": wire resistance -1 ohms`},
		{"nan wire", []circuit.Element{cross(math.NaN()), r("R", "a", "0")}, `"W": wire resistance NaN ohms`},
		{"collision", []circuit.Element{cross(1), r("R", "a", "0"), r("R2", "W.c[0][0]", "0")}, `"W": an internal node of the wired crossbar has the name of another node: W.c[0][0]`},
		{"rectifier IS", []circuit.Element{rect, r("R", "a", "0")}, `"D": 1 per-diode IS values for 2 diodes`},
		{"rectifier N", []circuit.Element{rectN, r("R", "a", "0")}, `"D": diode 1: N = -1`},
		{"amp gains", []circuit.Element{amp([]float64{1, 2}, nil), r("R", "a", "0")}, `"A": 2 channel gains for 1 channels`},
		{"amp zero", []circuit.Element{amp([]float64{0}, nil), r("R", "a", "0")}, `"A": channel 0: gain 0`},
		{"amp offsets", []circuit.Element{amp(nil, []float64{math.Inf(1)}), r("R", "a", "0")}, `"A": channel 0: offset +Inf V`},
	} {
		_, err := Compile(&circuit.Circuit{Elements: tc.els})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestAmplifierChannelEquation checks the branch equation of every channel
// of an amplifier with gain errors and offsets.
func TestAmplifierChannelEquation(t *testing.T) {
	// The branch equation of channel i: V(To[i]) = Gains[i]*V(From[i]) +
	// Offsets[i].
	a := &circuit.Amplifier{Name: "A", From: []string{"p", "q"}, To: []string{"s", "u"}, Gain: 4}
	a.Vary(circuit.AmplifierVariation{GainError: 0.1, Offset: 0.01, Seed: 5})
	c := &circuit.Circuit{}
	c.Add(a)
	for _, nm := range []string{"p", "q", "s", "u"} {
		c.Add(&circuit.Resistor{Name: "R" + nm, Nodes: [2]string{nm, "0"}, G: 1e-3})
	}
	s, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	x := randX(rand.New(rand.NewPCG(1, 2)), s)
	f := make([]float64, s.Size())
	s.Eval(f, nil, x, nil)
	for i := range a.From {
		k := s.Unknown(fmt.Sprintf("A[%d]", i))
		want := x[s.Unknown(a.To[i])] - a.Gains[i]*x[s.Unknown(a.From[i])] - a.Offsets[i]
		if math.Abs(f[k]-want) > 1e-16 {
			t.Errorf("channel %d: branch residual %g V, want %g V", i, f[k], want)
		}
	}
}
