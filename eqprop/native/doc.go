// Package native is eqsim's own implementation of eqprop.Physical: a
// network of analog elements, a circuit.Circuit, that relaxes on eqsim's
// circuit solver, by the layered fast path where the network is layered
// and by Newton's method otherwise.
//
// The trainer of package eqprop sees a Network only through what can be
// set and measured on it, as it would see an ngspice backend (package
// spice) or a chip: New takes a circuit and a Config naming the input
// element the features drive and the output nodes, and the trainable
// blocks are the circuit's trainable crossbars and resistors, whose
// conductances the Network shares with the circuit. It also implements
// what eqprop discovers beyond Physical: eqprop.Resetter,
// eqprop.InPlace, eqprop.RowProgrammer and eqprop.Batched, so that large
// networks train fast, and eqprop.Metered, eqprop.NoiseKeyed and
// eqprop.Learner, which matter when its phases run in time.
//
// # Exact gradients
//
// Holding the circuit's equations, a Network can give what a chip
// cannot: the gradient of the loss itself. ExactGradient computes it by
// the adjoint method (one transposed solve at the free equilibrium) and
// FiniteDifferenceGradient by differencing the loss over conductances;
// GradCheck compares the estimators of package eqprop with both. They
// serve to check, not to train.
//
// # Time, thermal noise and energy
//
// A Network can run its phases as a chip does (Config.Dynamics, package
// eqprop/dynamics): transients from the state the last phase left, for a
// fixed duration or until settled, measured as the mean over an
// integration window, with the circuit's thermal noise drawn from its
// linearized network at every measurement. The trainer needs none of it
// to train; what it offers is the chip time and energy of every sample
// and inference (eqprop.Metered), measurement noise keyed like the
// trainer's read-out noise, so that results stay independent of the
// workers and exact across a resume (eqprop.NoiseKeyed), and
// conductances that learn during a transient nudge, at a rate
// proportional to -d(dV²)/dt across them (eqprop.Learner, the continuous
// estimator).
package native
