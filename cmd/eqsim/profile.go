package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// profiler writes a CPU profile of a command to the file of the
// persistent flag --cpuprofile, for `go tool pprof`: where a training's
// time goes on the user's own netlist, not only in the benchmarks.
type profiler struct {
	path string
	f    *os.File
}

// register adds the flag to root and starts the profile before any
// subcommand runs.
func (p *profiler) register(root *cobra.Command) {
	root.PersistentFlags().StringVar(&p.path, "cpuprofile", "", "write a CPU profile (pprof) of the command to this file")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if p.path == "" {
			return nil
		}
		f, err := os.Create(p.path)
		if err != nil {
			return badInput("--cpuprofile: %v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		p.f = f
		return nil
	}
}

// stop ends the profile, whether the command succeeded or not (an
// interrupted training is profiled to the interruption).
func (p *profiler) stop() {
	if p.f == nil {
		return
	}
	pprof.StopCPUProfile()
	p.f.Close()
	p.f = nil
}
