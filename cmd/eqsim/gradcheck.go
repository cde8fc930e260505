package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/eqprop/native"
)

func newGradcheck(stdout, stderr io.Writer) *cobra.Command {
	var (
		d       dataFlags
		beta    string
		samples int
		maxFD   int
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "gradcheck NETLIST",
		Short: "Compare the gradient estimators with the exact gradient and finite differences",
		Long: `Gradcheck computes, on the first K training samples of the netlist's data set
(gradients summed over them), the loss gradient with respect to every
trainable conductance three ways: by every EqProp estimator (positive,
negative, centered, chl, coupled) from measured drops, by the adjoint
method (exact), and by finite differences of the loss on at most --max-fd
conductances (those with the largest exact gradient, then random ones). It
prints the cosine and relative error of every estimator against the exact
gradient, and the relative error of the exact gradient against finite
differences. The nudge kind, eta and readout are those of the netlist;
--beta overrides [training] beta. With --json the output is one object:
{"exact_vs_fd": {"rel_error", "params"}, "estimators": [{"name", "cosine",
"rel_error"}, ...], "samples", "beta"}.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples < 1 {
				return badInput("--samples must be positive")
			}
			if maxFD < 1 {
				return badInput("--max-fd must be positive")
			}
			s, err := openSession(args[0], cmd.Flags(), &d, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Load(); err != nil {
				return err
			}
			rep, err := native.GradCheck(s.Net, s.Train, samples, maxFD, s.Config)
			if err != nil {
				return err
			}
			if jsonOut {
				return json.NewEncoder(stdout).Encode(rep)
			}
			fmt.Fprintf(stdout, "%d samples of %s, beta %g S, nudge %s\n", rep.Samples, s.Train.Name, rep.Beta, s.Config.Nudge)
			fmt.Fprintf(stdout, "exact vs finite differences: rel_error %.3g on %d conductances\n", rep.ExactVsFD.RelError, rep.ExactVsFD.Params)
			fmt.Fprintf(stdout, "%-10s  %-10s  %s\n", "estimator", "cosine", "rel_error")
			for _, e := range rep.Estimators {
				fmt.Fprintf(stdout, "%-10s  %-10.6f  %.3g\n", e.Name, e.Cosine, e.RelError)
			}
			return nil
		},
	}
	d.add(cmd.Flags(), false, false)
	cmd.Flags().StringVar(&beta, "beta", "", "nudge strength in siemens, e.g. 1u (overrides [training] beta)")
	cmd.Flags().IntVar(&samples, "samples", 4, "number of samples the gradients are summed over")
	cmd.Flags().IntVar(&maxFD, "max-fd", 24, "at most this many conductances checked by finite differences")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	return cmd
}
