// Package dynamics runs the phases of learning on a circuit as a chip runs
// them: in physical time, with a measurement that averages every voltage
// over a window, thermal noise on that measurement, and the time and
// energy each phase costs.
//
// A phase is either an equilibrium (Settings.Method Equilibrium, the
// default): the circuit is solved for its DC operating point, as if it
// settled at once and for free; or a transient (Transient): the circuit's
// ODE C dV/dt = i(V) is integrated from where the previous phase left it,
// for the phase's duration or until it settles. A phase cut short is
// measured where it stands, as hardware would.
//
// After the phase, each voltage is measured as its mean over the
// integration window (Settings.Window, seconds): on an equilibrium, or on
// a transient that settled, the mean is the final voltage; on a transient
// cut short the circuit goes on moving during the window, and the mean is
// the trapezoidal mean of the integrated trajectory. The next phase starts
// from the state at the end of the window.
//
// With thermal noise, the measurement's noise is drawn from the
// linearized network at the phase's final state rather than by
// integrating the stochastic ODE: the noise currents of every conductance
// (one-sided PSD 4kTG) and junction (2q|I|), averaged over the window
// tau, are Gaussian with variance 2kTG/tau and q|I|/tau; one solve with the
// small-signal conductance matrix turns them into correlated node voltage
// noise of covariance 2kT G⁻¹/tau (for a reciprocal network). That is the
// window mean of the Langevin dynamics when tau is much longer than the
// circuit's time constants, the regime in which averaging helps at all;
// for shorter windows it overstates the noise, whose variance is kT/C at
// most. The phase's own dynamics are integrated without noise.
//
// Energy is what the sources deliver (the independent sources and the
// amplifiers, mna.Power.Total): on a transient, the solver's quadrature
// until the phase ends (its settling time when it runs until settled);
// during a window, the power at the settled state times the window, or
// the quadrature of the window's transient. An equilibrium phase costs
// its DC power times the window and takes the window's time; without a
// window it costs nothing: the equilibrium method has no time.
package dynamics
