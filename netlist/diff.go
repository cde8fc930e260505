package netlist

import "github.com/eqsim/eqsim/circuit"

// Diff returns "" if a and b are the same circuit bit for bit, else where
// they first differ. It is circuit.Diff, kept here for callers of the
// netlist package.
func Diff(a, b *circuit.Circuit) string { return circuit.Diff(a, b) }
