package main

import (
	"io"

	"github.com/eqsim/eqsim/internal/atomicfile"
)

// writeAtomic writes a file through fill so that a failed or interrupted
// write leaves no partial file behind.
func writeAtomic(path string, fill func(w io.Writer) error) error {
	return atomicfile.Write(path, fill)
}
