package main

import (
	"github.com/eqsim/eqsim/internal/prof"
	"github.com/spf13/cobra"
)

// profileFlag adds the persistent flag --cpuprofile to root, which starts
// a CPU profile before any subcommand runs, and returns the function that
// ends it, to be called after the command whatever its outcome.
func profileFlag(root *cobra.Command) func() {
	var path string
	end := func() {}
	root.PersistentFlags().StringVar(&path, "cpuprofile", "", "write a CPU profile (pprof) of the command to this file")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if path == "" {
			return nil
		}
		stop, err := prof.CPU(path)
		if err != nil {
			return badInput("--cpuprofile: %v", err)
		}
		end = stop
		return nil
	}
	return func() { end() }
}
