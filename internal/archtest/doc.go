// Package archtest holds no code: its tests check the architecture of the
// eqsim module, so that a change that breaks it fails CI.
//
// What they check (see docs/architecture.md):
//
//   - imports point down: circuit imports no other eqsim package, and its
//     subpackages (mna, circuittest) import only circuit; solver imports
//     only circuit and its subpackages; eqprop and its subpackages import only
//     circuit, solver and each other, and read no files (none of os,
//     path/filepath, encoding/csv, compress/gzip, the TOML library or an
//     .npy codec); the faces (netlist, spice, dataset) never import
//     sweep, run or cmd; nothing imports cmd; only tests import the
//     fixtures of circuit/circuittest and the helpers of
//     eqprop/eqproptest (itself test code, which uses circuittest).
//   - sizes: no non-test package over 3,000 lines, cmd/eqsim at most
//     1,500, no non-test file over 800 lines, no function over 120 lines
//     without a comment that says why it must be long (a doc comment
//     containing "long because").
//   - element kinds have one home: at most 10 type switch cases and type
//     assertions on circuit element types outside package circuit
//     (non-test code; circuittest, imported by tests only, is test code).
package archtest
