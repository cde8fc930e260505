package native

import (
	"fmt"
	"math/rand/v2"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop/dynamics"

	"github.com/eqsim/eqsim/eqprop"
)

// This file runs a Network's phases in time (Config.Dynamics): the
// start state of each phase, the measurement window, thermal noise on the
// measurements, and the cost of every phase.
//
// The state a phase starts from is the chip's: a nudged phase starts where
// the free phase (or the nudged phase before it) left the circuit, not from
// the free equilibrium, so a -beta phase after a +beta phase first has to
// undo the +beta nudge. A clamped or coupled phase starts from the free
// phase's end. The free phase of a sample starts from where the last phase
// left the circuit, except after Reset, which the trainer calls before
// every sample: then it starts from rest, every node at 0 V, as a chip that
// grounds its nodes between samples does. That reset is what makes a
// sample's measurements depend on the sample and the conductances alone,
// so that training does not depend on the worker count and resumes
// exactly; it costs the most settling time and energy a sample can cost
// (charging every node from 0 V), so the figures are an upper bound for a
// chip that carries its state from sample to sample.

// timing is what a Network keeps to run its phases in time.
type timing struct {
	cost  eqprop.Cost
	src   rand.PCG
	rng   *rand.Rand
	vm    []float64    // noisy measured node voltages
	learn *phaseSystem // continuous learning, nil until used (continuous.go)
	// private are the learning system's own trainable elements, by block.
	private []circuit.Trainable
	rates   []float64
	va, vb  [][]float64 // per block: the side voltages at the last step
	vnode   []float64
}

// checkDynamics returns an error if d is invalid or does not fit c.
func checkDynamics(c *circuit.Circuit, d dynamics.Settings) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("eqprop: %w", err)
	}
	if c.ThermalNoise && !(d.Window > 0) {
		return fmt.Errorf("eqprop: thermal noise needs a measurement window ([training.sense] integration_time > 0): " +
			"a single reading of a node of capacitance C carries kT/C of noise (64 uV rms at 1 pF and 300 K)")
	}
	return nil
}

// timed gives p a Runner if the Network's phases run in time, are measured
// over a window or carry thermal noise.
func (n *Network) timed(p *phaseSystem) {
	d := n.cfg.Dynamics
	if d.IsTransient() || d.Window > 0 || n.base.ThermalNoise {
		p.run = dynamics.NewRunner(p.sys, p.dc, d)
	}
}

// settle brings ps to the end of a phase of kind from x0, the start Relax
// chose for an equilibrium: by a DC solve read exactly, or with the
// phase's Runner, which adds the phase's cost to the sample's.
func (n *Network) settle(ps *phaseSystem, kind eqprop.PhaseKind, x0 []float64) error {
	if ps.run == nil {
		return ps.solve(x0)
	}
	d := n.cfg.Dynamics
	dur := d.NudgeTime
	if kind == eqprop.Free {
		dur = d.FreeTime
	}
	if d.IsTransient() && ps == n.free && !(kind == eqprop.Free && n.cold) {
		// The chip goes on from where the last phase left it.
		x0 = ps.x
	}
	out, err := ps.run.Run(ps.x, x0, dur, nil)
	if err != nil {
		return err
	}
	ps.sys.VoltagesTo(ps.v, ps.x)
	n.time.cost.Add(eqprop.Cost{Time: out.Time, Energy: out.Energy})
	return nil
}

// measured returns the node voltages a measurement of p's last phase
// reads: the exact ones, the window means, or those with thermal noise
// drawn from the stream KeyNoise set.
func (n *Network) measured(p *phaseSystem) []float64 {
	if p.run == nil {
		return p.v
	}
	v := p.run.Measured()
	if !n.base.ThermalNoise {
		return v
	}
	t := &n.time
	if t.rng == nil {
		t.rng = rand.New(&t.src)
	}
	t.vm = append(t.vm[:0], v...)
	if err := p.run.AddNoiseTo(t.vm, p.x, t.rng); err != nil {
		// The matrix was factorized at this state by the phase's own
		// solve; a singular one there is a bug, not a measurement.
		panic(fmt.Sprintf("eqprop: %v", err))
	}
	return t.vm
}

// KeyNoise seeds the thermal noise of the measurements that follow (see
// eqprop.NoiseKeyed). Without thermal noise it does nothing.
func (n *Network) KeyNoise(seed, stream uint64) { n.time.src.Seed(seed, stream) }

// Cost returns the chip time and energy of the phases since the last
// SetInput (see eqprop.Metered and package dynamics): zero with the default
// dynamics, where every phase is an equilibrium without a window.
func (n *Network) Cost() eqprop.Cost { return n.time.cost }
