package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/solver/noise"
)

func newNoise(stdout, stderr io.Writer) *cobra.Command {
	var (
		jsonOut bool
		window  float64
		samples int
		seed    uint64
	)
	cmd := &cobra.Command{
		Use:   "noise NETLIST",
		Short: "Thermal noise of every node at the equilibrium",
		Long: `Noise finds the netlist's equilibrium and prints, per node, the standard
deviation of its voltage under thermal noise (Johnson-Nyquist noise 4kTG on every
conductance, shot noise 2q|I| on every junction, at [options] temp), whether or
not thermal_noise is on: instantaneous, or of its mean over --window TAU
seconds. std_linear is the linearised circuit's (a Lyapunov equation; exact for
the window), std_langevin the sample standard deviation of --samples K samples
taken from one Langevin transient seeded by --seed, started at the equilibrium
(instantaneous values 3 slowest time constants apart, or the means of K windows
back to back). Nodes held by sources have none. For a node of capacitance C
whatever its resistors it is sqrt(kT/C): 64 uV at 1 pF and 300 K.

With --json the output is one object: {"temperature": K, "window": s, "nodes":
{"NAME": {"mean": V, "std_linear": V, "std_langevin": V}}, "samples", "seed",
"slowest_time_constant", "fastest_time_constant", "langevin_step" (s) and
"langevin_steps"}.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(window >= 0 && window < math.Inf(1)) {
				return badInput("--window must be a number of seconds >= 0, not %g", window)
			}
			if samples < 2 {
				return badInput("--samples must be at least 2, not %d", samples)
			}
			_, sys, err := loadNetlist(args[0])
			if err != nil {
				return err
			}
			r, err := noise.Analyze(sys, noise.Sampling{Window: window, Samples: samples, Seed: seed})
			if errors.Is(err, noise.ErrTooManySteps) {
				return badInput("--samples %d, --window %g: %v", samples, window, err)
			}
			if err != nil {
				return err
			}
			if jsonOut {
				out := noiseJSON{Temperature: r.Temperature, Window: r.Window, Nodes: map[string]nodeNoiseJSON{},
					Samples: r.Samples, Seed: seed, Slowest: r.Slowest, Fastest: r.Fastest,
					Step: r.Schedule.Step, Steps: r.Schedule.Steps(r.Samples)}
				for _, n := range r.Nodes {
					out.Nodes[n.Name] = nodeNoiseJSON{n.Mean, n.StdLinear, n.StdLangevin}
				}
				return json.NewEncoder(stdout).Encode(out)
			}
			fmt.Fprintf(stderr, "%.6g K; time constants %.3g to %.3g s; %d Langevin samples from %d steps of %.3g s\n",
				r.Temperature, r.Fastest, r.Slowest, r.Samples, r.Schedule.Steps(r.Samples), r.Schedule.Step)
			w := 4
			for _, n := range r.Nodes {
				w = max(w, len(n.Name))
			}
			what := "instantaneous"
			if window > 0 {
				what = fmt.Sprintf("mean over %g s", window)
			}
			fmt.Fprintf(stdout, "%-*s  %-16s  %-14s  %s (%s)\n", w, "node", "mean (V)", "std_linear", "std_langevin", what)
			for _, n := range r.Nodes {
				fmt.Fprintf(stdout, "%-*s  %-16.10g  %-14.4g  %.4g\n", w, n.Name, n.Mean, n.StdLinear, n.StdLangevin)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	cmd.Flags().Float64Var(&window, "window", 0, "average each voltage over this many seconds (0: instantaneous)")
	cmd.Flags().IntVar(&samples, "samples", 400, "Langevin samples")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the Langevin noise")
	return cmd
}

type noiseJSON struct {
	Temperature float64                  `json:"temperature"`
	Window      float64                  `json:"window"`
	Nodes       map[string]nodeNoiseJSON `json:"nodes"`
	Samples     int                      `json:"samples"`
	Seed        uint64                   `json:"seed"`
	Slowest     float64                  `json:"slowest_time_constant"`
	Fastest     float64                  `json:"fastest_time_constant"`
	Step        float64                  `json:"langevin_step"`
	Steps       int                      `json:"langevin_steps"`
}

type nodeNoiseJSON struct {
	Mean        float64 `json:"mean"`
	StdLinear   float64 `json:"std_linear"`
	StdLangevin float64 `json:"std_langevin"`
}
