// Package noise holds the noise sources of a compiled system (package
// mna): every device that stamped a conductance carries Johnson-Nyquist
// (thermal) noise, every junction shot noise. It reads the system's
// devices through their view (package devices); package mna forwards to
// it (mna.System.NoiseSources, mna.System.NoiseTo), and the transients'
// Langevin integration and the linearised noise model (package
// solver/noise) read the sources from here.
//
// Sources returns the sources one by one at a state; Gather collects them
// into a Set the way a transient draws them, per free node and per pair
// of free nodes, and Set.Update follows the shot noise to another state.
//
// Units are SI: amperes, A²/Hz for power spectral densities, kelvin.
package noise
