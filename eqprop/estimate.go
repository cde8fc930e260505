package eqprop

import (
	"fmt"
	"math/rand/v2"
)

// plan is what an estimator measures: the phase of the first measurement
// (always a driven one), the phase of the second (nil: the free phase) and
// the factor c that makes c*(dV1^2 - dV2^2) the estimate of dL/dG before
// the block's Scale.
type plan struct {
	first, second *Phase
	c             float64
	// rates, for the continuous estimator, are the rates per block at
	// which the conductances learn during the first phase, S/V² (see
	// Learner); nil otherwise.
	rates []float64
}

// newPlan returns the plan of the named estimator with the settings of
// cfg (defaults applied) toward target y. It panics on an unknown
// estimator, which Config.Validate rules out.
//
// The signs follow from the EqProp theorem: the nudge pulls the outputs
// toward the target, so for beta > 0 the nudged equilibrium minimises
// E + beta*C (to first order in beta for the current nudge, whose
// injected currents beta*(y - V_out) are minus beta times the gradient of C
// at the free equilibrium) and
//
//	dL/dG = d/dbeta dE/dG = (dV(beta)^2 - dV(0)^2) / (2 beta) + O(beta)
//
// since dE/dG = dV^2/2 for a conductance G. Clamping the outputs (to y, or
// a fraction eta of the way there) is a strong nudge in the same
// direction; its factors 1/2 and 1/(2 eta) are conventions of CHL and
// coupled learning, not limits.
func newPlan(estimator string, cfg Config, y []float64) plan {
	b := cfg.Beta
	switch estimator {
	case Positive:
		return plan{first: &Phase{Kind: Nudged, Beta: b, Target: y}, c: 1 / (2 * b)}
	case Negative:
		// (dV(0)^2 - dV(-b)^2)/(2b) = -(dV(-b)^2 - dV(0)^2)/(2b).
		return plan{first: &Phase{Kind: Nudged, Beta: -b, Target: y}, c: -1 / (2 * b)}
	case Centered:
		return plan{
			first:  &Phase{Kind: Nudged, Beta: b, Target: y},
			second: &Phase{Kind: Nudged, Beta: -b, Target: y},
			c:      1 / (4 * b),
		}
	case CHL:
		return plan{first: &Phase{Kind: Clamped, Target: y}, c: 0.5}
	case CoupledL:
		return plan{first: &Phase{Kind: Coupled, Eta: cfg.Eta, Target: y}, c: 1 / (2 * cfg.Eta)}
	case Continuous:
		// The positive estimator's measurements, of a nudged phase whose
		// conductances learn at lr*Scale*c: its change is the update.
		return plan{first: &Phase{Kind: Nudged, Beta: b, Target: y}, c: 1 / (2 * b), rates: []float64{}}
	}
	panic(fmt.Sprintf("eqprop: unknown estimator %q", estimator))
}

// run relaxes net on features x through the free phase and the plan's
// phases, writing the free-phase outputs into out and the plan's two
// measurements into m1 and m2 (m2 is the free phase's when the plan has no
// second phase). If net can Reset, it is reset first, so that the result
// does not depend on what net relaxed before. Every measurement is read
// through sn (nil: exactly), whose key must be set for the sample. The continuous
// estimator's m1 and m2 are the exact start and end of its learning phase
// (Learner); out is still the free phase's reading through sn.
func (p plan) run(out []float64, m1, m2 *Measurement, net Physical, x []float64, sn *sensor) error {
	if r, ok := net.(Resetter); ok {
		r.Reset()
	}
	net.SetInput(x)
	if err := net.Relax(Phase{Kind: Free}); err != nil {
		return fmt.Errorf("free phase: %w", err)
	}
	measure(net, m2, sn, senseFree)
	copy(out, m2.Outputs)
	if p.rates != nil {
		// Continuous learning reads no voltages: the circuit's own
		// start and end give the change its conductances made.
		l, ok := net.(Learner)
		if !ok {
			return fmt.Errorf("the network cannot learn in time (estimator %q)", Continuous)
		}
		if err := l.RelaxLearning(*p.first, p.rates, m2, m1); err != nil {
			return fmt.Errorf("learning %s phase: %w", p.first.Kind, err)
		}
		return nil
	}
	if err := net.Relax(*p.first); err != nil {
		return fmt.Errorf("%s phase: %w", p.first.Kind, err)
	}
	measure(net, m1, sn, senseFirst)
	if p.second != nil {
		if err := net.Relax(*p.second); err != nil {
			return fmt.Errorf("%s phase (beta %g): %w", p.second.Kind, p.second.Beta, err)
		}
		measure(net, m2, sn, senseSecond)
	}
	return nil
}

// measure reads net's last relaxation into m through sn, keying the
// network's own measurement noise (NoiseKeyed) by sn's seed and key and
// the phase, as sn keys its read-out noise.
func measure(net Physical, m *Measurement, sn *sensor, phase uint64) {
	keyNoise(net, sn, phase)
	net.Measure(m)
	sn.read(m, phase)
}

// keyNoise keys the measurement noise of net, if it has its own, for the
// phase of sn's sample.
func keyNoise(net Physical, sn *sensor, phase uint64) {
	if k, ok := net.(NoiseKeyed); ok && sn != nil {
		k.KeyNoise(mix(sn.seed, 3<<32|phase), sn.key)
	}
}

// learningRates writes into r the continuous estimator's rates for blocks
// in epoch e with the learning rates of cfg (defaults applied):
// lr_k * Scale_k * c / m for batches of m samples, so that the change a
// learning phase makes is the share of the update the trainer applies for
// its sample.
func learningRates(r []float64, blocks []Block, cfg Config, c float64, e int) {
	for k, b := range blocks {
		r[k] = cfg.Rate(b.Name, e) * b.Scale * c / float64(cfg.BatchSize)
	}
}

// The phases of a sample whose readings draw their noise from separate
// streams (see sensor).
const (
	senseFree   = iota // the free phase of training
	senseFirst         // the plan's first phase
	senseSecond        // the plan's second phase
	senseEval          // Evaluate's free phase
)

// sensor reads measurements through a Sensing with noise from a stream
// that depends only on the seed, a key (set per sample: the epoch and the
// sample's index) and the phase, never on which worker reads or what it
// read before. It also keys the network's own measurement noise (see
// measure).
type sensor struct {
	s    Sensing
	seed uint64
	key  uint64
	src  rand.PCG
	rng  *rand.Rand
}

// newSensor returns a sensor for s with seed, or nil if s reads voltages
// exactly.
func newSensor(s Sensing, seed uint64) *sensor {
	if !s.On() {
		return nil
	}
	return keyedSensor(s, seed)
}

// sensorFor returns newSensor(s, seed), or, if that is nil and net has
// measurement noise of its own to key, a sensor that reads exactly.
func sensorFor(s Sensing, seed uint64, net Physical) *sensor {
	if sn := newSensor(s, seed); sn != nil {
		return sn
	}
	if _, ok := net.(NoiseKeyed); ok {
		return keyedSensor(s, seed)
	}
	return nil
}

func keyedSensor(s Sensing, seed uint64) *sensor {
	sn := &sensor{s: s, seed: seed}
	sn.rng = rand.New(&sn.src)
	return sn
}

// senseKey returns the key of sample index i in epoch e.
func senseKey(e, i int) uint64 { return uint64(e)<<32 | uint64(uint32(i)) }

// read reads m through the sensor's Sensing with the noise stream of the
// current key and phase; it does nothing on a nil sensor.
func (sn *sensor) read(m *Measurement, phase uint64) {
	if sn == nil || !sn.s.On() {
		return
	}
	sn.src.Seed(mix(sn.seed, 2<<32|phase), sn.key)
	senseMeasurement(sn.s, m, sn.rng)
}

// readOutputs is read for output voltages v alone.
func (sn *sensor) readOutputs(v []float64, phase uint64) {
	if sn == nil || !sn.s.On() {
		return
	}
	sn.src.Seed(mix(sn.seed, 2<<32|phase), sn.key)
	sn.s.Apply(v, sn.rng)
}

// Resetter is implemented by physical systems whose equilibria depend, to
// within their solver's tolerance, on the state they relax from. Reset
// makes the next free relaxation start from a fixed rest state instead of
// the last equilibrium. The trainer resets before every sample, so that a
// sample's measurements depend only on the sample and the conductances:
// that is what makes training bit-identical for any number of workers and
// across an interrupted and resumed run.
type Resetter interface {
	Reset()
}

// Gradient relaxes net on one sample (features x, target voltages y)
// through the phases the estimator needs, the free phase first, and adds
// its estimate of the loss gradient dL/dG in V^2/S, already multiplied by
// each block's Scale, to dst[k] (Rows*Cols, row-major) for every block k.
// The loss is L = sum_k (V_out,k - y_k)^2 / 2 at the free equilibrium.
// Gradient writes the free-phase output voltages into out (len Outputs).
//
// The nudge kind is the one net was built with; cfg gives the estimator's
// Beta and Eta (zero values meaning the defaults). The continuous
// estimator (net must be a Learner) learns at the rates of one sample of
// a batch of cfg's BatchSize with cfg's learning rates (see Learner). The measurements are
// read through cfg.Sense, with the noise of sample 0 of epoch 0 of
// cfg.Seed: every call with the same cfg draws the same noise. Gradient
// panics if the estimator is unknown or the lengths do not match; it
// returns an error if a relaxation fails, and dst is then unchanged.
func Gradient(dst [][]float64, out []float64, net Physical, estimator string, cfg Config, x, y []float64) error {
	return gradient(dst, out, net, estimator, cfg.WithDefaults(), x, y, 0)
}

// SampleGradient is Gradient with the noise the trainer draws for the
// sample of index i in epoch e, where Gradient draws that of sample 0 in
// epoch 0: a check of the estimators (package eqprop/native's GradCheck)
// then reads every sample through the noise training reads it with.
func SampleGradient(dst [][]float64, out []float64, net Physical, estimator string, cfg Config, x, y []float64, e, i int) error {
	return gradient(dst, out, net, estimator, cfg.WithDefaults(), x, y, senseKey(e, i))
}

// gradient is Gradient with the defaults of cfg applied and the read
// noise of the sensor key key.
func gradient(dst [][]float64, out []float64, net Physical, estimator string, cfg Config, x, y []float64, key uint64) error {
	blocks := net.Blocks()
	if len(dst) != len(blocks) || len(out) != net.Outputs() || len(y) != net.Outputs() || len(x) != net.Features() {
		panic("eqprop: Gradient: bad lengths")
	}
	for k, b := range blocks {
		if len(dst[k]) != b.Rows*b.Cols {
			panic(fmt.Sprintf("eqprop: Gradient: dst[%d] has %d elements, want %d", k, len(dst[k]), b.Rows*b.Cols))
		}
	}
	p := newPlan(estimator, cfg, y)
	if p.rates != nil {
		p.rates = make([]float64, len(blocks))
		learningRates(p.rates, blocks, cfg, p.c, 0)
	}
	m1 := NewMeasurement(blocks, net.Outputs())
	m2 := NewMeasurement(blocks, net.Outputs())
	sn := sensorFor(cfg.Sense, cfg.Seed, net)
	if sn != nil {
		sn.key = key
	}
	if err := p.run(out, m1, m2, net, x, sn); err != nil {
		return err
	}
	for k, b := range blocks {
		addDropSquares(dst[k], b.Cols, p.c*b.Scale, m1.A[k], m1.B[k], m2.A[k], m2.B[k])
	}
	return nil
}

// addDropSquares adds c*((a1_i - b1_j)^2 - (a2_i - b2_j)^2) to dst[i*cols+j].
// The difference is formed as (da_i - db_j)(sa_i - sb_j), with da, db the
// differences and sa, sb the sums of the two measurements, which loses no
// precision to the cancellation of two nearly equal squares.
func addDropSquares(dst []float64, cols int, c float64, a1, b1, a2, b2 []float64) {
	for i := range a1 {
		da, sa := a1[i]-a2[i], a1[i]+a2[i]
		row := dst[i*cols : (i+1)*cols]
		for j := range row {
			row[j] += c * (da - (b1[j] - b2[j])) * (sa - (b1[j] + b2[j]))
		}
	}
}
