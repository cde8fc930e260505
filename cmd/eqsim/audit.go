package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/run"
)

func newAudit(stdout, stderr io.Writer) *cobra.Command {
	var (
		d       dataFlags
		samples int
		workers int
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "audit NETLIST",
		Short: "Check the network's operating point against the netlist's [limits]",
		Long: `Audit relaxes the free phase of the netlist's network on the samples of
the test set of its [training] data set (the first K with --samples K), or
solves the circuit at its own input values when it has no [training] and
[output] sections, and reports the worst case over them: max_input (V),
max_device_voltage (V, across any trainable conductance), max_device_power
(W), mean_power and max_power (W per inference: what the independent sources
and the amplifiers deliver, which the resistors, crossbars and diodes
dissipate), max_amplifier_output (V), max_diode_reverse (V) and
max_diode_current (A), and a violation for every element that exceeds a
limit of the netlist's [limits] table, naming the limit, the element and the
sample. It also says where the power goes: mean_dissipation is, by element,
the mean power (W) each resistor, crossbar (its wires included), diode,
rectifier and amplifier output resistance dissipates, which sums to
mean_power; the text lists it largest first with each element's share. With
--json the output is one object with these keys, violations, worst (where
each quantity is largest) and more.

Exit status: 0 within the limits, 1 when any is exceeded (or the audit
failed), 2 on bad input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples < 0 || workers < 0 {
				return badInput("--samples and --workers must not be negative")
			}
			o, err := overrides(cmd.Flags(), &d, nil)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			r, err := run.Audit(ctx, args[0], o, samples, workers)
			if err != nil {
				return err
			}
			if jsonOut {
				if err := json.NewEncoder(stdout).Encode(r); err != nil {
					return err
				}
			} else {
				r.WriteText(stdout)
			}
			if !r.OK() {
				return fmt.Errorf("%s: the operating point exceeds %d of the limits", args[0], len(r.Violations))
			}
			return nil
		},
	}
	d.add(cmd.Flags(), false, true)
	cmd.Flags().IntVar(&samples, "samples", 0, "audit the first K test samples (0: all)")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines relaxing samples in parallel (0: all cores)")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	return cmd
}
