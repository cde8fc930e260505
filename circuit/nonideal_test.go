package circuit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// nonideal applies every circuit nonideality to a randomCircuit: wire
// resistance on its crossbars, diode variation on its rectifier, gain
// errors and offsets on its amplifier and a nominal temperature.
func nonideal(c *Circuit, seed uint64) {
	c.Temp, c.TNom = 330, DefaultTemp
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *Crossbar:
			e.WireR = 1e3
		case *Rectifier:
			e.Vary(DiodeVariation{ISSpread: 1, NSpread: 0.1, Seed: seed})
		case *Amplifier:
			e.Vary(AmplifierVariation{GainError: 0.2, Offset: 0.05, Seed: seed})
		}
	}
}

// TestNonidealJacobianAndCoContent checks the analytic Jacobian with every
// nonideality against finite differences, and that the residual stays the
// gradient of the co-content.
func TestNonidealJacobianAndCoContent(t *testing.T) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 41))
		c := randomCircuit(rng, seed%2 == 0)
		nonideal(c, seed)
		s, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		x := randX(rng, s)
		checkJacobian(t, s, x, seed)
		if seed%2 == 0 {
			continue
		}
		f := make([]float64, s.Size())
		s.Eval(f, nil, x, nil)
		nf := s.NumFree()
		grad := make([]float64, nf)
		fd.Gradient(grad, func(v []float64) float64 {
			y := append(append([]float64(nil), v...), x[nf:]...)
			e, _ := s.CoContent(y)
			return e
		}, x[:nf], &fd.Settings{Formula: fd.Central, Step: 1e-6})
		ib := x[s.Unknown("Vf")]
		for k := range nf {
			want := f[k]
			switch s.UnknownName(k) {
			case "b":
				want -= ib
			case "f":
				want += ib
			}
			if math.Abs(grad[k]-want) > 1e-7*math.Abs(want)+1e-13 {
				t.Fatalf("seed %d node %s: dE/dV = %g, residual %g", seed, s.UnknownName(k), grad[k], want)
			}
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
	w := &Crossbar{Name: "W", From: from, To: to, G: g, WireR: wr}
	tail := func() []Element {
		var els []Element
		for _, nm := range to {
			els = append(els, &Resistor{Name: "L" + nm, Nodes: [2]string{nm, "0"}, G: 1e-4})
		}
		for k, nm := range from {
			els = append(els, &VSource{Name: "V" + nm, Nodes: [2]string{nm, "0"}, V: float64(k) - 0.7})
		}
		return els
	}
	a := &Circuit{}
	a.Add(w)
	a.Add(tail()...)
	b := &Circuit{}
	res := func(p, q string, g float64) {
		b.Add(&Resistor{Name: fmt.Sprintf("R%d", len(b.Elements)), Nodes: [2]string{p, q}, G: g})
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
	w := &Crossbar{Name: "W1", From: []string{"a", "b"}, To: []string{"c"}, G: mat.NewDense(2, 1, []float64{1, 1})}
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
	r := func(name, a, b string) *Resistor { return &Resistor{Name: name, Nodes: [2]string{a, b}, G: 1} }
	cross := func(wr float64) *Crossbar {
		return &Crossbar{Name: "W", From: []string{"a"}, To: []string{"b"}, G: mat.NewDense(1, 1, []float64{1}), WireR: wr}
	}
	rect := &Rectifier{Name: "D", Nodes: []string{"a"}, Model: DiodeModel{IS: 1e-14, N: 1}, High: "0", Low: "0", IS: []float64{1e-14}}
	rectN := &Rectifier{Name: "D", Nodes: []string{"a"}, Model: DiodeModel{IS: 1e-14, N: 1}, High: "0", Low: "0", N: []float64{1, -1}}
	amp := func(gains, offs []float64) *Amplifier {
		return &Amplifier{Name: "A", From: []string{"a"}, To: []string{"b"}, Gain: 2, Gains: gains, Offsets: offs}
	}
	for _, tc := range []struct {
		name string
		els  []Element
		want string
	}{
		{"negative wire", []Element{cross(-1), r("R", "a", "0")}, `"W": wire resistance -1 ohms`},
		{"nan wire", []Element{cross(math.NaN()), r("R", "a", "0")}, `"W": wire resistance NaN ohms`},
		{"collision", []Element{cross(1), r("R", "a", "0"), r("R2", "W.c[0][0]", "0")}, `"W": an internal node of the wired crossbar has the name of another node: W.c[0][0]`},
		{"rectifier IS", []Element{rect, r("R", "a", "0")}, `"D": 1 per-diode IS values for 2 diodes`},
		{"rectifier N", []Element{rectN, r("R", "a", "0")}, `"D": diode 1: N = -1`},
		{"amp gains", []Element{amp([]float64{1, 2}, nil), r("R", "a", "0")}, `"A": 2 channel gains for 1 channels`},
		{"amp zero", []Element{amp([]float64{0}, nil), r("R", "a", "0")}, `"A": channel 0: gain 0`},
		{"amp offsets", []Element{amp(nil, []float64{math.Inf(1)}), r("R", "a", "0")}, `"A": channel 0: offset +Inf V`},
	} {
		_, err := Compile(&Circuit{Elements: tc.els})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestDiodeVariationDraw checks the statistics and determinism of the
// drawn diode parameters.
func TestDiodeVariationDraw(t *testing.T) {
	m := DiodeModel{IS: 1e-14, N: 1.5}
	const n = 20000
	v := DiodeVariation{ISSpread: 0.4, NSpread: 0.05, Seed: 9}
	is, nn := v.Draw(m, n)
	var mis, sis, mn, sn float64
	for k := range n {
		l := math.Log(is[k] / m.IS)
		mis += l / n
		sis += l * l / n
		r := nn[k]/m.N - 1
		mn += r / n
		sn += r * r / n
		if math.Abs(l) > 3*v.ISSpread+1e-12 || math.Abs(r) > 3*v.NSpread+1e-12 {
			t.Fatalf("diode %d beyond 3 sigma: ln factor %g, N factor %g", k, l, r)
		}
	}
	// The truncation at 3 sigma takes 1.1% off the variance.
	sis, sn = math.Sqrt(sis-mis*mis), math.Sqrt(sn-mn*mn)
	if math.Abs(mis) > 0.02 || math.Abs(sis/v.ISSpread-0.9946) > 0.02 {
		t.Errorf("ln(IS/IS0): mean %g, std %g, want 0 and %g", mis, sis, v.ISSpread)
	}
	if math.Abs(mn) > 0.002 || math.Abs(sn/v.NSpread-0.9946) > 0.02 {
		t.Errorf("N/N0 - 1: mean %g, std %g, want 0 and %g", mn, sn, v.NSpread)
	}
	// The same seed, the same diodes; IS does not depend on NSpread.
	is2, nn2 := DiodeVariation{ISSpread: 0.4, Seed: 9}.Draw(m, n)
	if nn2 != nil || fmt.Sprint(is2[:50]) != fmt.Sprint(is[:50]) {
		t.Error("IS draws depend on NSpread, or N drawn without a spread")
	}
	is3, _ := DiodeVariation{ISSpread: 0.4, Seed: 10}.Draw(m, 10)
	if is3[0] == is[0] {
		t.Error("another seed gives the same draw")
	}
	if is, nn := (DiodeVariation{Seed: 3}).Draw(m, 5); is != nil || nn != nil {
		t.Error("no spread but per-diode parameters")
	}
	r := &Rectifier{Nodes: []string{"a", "b"}, Model: m}
	r.Vary(v)
	if len(r.IS) != 4 || r.Diode(3).IS != r.IS[3] || r.Diode(3).N != r.N[3] || r.Variation != v {
		t.Errorf("Vary: %+v", r)
	}
	for _, bad := range []DiodeVariation{{ISSpread: -1}, {NSpread: 0.31}, {ISSpread: math.NaN()}, {ISSpread: 11}} {
		if bad.Validate() == nil {
			t.Errorf("%+v is valid", bad)
		}
	}
}

// TestAmplifierVariationDraw checks the statistics of drawn gains and
// offsets, and that the compiled amplifier uses them.
func TestAmplifierVariationDraw(t *testing.T) {
	const n = 20000
	v := AmplifierVariation{GainError: 0.1, Offset: 0.01, Seed: 2}
	gains, offs := v.Draw(4, n)
	var mg, sg, mo, so float64
	for i := range n {
		e := gains[i]/4 - 1
		mg += e / n
		sg += e * e / n
		mo += offs[i] / n
		so += offs[i] * offs[i] / n
	}
	sg, so = math.Sqrt(sg-mg*mg), math.Sqrt(so-mo*mo)
	if math.Abs(mg) > 0.003 || math.Abs(sg/v.GainError-0.9946) > 0.02 {
		t.Errorf("relative gain error: mean %g, std %g, want 0 and %g", mg, sg, v.GainError)
	}
	if math.Abs(mo) > 3e-4 || math.Abs(so/v.Offset-0.9946) > 0.02 {
		t.Errorf("offset: mean %g V, std %g V, want 0 and %g V", mo, so, v.Offset)
	}
	if g, o := (AmplifierVariation{}).Draw(4, 3); g != nil || o != nil {
		t.Error("no spread but channel values")
	}
	for _, bad := range []AmplifierVariation{{GainError: 0.4}, {Offset: -1}, {Offset: math.Inf(1)}} {
		if bad.Validate() == nil {
			t.Errorf("%+v is valid", bad)
		}
	}

	// The branch equation of channel i: V(To[i]) = Gains[i]*V(From[i]) +
	// Offsets[i].
	a := &Amplifier{Name: "A", From: []string{"p", "q"}, To: []string{"s", "u"}, Gain: 4}
	a.Vary(AmplifierVariation{GainError: 0.1, Offset: 0.01, Seed: 5})
	c := &Circuit{}
	c.Add(a)
	for _, nm := range []string{"p", "q", "s", "u"} {
		c.Add(&Resistor{Name: "R" + nm, Nodes: [2]string{nm, "0"}, G: 1e-3})
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

func TestSaturationCurrent(t *testing.T) {
	m := DiodeModel{IS: 2.52e-9, N: 1.752}
	if got := m.SaturationCurrent(310, 310); got != m.IS {
		t.Errorf("IS at its own temperature %g, want %g", got, m.IS)
	}
	// The rule of thumb: a silicon junction's IS doubles every 4 to 5 K
	// near room temperature (N = 1; EG = 1.11 eV and XTI = 3 make it
	// 4.6 K).
	d := DiodeModel{IS: 1e-14, N: 1}
	r := d.SaturationCurrent(DefaultTemp+4.6, DefaultTemp) / d.IS
	if r < 1.95 || r > 2.05 {
		t.Errorf("IS grows by %g over 4.6 K", r)
	}
	c := &Circuit{Temp: 350}
	if c.NominalTemperature() != 350 {
		t.Errorf("nominal temperature %g, want Temp", c.NominalTemperature())
	}
}
