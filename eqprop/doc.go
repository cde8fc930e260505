// Package eqprop trains analog networks by Equilibrium Propagation.
//
// The trainer talks to a physical system only through measurements: it sets
// the inputs, drives the outputs (free, nudged toward a target, or clamped),
// lets the system relax to equilibrium, reads the output voltages and the
// voltages on the two sides of every trainable conductance block, and
// programs new conductances. That is the Physical interface. Package
// eqprop/native implements it on eqsim's own circuit solver; an ngspice
// backend (package spice) or a chip would be others; both drive a
// circuit's outputs through the elements of package eqprop/nudge. The
// trainer never sees the circuit's equations.
//
// # Phases and estimators
//
// Free: inputs set, outputs floating; equilibrium V0. Nudged with strength
// beta: the outputs are pushed toward the target y, either by currents
// beta*(y - V_out(V0)) held fixed (Kendall et al. 2020, NudgeCurrent) or by a
// conductance beta to a source at y (Scellier 2024, NudgeConductance).
// Clamped: outputs held at y (contrastive Hebbian learning) or at
// V_out + eta*(y - V_out) (coupled learning).
//
// The gradient of the loss L = C(V0) = sum_k (V_out,k - y_k)^2 / 2 with respect
// to a conductance G follows from the drops dV across it (EqProp theorem):
//
//	positive:  (dV(+b)^2 - dV(0)^2) / (2b)
//	negative:  (dV(0)^2 - dV(-b)^2) / (2b)
//	centered:  (dV(+b)^2 - dV(-b)^2) / (4b)
//	chl:       (dV(clamped)^2 - dV(0)^2) / 2
//	coupled:   (dV(coupled)^2 - dV(0)^2) / (2 eta)
//
// The centered estimate's bias is O(b^2), the one-sided ones' O(b).
// Package eqprop/native computes the same gradient from the circuit's
// equations, by the adjoint method (one transposed solve at the free
// equilibrium) and by differencing the loss over conductances; both need
// the circuit and serve to check.
//
// Amplifiers between layers scale the network's energy layer by layer; the
// factor by which a block's drop-squared difference must be multiplied to be
// the gradient is the block's Scale, a calibration constant of the hardware
// (the product of the squared voltage gains between the block and the
// outputs), not an equation of the circuit.
//
// # Data
//
// The trainer takes its samples from a Set: features in one row-major slice
// and integer labels. eqprop reads no files; package dataset builds Sets
// from MNIST, Fashion-MNIST and CSV files.
//
// # Nonidealities
//
// What the hardware does to learning enters in two places, both off by
// default. Config.Device (package eqprop/device) programs every trained
// conductance as a pulsed device would: steps, bounds, levels, write noise,
// stuck devices. Config.Sense (Sensing) reads every measured voltage
// through read noise and an ADC. Nonidealities of the circuit itself (wire
// resistance, diode and amplifier variation, temperature) live in the
// circuit the Physical relaxes; the trainer only sees their effect on the
// measurements. The nominal amplifier gain stays the block Scale, so a
// gain error is a calibration error, as on a chip.
//
// # Beyond Physical
//
// The trainer needs nothing but Physical to train; it discovers what a
// network offers beyond it by type assertion: Metered (the chip time and
// energy of a sample, reported per epoch, and of an inference, reported by
// EvaluateSet), NoiseKeyed (measurement noise keyed like the read-out
// noise, so results stay independent of the workers and exact across a
// resume) and Learner (the continuous estimator: conductances that learn
// during a transient nudge, at a rate proportional to -d(dV²)/dt across
// them). A network of package eqprop/native offers them; they matter when
// it runs its phases in time, as a chip does.
package eqprop
