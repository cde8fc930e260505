package audit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/circuittest"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/circuit/mna/devices"
	"gonum.org/v1/gonum/mat"
)

// bruteExtremes computes the extremes of every element of c at node
// voltages V from the elements themselves: inputs' voltages, the cells
// of trainable crossbars and resistors (circuit.Trainable), the diode
// parts of diodes and rectifiers, the amplifiers' outputs.
func bruteExtremes(c *circuit.Circuit, V func(string) float64) map[string]float64 {
	out := map[string]float64{}
	put := func(elem string, q Quantity, v float64) {
		k := elem + " " + q.String()
		if old, ok := out[k]; !ok || v > old {
			out[k] = v
		}
	}
	for _, e := range c.Elements {
		if in, ok := e.(*circuit.Input); ok {
			for _, n := range in.Nodes {
				put(in.Name, InputVoltage, math.Abs(V(n)))
			}
		}
		if t, ok := e.(circuit.Trainable); ok && t.IsTrainable() {
			a, b := t.Sides()
			for i := range a {
				for j := range b {
					p, q := t.CellNodes(i, j)
					d := V(p) - V(q)
					put(e.Label(), DeviceVoltage, math.Abs(d))
					put(e.Label(), DevicePower, *t.Conductance(i*len(b) + j)*d*d)
				}
			}
		}
		for p := range e.Parts() {
			if p.Type == 'D' {
				vd := V(p.Nodes[0]) - V(p.Nodes[1])
				j := p.Model.Junction(c.Temperature(), c.NominalTemperature())
				i, _ := j.Eval(vd)
				put(e.Label(), DiodeReverse, math.Max(0, -vd))
				put(e.Label(), DiodeCurrent, math.Abs(i))
			}
		}
		if a, ok := e.(*circuit.Amplifier); ok {
			for _, n := range a.To {
				put(a.Name, AmplifierOutput, math.Abs(V(n)))
			}
		}
	}
	return out
}

// TestProbe compares the probe's extremes with those computed from the
// elements, on random circuits with every kind (trainable crossbars,
// wired or not, and a trainable resistor), and checks that each extreme
// names the device where it is.
func TestProbe(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 0x70726f6265)) // "probe"
		c := randomReal(rng, seed)
		s, err := mna.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		x := circuittest.RandomUnknowns(rng, s.Size(), s.NumFree())
		v := s.VoltagesTo(nil, x)
		V := func(n string) float64 {
			i, ok := s.NodeIndex(n)
			if !ok {
				t.Fatalf("no node %q", n)
			}
			return v[i]
		}
		want := bruteExtremes(c, V)
		got := NewProbe(s).Extremes(x)
		if len(got) != len(want) {
			t.Errorf("seed %d: %d extremes, want %d: %v", seed, len(got), len(want), got)
		}
		for _, e := range got {
			k := e.Element + " " + e.Quantity.String()
			w, ok := want[k]
			if !ok || math.Abs(e.Value-w) > 1e-15*math.Abs(w) {
				t.Errorf("seed %d: %s = %g, want %g", seed, k, e.Value, w)
			}
			// The device named holds the extreme.
			var at float64
			switch e.Quantity {
			case InputVoltage:
				// The node's name, or its part after the element's name.
				n := e.Device
				if _, ok := s.NodeIndex(n); !ok {
					n = e.Element + n
				}
				at = math.Abs(V(n))
			case DeviceVoltage, DevicePower:
				if e.Element == "R2" {
					continue
				}
				var i, j int
				fmt.Sscanf(e.Device, "[%d][%d]", &i, &j)
				tr := c.Element(e.Element).(circuit.Trainable)
				a, b := tr.CellNodes(i, j)
				d := V(a) - V(b)
				at = math.Abs(d)
				if e.Quantity == DevicePower {
					_, bs := tr.Sides()
					at = *tr.Conductance(i*len(bs) + j) * d * d
				}
			case AmplifierOutput:
				var i int
				fmt.Sscanf(e.Device, "[%d]", &i)
				at = math.Abs(V(c.Element(e.Element).(*circuit.Amplifier).To[i]))
			default:
				continue
			}
			if at != e.Value {
				t.Errorf("seed %d: %s at %s%s is %g, not the extreme %g", seed, e.Quantity, e.Element, e.Device, at, e.Value)
			}
		}
	}
}

// TestExtremeCells compares the shortcut for crossbars without wire
// resistance (a row's largest drop is to its lowest or highest column)
// with every cell read one by one, the cells named included, on voltages
// drawn from a few levels so that many cells tie.
func TestExtremeCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	p := &Probe{}
	for trial := range 200 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
		nodes := rows + cols + 1
		v := make([]float64, nodes)
		for i := range v {
			v[i] = float64(rng.IntN(5)-2) * 0.5
		}
		g := make([]float64, rows*cols)
		for i := range g {
			g[i] = float64(1+rng.IntN(3)) * 1e-6
		}
		c := &devices.Crossbar{Element: &circuit.Crossbar{G: mat.NewDense(rows, cols, g)}}
		for range rows {
			c.From = append(c.From, 1+rng.IntN(nodes-1))
		}
		for range cols {
			c.To = append(c.To, 1+rng.IntN(nodes-1))
		}
		bv, iv, bp, ip := p.extremeCells(c, rowMaxima(c), v)
		w := *c
		for i := range rows {
			for j := range cols {
				w.Rows, w.Cols = append(w.Rows, c.From[i]), append(w.Cols, c.To[j])
			}
		}
		wv, wiv, wp, wip := wiredExtremes(&w, v)
		if bv != wv || iv != wiv || bp != wp || ip != wip {
			t.Fatalf("trial %d: drop %g at %d, power %g at %d; cell by cell %g at %d, %g at %d", trial, bv, iv, bp, ip, wv, wiv, wp, wip)
		}
	}
}

// BenchmarkExtremeCells measures the probe of one sample's crossbar of
// the 784-1024-10 network's shape: 1568 rows, 1024 columns.
func BenchmarkExtremeCells(b *testing.B) {
	for _, sz := range [][2]int{{1568, 100}, {1568, 1024}} {
		rows, cols := sz[0], sz[1]
		b.Run(fmt.Sprintf("%dx%d", rows, cols), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			v := make([]float64, rows+cols)
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			g := make([]float64, rows*cols)
			for i := range g {
				g[i] = rng.Float64() * 1e-4
			}
			c := testCrossbar(rows, cols, g)
			p := &Probe{}
			gmax := rowMaxima(c)
			for b.Loop() {
				p.extremeCells(c, gmax, v)
			}
		})
	}
}

// testCrossbar returns a rows x cols crossbar of conductances g (row-major)
// from nodes 0..rows-1 to nodes rows..rows+cols-1.
func testCrossbar(rows, cols int, g []float64) *devices.Crossbar {
	c := &devices.Crossbar{Element: &circuit.Crossbar{G: mat.NewDense(rows, cols, g)}}
	for i := range rows {
		c.From = append(c.From, i)
	}
	for j := range cols {
		c.To = append(c.To, rows+j)
	}
	return c
}
