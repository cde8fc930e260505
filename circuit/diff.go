package circuit

import "github.com/eqsim/eqsim/internal/bitdiff"

// Diff returns "" if a and b are the same circuit bit for bit: the same
// title and options, the same groups and the same elements in the same
// order with the same values, float64s compared by their bits (so 0 and
// -0 differ and a NaN equals itself). Otherwise it describes the first
// difference. Nil and empty slices are the same. Conductance matrices are
// compared by their dimensions and entries, not their strides.
func Diff(a, b *Circuit) string { return bitdiff.Values("circuit", a, b) }
