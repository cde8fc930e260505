package noise_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/circuit/mna/noise"

	"gonum.org/v1/gonum/mat"
)

// shockley is a junction's current without Gmin at v volts, from the
// diode equation as SPICE3 writes it (its reverse form below -3*N*Vt).
func shockley(m circuit.DiodeModel, temp, v float64) float64 {
	nvt := m.N * circuit.ThermalVoltage(temp)
	if v >= -3*nvt {
		return m.IS * math.Expm1(v/nvt)
	}
	a := 3 * nvt / (v * math.E)
	return -m.IS * (1 + a*a*a)
}

// TestNoiseMatrix checks the noise of random circuits (wired crossbars,
// rectifiers, diodes, floating and controlled sources) against an
// independent construction: 4kT times the conductance matrix, which is
// the node block of the Jacobian of the same circuit without its
// junctions, plus, per junction, 4kT*Gmin and 2q|I| with I from the diode
// equation, on the junction's two nodes. The sources Sources lists,
// the drawn currents' covariance and Update must give the same matrix.
func TestNoiseMatrix(t *testing.T) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 77))
		c := circuittest.Random(rng, circuittest.RandomOptions{Stages: 2, Controlled: seed%2 == 1, SenseVCVS: seed%2 == 1, Blocks: true})
		c.Temp = 250 + 100*rng.Float64()
		for _, e := range c.Elements {
			if x, ok := e.(*circuit.Crossbar); ok && seed%3 == 0 {
				x.WireR = 50
			}
		}
		s, err := mna.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		x := circuittest.RandomUnknowns(rng, s.Size(), s.NumFree())
		nf := s.NumFree()
		kT := circuit.Boltzmann * c.Temp

		// The reference: the same circuit without its junctions.
		lin := &circuit.Circuit{Temp: c.Temp, Groups: c.Groups}
		type junc struct {
			a, k string
			m    circuit.DiodeModel
		}
		var juncs []junc
		for _, e := range c.Elements {
			hasD := false
			for p := range e.Parts() {
				if p.Type == 'D' {
					hasD = true
					juncs = append(juncs, junc{p.Nodes[0], p.Nodes[1], p.Model})
				}
			}
			if !hasD {
				lin.Add(e)
			}
		}
		// Keep the nodes that only junctions reached.
		kept := map[string]bool{}
		for _, j := range juncs {
			for _, n := range []string{j.a, j.k} {
				if !kept[n] {
					kept[n] = true
					lin.Add(&circuit.Resistor{Name: "keep_" + n, Nodes: [2]string{n, n}, G: 1})
				}
			}
		}
		ls, err := mna.Compile(lin)
		if err != nil {
			t.Fatal(err)
		}
		lx := make([]float64, ls.Size())
		jac := mat.NewDense(ls.Size(), ls.Size(), nil)
		ls.Eval(make([]float64, ls.Size()), jac, lx, nil)
		want := mat.NewSymDense(nf, nil)
		idx := func(name string) int { return s.Unknown(name) }
		for i := range nf {
			for j := range nf {
				li, lj := ls.Unknown(s.UnknownName(i)), ls.Unknown(s.UnknownName(j))
				want.SetSym(i, j, 4*kT*jac.At(li, lj))
			}
		}
		v := s.VoltagesTo(nil, x)
		volt := func(n string) float64 { i, _ := s.NodeIndex(n); return v[i] }
		for _, j := range juncs {
			psd := 4*kT*circuit.Gmin + 2*circuit.Charge*math.Abs(shockley(j.m, c.Temp, volt(j.a)-volt(j.k)))
			a, k := idx(j.a), idx(j.k)
			if a >= 0 {
				want.SetSym(a, a, want.At(a, a)+psd)
			}
			if k >= 0 {
				want.SetSym(k, k, want.At(k, k)+psd)
			}
			if a >= 0 && k >= 0 {
				want.SetSym(a, k, want.At(a, k)-psd)
			}
		}

		n := noise.Gather(s.Devices(), nil, x)
		got := mat.NewSymDense(nf, nil)
		n.MatrixTo(got)
		checkSym(t, seed, "MatrixTo", got, want)

		// The listed sources.
		fromList := mat.NewSymDense(nf, nil)
		unk := s.Devices().Unknown
		for _, src := range noise.Sources(s.Devices(), x) {
			a, b := unk[src.A], unk[src.B]
			add := func(i, j int, d float64) {
				if i >= 0 && j >= 0 {
					fromList.SetSym(i, j, fromList.At(i, j)+d)
				}
			}
			add(a, a, src.PSD)
			add(b, b, src.PSD)
			if a != b {
				add(a, b, -src.PSD)
			}
		}
		checkSym(t, seed, "NoiseSources", fromList, want)

		// The currents are linear in the draws: the sum of the outer
		// products of the currents of unit draws is their covariance.
		const scale = 0.25
		cov := mat.NewSymDense(nf, nil)
		z := make([]float64, n.Draws())
		cur := make([]float64, nf)
		for k := range z {
			z[k] = 1
			n.CurrentsTo(cur, z, scale)
			z[k] = 0
			cov.SymRankOne(cov, 1, mat.NewVecDense(nf, cur))
		}
		cov.ScaleSym(1/scale, cov)
		checkSym(t, seed, "CurrentsTo", cov, want)

		// Update follows the shot noise from another state.
		n.Update(circuittest.RandomUnknowns(rng, s.Size(), s.NumFree()))
		n.Update(x)
		n.MatrixTo(got)
		checkSym(t, seed, "Update", got, want)
	}
}

func checkSym(t *testing.T, seed uint64, what string, got, want *mat.SymDense) {
	t.Helper()
	scale := mat.Norm(want, math.Inf(1))
	var d mat.Dense
	d.Sub(got, want)
	if e := mat.Norm(&d, math.Inf(1)); !(e <= 1e-12*scale) || scale == 0 {
		t.Errorf("seed %d: %s: PSD matrix differs from the reference by %.3g of %.3g A²/Hz", seed, what, e, scale)
	}
}
