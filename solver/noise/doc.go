// Package noise is the thermal noise of a circuit at an equilibrium: the
// linearised model (Linearize), the standard deviation of every node
// voltage, instantaneous or averaged over a window, and the same measured
// on seeded Langevin transients (Sample). Analyze puts both side by side,
// as eqsim noise prints them.
//
// # The model
//
// Every conductance G carries a white noise current of one-sided power
// spectral density 4kTG, every junction carrying I one of 2q|I| (see
// mna.System.NoiseSources); one-sided density S means <i(t)i(t')> =
// S/2*delta(t - t'). Near an equilibrium x0 the node voltages follow the
// linear Langevin equation
//
//	C dv/dt = -J v + xi(t),
//
// with J the Jacobian of the circuit's currents (its small-signal
// conductance matrix) and C its capacitance matrix. Voltage-defining
// branches (floating sources, VCVS, amplifiers) make some node voltages
// algebraic: Linearize keeps the voltages the branch equations allow, v =
// N y, and the node equations that do not involve the branch currents,
// Lᵀ, so that M dy/dt = -Ar y + Lᵀ xi with M = LᵀCN and Ar = LᵀJN; with
// A = -M⁻¹Ar and Q = M⁻¹Lᵀ(S/2)LM⁻ᵀ the stationary covariance Σ of y solves
// the Lyapunov equation
//
//	A Σ + Σ Aᵀ + Q = 0,
//
// and the node voltages have the covariance N Σ Nᵀ. For a circuit of
// conductances only (S = 4kT*J) it is kT*C⁻¹ restricted to the allowed
// voltages: equipartition, kT/C for a node of capacitance C whatever its
// resistors (1 pF at 300 K: 64 µV rms). Junctions break it: their shot
// noise 2q|I| is not 4kT times their conductance except at zero bias.
//
// The mean of the voltages over a window of tau seconds has the covariance
//
//	(K Σ + Σ Kᵀ)/tau,  K = integral from 0 to tau of (1 - u/tau) e^(A u) du
//	                     = A⁻¹(A⁻¹(e^(A tau) - I)/tau - I),
//
// which tends, for tau much longer than every time constant, to A⁻¹ Q
// A⁻ᵀ/tau = J⁻¹(S/2)J⁻ᵀ/tau in node voltages (the two-sided spectral density
// at zero frequency over tau): 2kT*(J⁻¹)ii/tau for conductances only.
//
// The model is dense (a few thousand free nodes at most): the trainer's
// fast path for long windows needs only the zero-frequency form, one
// solve with J per draw.
package noise
