package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/internal/safeio"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/run"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// inputError marks bad input or usage: exit status 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func badInput(format string, a ...any) error { return inputError{fmt.Errorf(format, a...)} }

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs the command line args and returns the exit status.
func execute(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	endProfile := profileFlag(root)
	root.SetArgs(args)
	err := root.Execute()
	endProfile()
	if err == nil {
		return exitOK
	}
	if strings.HasPrefix(err.Error(), "unknown command") {
		// Cobra reports an unknown subcommand as a plain error.
		err = inputError{err}
	}
	fmt.Fprintln(stderr, "eqsim:", err)
	return exitStatus(err)
}

// exitStatus maps err to the exit status: 2 for bad input (a file that is
// missing, not a regular file or too large counts), 1 for a failed run
// (a folder held by another run counts).
func exitStatus(err error) int {
	var ie inputError
	var re *run.InputError
	var ne *netlist.Error
	var ce *circuit.Error
	var se *safeio.Error
	switch {
	case errors.As(err, &ie), errors.As(err, &re), errors.As(err, &ne), errors.As(err, &ce):
		return exitUsage
	case errors.As(err, &se) && se.Kind != safeio.Other:
		return exitUsage
	}
	return exitFailed
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "eqsim",
		Short:         "Simulate and train analog networks that learn by Equilibrium Propagation",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	// Cobra reports unknown flags and wrong argument counts as plain
	// errors; they are usage errors.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return inputError{err} })
	root.AddCommand(newSimulate(stdout, stderr), newExport(stdout, stderr), newImport(stdout, stderr), newVerify(stdout, stderr),
		newTrain(stdout, stderr), newEval(stdout, stderr), newGradcheck(stdout, stderr), newSweep(stdout, stderr),
		newNoise(stdout, stderr), newAudit(stdout, stderr))
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	return root
}

// wrapArgs makes argument-count errors of c and its children usage errors.
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return inputError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// loadNetlist parses and compiles a netlist; its errors are input errors.
func loadNetlist(path string) (*netlist.Netlist, *mna.System, error) {
	nl, err := netlist.ParseFile(path)
	if err != nil {
		return nil, nil, inputError{err}
	}
	sys, err := mna.Compile(nl.Circuit)
	if err != nil {
		return nil, nil, inputError{fmt.Errorf("%s: %w", path, err)}
	}
	return nl, sys, nil
}
