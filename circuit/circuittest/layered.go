package circuittest

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// LayeredOptions describe a layered network for Layered.
type LayeredOptions struct {
	// Features is the number of feature values. The input group "x" has
	// 2*Features nodes, driven by the differential input "in": x[i] at
	// +Amplitude*value i, x[Features+i] at minus that. The values are 0.
	Features int
	// SingleEnded makes the input drive Features nodes x[i] at
	// +Amplitude*value i, without the negated copies.
	SingleEnded bool
	// Amplitude is the input voltage in volts for a feature value of 1
	// (default 1).
	Amplitude float64
	// Hidden are the sizes of the hidden groups, from the inputs on.
	Hidden []int
	// Outputs is the size of the output group "y".
	Outputs int
	// Gains[l] is the gain of the amplifier that drives a copy of hidden
	// group l into the next crossbar; 0, or l beyond Gains, for none.
	Gains []float64
	// High and Low are the rails of the rectifiers in volts, held by the
	// sources "VHI" (node "vhi") and "VLO" ("vlo"): a rectifier's diodes
	// go from a hidden node to vhi and from vlo to it.
	High, Low float64
	// Model is the rectifiers' diode model (default KendallDiode).
	Model circuit.DiodeModel
	// GMin and GMax bound the crossbar conductances in siemens, drawn
	// uniformly.
	GMin, GMax float64
	// Bias adds bias nodes b[0] at +1 V and b[1] at -1 V (source "VB0",
	// and "VB1" from b[0]: a chain) and trainable bias crossbars from
	// them into every hidden group and the outputs.
	Bias bool
	// Flip draws every crossbar in either orientation: with probability
	// 1/2 its From is the later group and its matrix the transpose.
	Flip bool
	// Loads adds to every output k the nudges of training: a target
	// source "VTt<k>" of -0.5 to 0.5 V with a resistor "RNt<k>" of up to
	// GMax to it, a current source "INt<k>" of up to ±0.1 V×GMax and a
	// diode "DNt<k>" to vhi.
	Loads bool
	// Nonideal are the nonidealities of the crossbars, rectifiers and
	// amplifiers.
	Nonideal Nonideal
}

// Layered returns a layered network drawn from rng: the input, then for
// every hidden group l a crossbar into it (and a bias crossbar), its
// rectifier and, if Gains[l] is not 0, an amplifier into a group of its
// own, then the crossbar (and bias crossbar) into the outputs, then the
// loads. With one hidden group the groups and elements are named as in
// KendallNetwork: groups "h" and "a", rectifier "D", amplifier "A",
// crossbars "W1" and "W2" (bias crossbars "B1", "B2"); with several they
// are numbered from 1: "h1", "a1", "D1", "A1", ..., crossbars "W1" to
// "W<L+1>". Conductances are drawn crossbar by crossbar in that order,
// row by row, so that the same draws of rng give the same network.
// Layered panics if a size is not positive.
func Layered(rng *rand.Rand, o LayeredOptions) *circuit.Circuit {
	if o.Features <= 0 || o.Outputs <= 0 || len(o.Hidden) == 0 {
		panic("circuittest: Layered sizes must be positive")
	}
	if o.Amplitude == 0 {
		o.Amplitude = 1
	}
	if o.Model == (circuit.DiodeModel{}) {
		o.Model = KendallDiode
	}
	l := &layered{rng: rng, o: o, c: &circuit.Circuit{}}
	nx := 2 * o.Features
	if o.SingleEnded {
		nx = o.Features
	}
	x := l.group("x", nx)
	l.c.Add(&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: !o.SingleEnded, Amplitude: o.Amplitude, Values: make([]float64, o.Features)})
	if o.Bias {
		l.group("b", 2)
		l.c.Add(&circuit.VSource{Name: "VB0", Nodes: [2]string{"b[0]", circuit.Ground}, V: 1},
			&circuit.VSource{Name: "VB1", Nodes: [2]string{"b[1]", "b[0]"}, V: -2})
	}
	l.c.Add(&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: o.High},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: o.Low})
	prev := x
	for k, size := range o.Hidden {
		suffix := strconv.Itoa(k + 1)
		if len(o.Hidden) == 1 {
			suffix = ""
		}
		h := l.group("h"+suffix, size)
		l.crossbars(k+1, prev, h)
		rect := &circuit.Rectifier{Name: "D" + suffix, Nodes: h.Nodes(), Model: o.Model, High: "vhi", Low: "vlo"}
		rect.Vary(o.Nonideal.Diodes)
		l.c.Add(rect)
		prev = h
		if k < len(o.Gains) && o.Gains[k] != 0 {
			a := l.group("a"+suffix, size)
			amp := &circuit.Amplifier{Name: "A" + suffix, From: h.Nodes(), To: a.Nodes(), Gain: o.Gains[k]}
			amp.Vary(o.Nonideal.Amplifiers)
			l.c.Add(amp)
			prev = a
		}
	}
	y := l.group("y", o.Outputs)
	l.crossbars(len(o.Hidden)+1, prev, y)
	if o.Loads {
		for j, n := range y.Nodes() {
			t := "t" + strconv.Itoa(j)
			l.c.Add(
				&circuit.VSource{Name: "VT" + t, Nodes: [2]string{t, circuit.Ground}, V: rng.Float64() - 0.5},
				&circuit.Resistor{Name: "RN" + t, Nodes: [2]string{n, t}, G: o.GMax * rng.Float64()},
				&circuit.ISource{Name: "IN" + t, Nodes: [2]string{circuit.Ground, n}, I: 0.2 * o.GMax * (rng.Float64() - 0.5)},
				&circuit.Diode{Name: "DN" + t, Nodes: [2]string{n, "vhi"}, Model: o.Model},
			)
		}
	}
	return l.c
}

// layered builds a Layered network.
type layered struct {
	rng *rand.Rand
	o   LayeredOptions
	c   *circuit.Circuit
}

func (l *layered) group(name string, size int) circuit.Group {
	if size <= 0 {
		panic("circuittest: Layered sizes must be positive")
	}
	g := circuit.Group{Name: name, Size: size}
	l.c.Groups = append(l.c.Groups, g)
	return g
}

// crossbars adds crossbar "W<k>" from group from to group to and, with
// Bias, "B<k>" from the bias nodes to it.
func (l *layered) crossbars(k int, from, to circuit.Group) {
	l.crossbar(fmt.Sprintf("W%d", k), from.Nodes(), to.Nodes())
	if l.o.Bias {
		l.crossbar(fmt.Sprintf("B%d", k), []string{"b[0]", "b[1]"}, to.Nodes())
	}
}

func (l *layered) crossbar(name string, from, to []string) {
	flip := l.o.Flip && l.rng.IntN(2) == 1
	g := mat.NewDense(len(from), len(to), nil)
	for i := range len(from) {
		for j := range len(to) {
			g.Set(i, j, l.o.GMin+(l.o.GMax-l.o.GMin)*l.rng.Float64())
		}
	}
	if flip {
		from, to, g = to, from, mat.DenseCopyOf(g.T())
	}
	l.c.Add(&circuit.Crossbar{Name: name, From: from, To: to, G: g, Trainable: true, WireR: l.o.Nonideal.WireR})
}

// RandomLayered draws from rng the options of a random layered network
// with the given number of hidden groups, as the tests of the layered
// solvers use: 2 to 5 features at 0.5 to 1.5 V, hidden groups of 1 to 6
// nodes, 1 to 3 outputs, rails at ±(r - 0.2) V with r uniform in
// [0, 0.5] (so they may cross), a diode of N from 1 to 1.5, conductances
// from 0.5 to 10.5 µS, bias crossbars, crossbars in either orientation and
// loads on the outputs. With amps, amplifiers of gain 1 to 5 follow two
// thirds of the hidden groups but the last, and one of gain 2 to 4 the
// last.
func RandomLayered(rng *rand.Rand, hidden int, amps bool) LayeredOptions {
	o := LayeredOptions{
		Features:  2 + rng.IntN(4),
		Amplitude: 0.5 + rng.Float64(),
		Outputs:   1 + rng.IntN(3),
		Model:     circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1 + 0.5*rng.Float64()},
		GMin:      5e-7,
		GMax:      1.05e-5,
		Bias:      true,
		Flip:      true,
		Loads:     true,
	}
	r := 0.5 * rng.Float64()
	o.High, o.Low = r-0.2, 0.2-r
	for l := range hidden {
		o.Hidden = append(o.Hidden, 1+rng.IntN(6))
		gain := 0.0
		switch {
		case !amps:
		case l == hidden-1:
			gain = 2 + 2*rng.Float64()
		case rng.IntN(3) > 0:
			gain = 1 + 4*rng.Float64()
		}
		o.Gains = append(o.Gains, gain)
	}
	return o
}

// LayerGroup returns group prefix+l of a Layered network, l counted from
// 1 ("h2": the second hidden group, "a2": the group its amplifier
// drives), or group prefix if the network has one hidden group. It panics
// if there is no such group.
func LayerGroup(c *circuit.Circuit, prefix string, l int) circuit.Group {
	if g, ok := c.Group(prefix); ok {
		return g
	}
	g, ok := c.Group(prefix + strconv.Itoa(l))
	if !ok {
		panic(fmt.Sprintf("circuittest: no group %s%d", prefix, l))
	}
	return g
}
