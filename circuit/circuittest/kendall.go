package circuittest

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// Parameters of KendallNetwork.
const (
	// KendallGain is the voltage gain of the amplifiers between the hidden
	// and the output layer, as in Kendall et al. 2020.
	KendallGain = 4.0
	// KendallHigh and KendallLow are the rectifier rails in volts. A
	// diode of the KendallDiode model drops about 0.56 V at the currents
	// of this network, so the rectifier clamps a hidden node to about
	// [KendallLow-0.56 V, KendallHigh+0.56 V] = ±0.06 V. The rails cross
	// so that this window is narrower than the ±0.35 V over which the
	// hidden voltages spread without it.
	KendallHigh = -0.5
	KendallLow  = 0.5
	// KendallGMin and KendallGMax bound the initial conductances in
	// siemens.
	KendallGMin = 1e-7
	KendallGMax = 1e-6
	// KendallAmplitude is the input voltage in volts for a feature value of 1.
	KendallAmplitude = 1.0
)

// KendallDiode is the diode model of KendallNetwork's rectifiers (SPICE's
// default junction: IS = 1e-14 A, N = 1).
var KendallDiode = circuit.DiodeModel{Name: "d", IS: 1e-14, N: 1}

// KendallNetwork returns a network in the manner of Kendall et al. 2020
// with features inputs, hidden hidden nodes and outputs output nodes:
//
//   - input "in": differential, driving group "x" (2*features nodes: x[i]
//     at +KendallAmplitude*value i, x[features+i] at minus that), with
//     feature values drawn uniformly from [0, 1];
//   - crossbar "W1" (trainable) from group x to group "h";
//   - rectifier "D" on group h, a KendallDiode to rail "vhi" and one from
//     rail "vlo", held at KendallHigh and KendallLow by sources "VHI" and
//     "VLO";
//   - amplifier "A" of gain KendallGain from group h to group "a";
//   - crossbar "W2" (trainable) from group a to the output group "y".
//
// The conductances of W2 are uniform in [KendallGMin, KendallGMax]. A node
// of a resistive network settles at a weighted mean of its neighbours, so
// with uniform W1 every hidden node would sit within about 10 mV of 0 V,
// far from where any rectifier switches. Learned weights spread the hidden
// voltages; to resemble that, hidden node k draws a polarity p uniform in
// [-1, 1] and its conductances from x[i] and x[features+i] are
// KendallGMin + (KendallGMax-KendallGMin)*u*(1±p)/2 with u uniform in
// [0, 1]. The hidden voltages then spread over about ±0.35 V, and the
// rectifiers clamp some two thirds of the hidden nodes (see
// docs/performance.md). The same seed gives the same network.
// KendallNetwork panics if a size is not positive.
func KendallNetwork(features, hidden, outputs int, seed uint64) *circuit.Circuit {
	if features <= 0 || hidden <= 0 || outputs <= 0 {
		panic("circuittest: KendallNetwork sizes must be positive")
	}
	rng := rand.New(rand.NewPCG(seed, 0x4b656e64616c6c)) // "Kendall"
	x := circuit.Group{Name: "x", Size: 2 * features}
	h := circuit.Group{Name: "h", Size: hidden}
	a := circuit.Group{Name: "a", Size: hidden}
	y := circuit.Group{Name: "y", Size: outputs}
	values := make([]float64, features)
	for i := range values {
		values[i] = rng.Float64()
	}
	const span = KendallGMax - KendallGMin
	w1 := mat.NewDense(2*features, hidden, nil)
	for k := range hidden {
		p := 2*rng.Float64() - 1
		for i := range features {
			w1.Set(i, k, KendallGMin+span*rng.Float64()*(1+p)/2)
			w1.Set(features+i, k, KendallGMin+span*rng.Float64()*(1-p)/2)
		}
	}
	w2 := mat.NewDense(hidden, outputs, nil)
	for k := range hidden {
		for j := range outputs {
			w2.Set(k, j, KendallGMin+span*rng.Float64())
		}
	}
	c := &circuit.Circuit{
		Title:  fmt.Sprintf("Kendall-style network %dx%dx%d", features, hidden, outputs),
		Groups: []circuit.Group{x, h, a, y},
	}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: KendallAmplitude, Values: values},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: KendallHigh},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: KendallLow},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: w1, Trainable: true},
		&circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: KendallDiode, High: "vhi", Low: "vlo"},
		&circuit.Amplifier{Name: "A", From: h.Nodes(), To: a.Nodes(), Gain: KendallGain},
		&circuit.Crossbar{Name: "W2", From: a.Nodes(), To: y.Nodes(), G: w2, Trainable: true},
	)
	return c
}

// KendallSample fills x with the feature values of a random sample that
// resembles an image: a brightness b uniform in [0.3, 1] for the sample
// and values uniform in [0, b]. Images differ in how much ink they have,
// and so in the hidden voltages they produce in KendallNetwork: the
// benchmarks cycle through such samples.
func KendallSample(rng *rand.Rand, x []float64) {
	b := 0.3 + 0.7*rng.Float64()
	for i := range x {
		x[i] = b * rng.Float64()
	}
}
