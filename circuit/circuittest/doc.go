// Package circuittest provides what the tests and benchmarks of several
// packages share, so that each is written once:
//
//   - circuits: KendallNetwork, the Kendall-style network of the
//     benchmarks and the documentation, and KendallSample, image-like
//     inputs for it; Random, well-posed random circuits of every element
//     kind (stages of element cards, controlled sources, a block network,
//     nonidealities, awkward node names); Layered, layered networks of
//     any depth, and RandomLayered, the options of random ones;
//   - independent references: CheckKCL, the current balance of a solution
//     recomputed from the elements' parts (circuit.Part), and
//     DiodeCurrent, SPICE3's junction written apart from package circuit's;
//     Bisect, which solves the scalar equations of closed forms.
//
// Random, Layered and KendallSample draw from a *rand.Rand the caller
// seeds, KendallNetwork from its seed: the same draws give the same
// circuit. The package imports only package circuit:
// its references share no code with the compiled system (package mna) or
// the solvers they check.
package circuittest
