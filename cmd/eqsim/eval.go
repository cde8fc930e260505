package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/run"
)

func newEval(stdout, stderr io.Writer) *cobra.Command {
	var (
		d       dataFlags
		workers int
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "eval NETLIST",
		Short: "Print the test error of the netlist's network",
		Long: `Eval relaxes the netlist's network on every sample of the test set of its
[training] data set and prints the fraction misclassified by its [output]
readout, the mean loss sum_k (V_out,k - y_k)^2/2 in V^2, and what an
inference (the free phase) costs: the mean power (W) and, on a chip
([training.dynamics], [training.sense]), the energy (J) and chip time (s)
of its settling and measurement window. With --json the output is one object
with test_error, test_loss, samples, errors, dataset, mean_power,
energy_per_inference and chip_time_per_inference.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if workers < 0 {
				return badInput("--workers must not be negative")
			}
			s, err := openSession(args[0], cmd.Flags(), &d, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Load(); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := run.Evaluate(ctx, s, workers)
			if err != nil {
				return err
			}
			if jsonOut {
				return json.NewEncoder(stdout).Encode(res)
			}
			return res.WriteText(stdout)
		},
	}
	d.add(cmd.Flags(), false, true)
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines relaxing samples in parallel (0: all cores)")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	return cmd
}
