package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/eqprop"
)

// evalResult is the output of eqsim eval --json.
type evalResult struct {
	TestError float64 `json:"test_error"`
	TestLoss  float64 `json:"test_loss"`
	Samples   int     `json:"samples"`
	Errors    int     `json:"errors"`
	Dataset   string  `json:"dataset"`
}

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
readout and the mean loss sum_k (V_out,k - y_k)^2/2 in V^2. With --json the
output is one object with test_error, test_loss, samples, errors and
dataset.`,
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
			cfg := s.Config
			cfg.Workers = workers
			tr, err := eqprop.NewTrainer(s.Physical, cfg.WithDefaults())
			if err != nil {
				return badInput("%s: %v", args[0], err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			loss, rate, err := tr.Evaluate(ctx, s.Test)
			if err != nil {
				return err
			}
			n := s.Test.Len()
			res := evalResult{TestError: rate, TestLoss: loss, Samples: n, Errors: int(math.Round(rate * float64(n))), Dataset: s.Test.Name}
			if jsonOut {
				return json.NewEncoder(stdout).Encode(res)
			}
			fmt.Fprintf(stdout, "test error %.2f%% (%d of %d samples of %s), mean loss %.4g V^2\n", 100*rate, res.Errors, n, res.Dataset, loss)
			return nil
		},
	}
	d.add(cmd.Flags(), false, true)
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines relaxing samples in parallel (0: all cores)")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	return cmd
}
