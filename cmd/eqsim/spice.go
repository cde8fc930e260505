package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/spice"
)

// VerifyTolerance is the largest deviation in volts between eqsim and
// ngspice that `eqsim verify` accepts.
const VerifyTolerance = 1e-6

func newExport(stdout, stderr io.Writer) *cobra.Command {
	export := &cobra.Command{
		Use:   "export",
		Short: "Export a netlist to another format",
	}
	var (
		out  string
		tran float64
	)
	spiceCmd := &cobra.Command{
		Use:   "spice NETLIST",
		Short: "Write an ngspice deck of the same circuit",
		Long: `Export spice writes an ngspice deck of the netlist's circuit, with block
elements (crossbars, rectifiers, amplifiers, inputs) expanded into cards. The
deck runs as 'ngspice -b deck.cir' and prints every node voltage. Node names
that SPICE cannot take as they are are mapped, and the map is written as
comments in the deck. Without -o the deck goes to stdout.

--tran STOP writes a deck that runs a transient to STOP seconds instead, from
eqsim's initial state (every node at 0 V but those the sources hold, the
sources on at t = 0: uic with .ic lines), with eqsim's node capacitance as a
capacitor on every free node without a capacitor of its own, and writes every
node's trajectory to ` + spice.TranDataFile + ` in ngspice's working directory.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("tran") && !(tran > 0 && tran < math.Inf(1)) {
				return badInput("--tran must be a positive number of seconds, not %g", tran)
			}
			nl, _, err := loadNetlist(args[0])
			if err != nil {
				return err
			}
			write := func(w io.Writer) error {
				if tran > 0 {
					return spice.WriteSpiceTran(w, nl.Circuit, tran)
				}
				return spice.WriteSpice(w, nl.Circuit)
			}
			if out == "" || out == "-" {
				return write(stdout)
			}
			if abs(out) == abs(args[0]) {
				return badInput("-o %s would overwrite the netlist", out)
			}
			return writeAtomic(out, write)
		},
	}
	spiceCmd.Flags().StringVarP(&out, "output", "o", "", "write the deck to this file")
	spiceCmd.Flags().Float64Var(&tran, "tran", 0, "write a deck that runs a transient to this time in seconds")
	export.AddCommand(spiceCmd)
	return export
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func newVerify(stdout, stderr io.Writer) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "verify NETLIST",
		Short: "Compare eqsim's equilibrium with ngspice's on every node",
		Long: fmt.Sprintf(`Verify exports the netlist to ngspice, runs 'ngspice -b' on it, solves the
same circuit with eqsim and compares every node voltage. It prints the largest
deviation and exits with status 1 if it exceeds %g V or if ngspice is not
installed.`, VerifyTolerance),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nl, sys, err := loadNetlist(args[0])
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			ref, err := spice.RunNgspice(ctx, nl.Circuit)
			if errors.Is(err, spice.ErrNoNgspice) {
				return fmt.Errorf("cannot verify: %w", err)
			}
			if err != nil {
				return fmt.Errorf("ngspice: %w", err)
			}
			res, err := equilibrium(sys, "newton")
			if err != nil {
				return err
			}
			dev, err := spice.Compare(sys.Nodes(), sys.VoltagesTo(nil, res.X)[1:], ref)
			if err != nil {
				return err
			}
			worst, worstNode := dev.Volts, dev.Node
			ok := worst <= VerifyTolerance
			if jsonOut {
				fmt.Fprintf(stdout, `{"nodes": %d, "max_deviation": %g, "worst_node": %q, "tolerance": %g, "ok": %t}`+"\n",
					len(sys.Nodes()), worst, worstNode, VerifyTolerance, ok)
			} else {
				fmt.Fprintf(stdout, "%d nodes compared with ngspice; largest deviation %.3g V at %s (tolerance %g V, %s solver)\n",
					len(sys.Nodes()), worst, worstNode, VerifyTolerance, res.Method)
			}
			if !ok {
				return fmt.Errorf("eqsim and ngspice differ by %.3g V at node %s, more than %g V", worst, worstNode, VerifyTolerance)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	return cmd
}
