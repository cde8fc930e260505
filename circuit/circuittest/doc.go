// Package circuittest provides circuits that tests and benchmarks of
// several packages share, so that each is written once: the
// Kendall-style layered network of the benchmarks, random circuits of every
// element kind, and checks that hold for any circuit.
package circuittest
