// Package tomlloc finds where things are in TOML text: the lines of tables
// and keys, which the TOML decoder does not report, so that eqsim's TOML
// files (netlists, sweep specs) can name the line of every error; and the
// closest allowed word to a misspelt key, for "did you mean" hints.
package tomlloc
