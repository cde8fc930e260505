package eqprop

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/eqsim/eqsim/eqprop/device"
	"github.com/eqsim/eqsim/eqprop/dynamics"
	"github.com/eqsim/eqsim/eqprop/sense"
)

// Estimators by name, for Config.Estimator.
const (
	Positive = "positive"
	Negative = "negative"
	Centered = "centered"
	CHL      = "chl"
	CoupledL = "coupled"
	// Continuous learns during a transient nudged phase: every
	// conductance moves at a rate proportional to -d(dV²)/dt across it
	// (see Learner). It needs a network that is a Learner and
	// Dynamics.Method "transient".
	Continuous = "continuous"
)

// Estimators lists the names of the estimators that need only
// measurements, in a fixed order.
var Estimators = []string{Positive, Negative, Centered, CHL, CoupledL}

// TrainingEstimators lists the estimators a Trainer takes: Estimators and
// Continuous.
var TrainingEstimators = append(Estimators[:len(Estimators):len(Estimators)], Continuous)

// Readout maps class labels to output target voltages and output voltages
// to a predicted class.
type Readout struct {
	// Differential false: one output node per class, class k's node is
	// driven to High and every other to Low; the prediction is the node with
	// the highest voltage. Differential true: two nodes per class, node k
	// (+) and node classes+k (-); the correct class's pair is driven to
	// (High, Low), every other pair to (Low, High); the prediction is the
	// pair with the largest V(+) - V(-).
	Differential bool
	// High and Low are the target voltages in volts.
	High, Low float64
}

// Classes returns the number of classes read from nOut output nodes.
func (r Readout) Classes(nOut int) int {
	if r.Differential {
		return nOut / 2
	}
	return nOut
}

// TargetTo writes into dst, one per output node, the target voltages for
// class label.
func (r Readout) TargetTo(dst []float64, label int) {
	n := r.Classes(len(dst))
	for k := range n {
		hi, lo := r.Low, r.High
		if k == label {
			hi, lo = r.High, r.Low
		}
		dst[k] = hi
		if r.Differential {
			dst[n+k] = lo
		}
	}
}

// Predict returns the class the output voltages v stand for.
func (r Readout) Predict(v []float64) int {
	n := r.Classes(len(v))
	best, arg := 0.0, 0
	for k := range n {
		s := v[k]
		if r.Differential {
			s -= v[n+k]
		}
		if k == 0 || s > best {
			best, arg = s, k
		}
	}
	return arg
}

// Config holds the training settings. The zero value of a field means its
// default, given in brackets.
type Config struct {
	// Epochs is the number of passes over the training set [10].
	Epochs int
	// BatchSize is the number of samples per update [20].
	BatchSize int
	// Estimator names the gradient estimator [centered].
	Estimator string
	// Nudge is how nudged phases push the outputs [NudgeCurrent].
	Nudge NudgeKind
	// Beta is the nudge strength in siemens [1e-6].
	Beta float64
	// Eta is the coupling factor of coupled learning [0.5].
	Eta float64
	// LearningRate is the step size in siemens^2 per volt^2: a conductance
	// moves by -LearningRate times its loss gradient (V^2/S) [1e-12].
	LearningRate float64
	// LearningRates overrides LearningRate per block name.
	LearningRates map[string]float64
	// LRDecay multiplies every learning rate after each epoch: epoch e,
	// counting from 0, trains at the rates times LRDecay^e. It must be in
	// (0, 1] [1: constant rates]. A factor per epoch rather than a
	// schedule over Epochs, so that a run resumed with more epochs ends
	// where a run given them from the start does.
	LRDecay float64
	// WeightDecay adds WeightDecay/2 times the sum of (g - GMin)^2 over
	// every trained conductance g to the loss, in V^2/S^2 (the loss is in
	// V^2): L2 regularisation towards the smallest conductance, which
	// the network can hold. Every update moves each conductance by
	// -rate*WeightDecay*(g - GMin) besides its learning step, with the
	// block's learning rate of the epoch (so the decay shrinks with
	// LRDecay), through the devices where there are some. rate*WeightDecay
	// must stay below 1 [0: none].
	WeightDecay float64
	// Shift moves every training image, a square one, by pixels drawn
	// from [-Shift, Shift] across and down (Set.ShiftedTo), a move per
	// sample and epoch from Seed, the same for any number of workers:
	// data augmentation. Test samples never move [0: none].
	Shift int
	// Flip mirrors every training image, a square one, left to right
	// with probability 1/2, drawn per sample and epoch from Seed (apart
	// from the moves of Shift, which it leaves as they are), the same for
	// any number of workers: data augmentation for data sets whose
	// classes look alike mirrored, such as Fashion-MNIST's clothes. Test
	// samples are never mirrored [false].
	Flip bool
	// InputDropout is the probability, in [0, 1), that a feature of a
	// training sample is set to 0 (the input at 0 V: with an input offset,
	// the feature reads as the offset) while the others are divided by
	// 1 - InputDropout, drawn per feature, sample and epoch from Seed
	// after any move or mirroring: data augmentation against
	// overfitting (dropout of the inputs). Test samples are never
	// dropped [0: none].
	InputDropout float64
	// GMin and GMax bound every trained conductance, in siemens
	// [1e-9, 1e-4].
	GMin, GMax float64
	// Readout maps labels to targets [single-ended, High 1 V, Low 0 V].
	Readout Readout
	// Seed seeds the shuffling of every epoch [1].
	Seed uint64
	// Workers is the number of goroutines relaxing samples in parallel
	// [GOMAXPROCS]. Results do not depend on it.
	Workers int
	// Device, if not nil, models the trained conductances as devices of
	// package device: the trainer programs the initial conductances through
	// them (so levels and stuck devices apply from the start) and applies
	// each update's change dg = -lr_k*grad/m with device.Array.Update
	// instead of clipping G + dg to [GMin, GMax]. If Device.GMin and
	// Device.GMax are both zero the devices take GMin and GMax above as
	// their bounds. Device-to-device variation and stuck devices are drawn
	// from Seed and the block index, write noise from Seed, the epoch, the
	// batch and the block, so results still do not depend on Workers and a
	// resumed run ends where an uninterrupted one does [nil: ideal
	// conductances, clipped to [GMin, GMax]].
	Device *device.Params
	// Sense models the read-out of every voltage the trainer measures:
	// read noise and an ADC (see Sensing). Its noise is drawn from streams
	// keyed by Seed, the epoch, the sample and the phase, so results still
	// do not depend on Workers and a resumed run ends where an
	// uninterrupted one does [zero: ideal read-out, voltages read exactly].
	Sense Sensing
	// Dynamics says how the network runs each phase in time: the method
	// and the phases' durations ([training.dynamics]) and the window over
	// which every voltage is measured (Window, [training.sense]
	// integration_time). The trainer only checks it; the Physical network
	// runs it (native.Config.Dynamics, package eqprop/native) [zero: DC
	// equilibria, read exactly].
	Dynamics dynamics.Settings
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Epochs == 0 {
		c.Epochs = 10
	}
	if c.BatchSize == 0 {
		c.BatchSize = 20
	}
	if c.Estimator == "" {
		c.Estimator = Centered
	}
	if c.Beta == 0 {
		c.Beta = 1e-6
	}
	if c.Eta == 0 {
		c.Eta = 0.5
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1e-12
	}
	if c.LRDecay == 0 {
		c.LRDecay = 1
	}
	if c.GMin == 0 {
		c.GMin = 1e-9
	}
	if c.GMax == 0 {
		c.GMax = 1e-4
	}
	if c.Readout == (Readout{}) {
		c.Readout = Readout{High: 1, Low: 0}
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Validate returns an error naming the first setting that is out of range.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Epochs < 0:
		return fmt.Errorf("epochs = %d: must be positive", c.Epochs)
	case c.BatchSize < 0:
		return fmt.Errorf("batch_size = %d: must be positive", c.BatchSize)
	case c.Beta <= 0:
		return fmt.Errorf("beta = %g: must be positive", c.Beta)
	case c.Eta <= 0 || c.Eta > 1:
		return fmt.Errorf("eta = %g: must be in (0, 1]", c.Eta)
	case c.LearningRate < 0:
		return fmt.Errorf("learning_rate = %g: must not be negative", c.LearningRate)
	case !(c.LRDecay > 0 && c.LRDecay <= 1):
		return fmt.Errorf("lr_decay = %g: must be in (0, 1]", c.LRDecay)
	case c.Shift < 0:
		return fmt.Errorf("shift = %d: must not be negative", c.Shift)
	case !(c.InputDropout >= 0 && c.InputDropout < 1):
		return fmt.Errorf("input_dropout = %g: must be in [0, 1)", c.InputDropout)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 1):
		return fmt.Errorf("weight_decay = %g: must be a number not below 0", c.WeightDecay)
	case c.GMin <= 0 || c.GMax <= c.GMin:
		return fmt.Errorf("g_min = %g, g_max = %g: need 0 < g_min < g_max", c.GMin, c.GMax)
	case c.Workers < 0:
		return fmt.Errorf("workers = %d: must be positive", c.Workers)
	case !(c.Readout.High > c.Readout.Low):
		// Predict picks the highest output: targets the other way round
		// would train the network to predict the wrong class.
		return fmt.Errorf("readout high = %g, low = %g: need high > low", c.Readout.High, c.Readout.Low)
	}
	known := false
	for _, e := range TrainingEstimators {
		known = known || e == c.Estimator
	}
	if !known {
		return fmt.Errorf("estimator %q: want one of %v", c.Estimator, TrainingEstimators)
	}
	for name, lr := range c.LearningRates {
		if lr < 0 {
			return fmt.Errorf("learning rate of %q = %g: must not be negative", name, lr)
		}
		if lr*c.WeightDecay >= 1 {
			return fmt.Errorf("weight_decay = %g with the learning rate of %q, %g: their product must be below 1, or an update takes a conductance past g_min", c.WeightDecay, name, lr)
		}
	}
	if c.LearningRate*c.WeightDecay >= 1 {
		return fmt.Errorf("weight_decay = %g with learning_rate = %g: their product must be below 1, or an update takes a conductance past g_min", c.WeightDecay, c.LearningRate)
	}
	if c.Device != nil {
		if _, err := device.New(c.deviceParams(), 1, 0); err != nil {
			return err
		}
	}
	if err := c.Dynamics.Validate(); err != nil {
		return err
	}
	if c.Estimator == Continuous && !c.Dynamics.IsTransient() {
		return fmt.Errorf("estimator %q learns in time: it needs dynamics method = %q", Continuous, dynamics.Transient)
	}
	return c.Sense.Validate()
}

// Rate returns the learning rate in S^2/V^2 of the block called name in
// epoch e (counting from 0): its LearningRates entry or LearningRate,
// times LRDecay^e. c must have its defaults applied.
func (c Config) Rate(name string, e int) float64 {
	lr, ok := c.LearningRates[name]
	if !ok {
		lr = c.LearningRate
	}
	return lr * math.Pow(c.LRDecay, float64(e))
}

// deviceParams returns *c.Device with the trainer's bounds when it gives
// none; c must have its defaults applied and a non-nil Device.
func (c Config) deviceParams() device.Params {
	p := *c.Device
	if p.GMin == 0 && p.GMax == 0 {
		p.GMin, p.GMax = c.GMin, c.GMax
	}
	return p
}

// Sensing models the read-out of measured voltages: every voltage the
// trainer reads from a Physical network passes through it (see
// sense.Chain): the output voltages and the side voltages of every
// trainable block, in every phase of training, and the output voltages
// Evaluate predicts from and takes the loss of. The nudge of a nudged
// phase is applied by the Physical network from its own free equilibrium,
// as an analog nudging circuit would, and does not see the read-out. The
// zero value reads voltages exactly.
type Sensing = sense.Chain

// senseMeasurement reads every voltage of m through s in place (see
// sense.Chain.Apply): the outputs, then for every block k the sides A[k]
// and B[k].
func senseMeasurement(s Sensing, m *Measurement, rng *rand.Rand) {
	s.Apply(m.Outputs, rng)
	for k := range m.A {
		s.Apply(m.A[k], rng)
		s.Apply(m.B[k], rng)
	}
}
