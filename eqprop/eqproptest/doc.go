// Package eqproptest provides what the tests of package eqprop and of the
// packages built on it (eqprop/native) share, so that each is written
// once: Train, a few epochs of a Trainer; SameConductances, a comparison
// that names the block that differs; XOR and RandomSet, small data sets.
//
// It imports only eqprop and circuit/circuittest, never a Physical of its
// own, so that the internal tests of eqprop/native can use it without an
// import cycle. Only tests import it.
package eqproptest
