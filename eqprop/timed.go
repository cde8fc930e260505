package eqprop

// This file holds what a Physical may offer beyond Physical: the cost of
// its relaxations on a chip, noise of its own in its measurements, and
// learning while it relaxes. The trainer discovers each by a type
// assertion, so a backend without them (ngspice, a chip) still trains.

// Cost is what relaxing and measuring a network costs on a chip.
type Cost struct {
	// Time is chip time in seconds: the duration of every phase (its
	// settling time when it runs until settled) and of its measurement
	// window.
	Time float64
	// Energy is the energy in joules that the sources and amplifiers
	// delivered in that time.
	Energy float64
}

// Metered is implemented by a Physical that knows what its relaxations
// cost. The trainer reports the mean cost per training sample (every phase
// of a sample) in EpochStats, and that of an inference (the free phase) in
// Evaluation.
type Metered interface {
	// Cost returns the cost of the relaxations and measurements since the
	// last SetInput.
	Cost() Cost
}

// NoiseKeyed is implemented by a Physical whose measurements carry noise
// of their own (the thermal noise of the circuit). KeyNoise seeds the
// noise of the measurements that follow: they are drawn from a PCG seeded
// with (seed, stream). The trainer keys every measurement by its seed, the
// epoch, the sample and the phase, as it keys its read-out noise (see
// Sensing), so that results do not depend on the worker count and a
// resumed run ends where an uninterrupted one does.
type NoiseKeyed interface {
	KeyNoise(seed, stream uint64)
}

// Learner is implemented by a Physical whose conductances can learn while
// it relaxes (the continuous estimator). RelaxLearning relaxes as Relax
// does, p being a Nudged phase that follows the free phase, while every
// conductance G of block k moves at the rate
//
//	dG/dt = -rates[k] * d(dV²)/dt,
//
// dV being the drop across it and rates[k] in S/V², the changing
// conductances acting on the relaxation. It writes into start and end the
// side voltages (and outputs) of the circuit's state where the phase
// started and where it ended, exactly, without read-out: the rate is a
// total derivative, so conductance (i, j) of block k moved by
// -rates[k]*((A_i - B_j)² at end - (A_i - B_j)² at start), and the trainer
// applies that change from these measurements. The changes live in the
// phase only: afterwards the conductances are those programmed. It
// returns an error if the system does not settle or cannot learn in time.
type Learner interface {
	RelaxLearning(p Phase, rates []float64, start, end *Measurement) error
}

// Add adds d to c.
func (c *Cost) Add(d Cost) {
	c.Time += d.Time
	c.Energy += d.Energy
}

// meter adds to c what net's last sample cost, if net is Metered.
func meter(c *Cost, net Physical) {
	if m, ok := net.(Metered); ok {
		c.Add(m.Cost())
	}
}
