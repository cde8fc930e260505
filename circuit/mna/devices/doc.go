// Package devices is a read-only view of the devices a compiled system
// (package mna) was built from: the conductances, crossbars, junctions,
// sources and amplifier channels its elements stamp (circuit.Stamper),
// with their nodes as indices.
//
// Packages that read a compiled system's devices without being part of
// its evaluation take this view (mna.System.Devices) rather than the
// system itself: the noise sources (package noise) and the probe of a
// chip's operating-point limits (package audit). Package mna imports
// them, or they import it, without a cycle.
//
// Units are SI: volts, amperes, siemens, farads, kelvin.
package devices
