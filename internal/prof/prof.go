// Package prof writes CPU profiles of a command for `go tool pprof`:
// where a training's time goes on the user's own netlist, not only in
// the benchmarks.
package prof

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// CPU starts a CPU profile written to path and returns the function that
// ends it, which the caller must call whether the command succeeded or
// not (an interrupted training is profiled to the interruption).
func CPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
