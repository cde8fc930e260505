package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/internal/progress"
	"github.com/eqsim/eqsim/sweep"
)

// sweepHook, if not nil, is called after every finished run with the runs
// finished so far in this invocation; when it returns true the sweep stops
// as on SIGINT. Tests set it.
var sweepHook func(done int) bool

func newSweep(stdout, stderr io.Writer) *cobra.Command {
	var (
		out, shard, data string
		count, jobs      int
	)
	c := &cobra.Command{
		Use:   "sweep SPEC",
		Short: "Train a netlist over a grid of parameters and seeds",
		Long: `Sweep trains the base netlist of a sweep spec at every point of its axes,
once per seed, and writes one result file per run into DIR/points as it
finishes. Rerunning the same command skips the finished runs, so a killed
sweep resumes where it stopped. When DIR holds every run, sweep also
writes results.csv, summary.csv and the plots (as "sweep merge" does).

Runs go in parallel, --jobs at a time, each on one core (or more, when
there are fewer runs than cores). With --shard I/N only the runs whose
number is I modulo N are done (I from 0); on a cluster the shard comes
from the environment when --shard is not given: a SLURM job array
(SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, less SLURM_ARRAY_TASK_MIN)
or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with N from
--shard-count). Merge the shards' folders with
"eqsim sweep merge DIR... --out DIR".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sh, err := shardOf(shard, count, cmd.Flags().Changed("shard-count"), os.Getenv)
			if err != nil {
				return err
			}
			if jobs < 0 {
				return badInput("--jobs must not be negative")
			}
			return runSweep(args[0], sweep.Options{Out: out, Shard: sh, Jobs: jobs, Data: data}, stdout, stderr)
		},
	}
	f := c.Flags()
	f.StringVar(&out, "out", "", "output folder [the spec's name with -sweep]")
	f.StringVar(&shard, "shard", "", "run only shard I of N, as I/N with I from 0 [from SLURM or JOB_COMPLETION_INDEX, else 0/1]")
	f.IntVar(&count, "shard-count", 0, "the number of shards of a Kubernetes Indexed Job (its completions); the index comes from JOB_COMPLETION_INDEX")
	f.IntVar(&jobs, "jobs", 0, "runs at a time [the number of CPUs]")
	f.StringVar(&data, "data", "", "folder of the data set files (overrides EQSIM_DATA)")
	c.AddCommand(newSweepMerge(stdout, stderr))
	return c
}

// shardOf returns the shard to run: --shard, else SLURM's job array, else
// a Kubernetes Indexed Job's index with --shard-count, else 0 of 1.
func shardOf(flag string, count int, countSet bool, env func(string) string) (sweep.Shard, error) {
	if countSet && count < 1 {
		return sweep.Shard{}, badInput("--shard-count must be positive")
	}
	if flag != "" {
		s, err := sweep.ParseShard(flag)
		if err != nil {
			return s, badInput("--shard %q: %v", flag, err)
		}
		return s, nil
	}
	s, ok, err := sweep.ShardFromEnv(env, count)
	switch {
	case errors.Is(err, sweep.ErrNoCount):
		return s, badInput("%v with --shard-count", err)
	case err != nil:
		return s, badInput("%v", err)
	case !ok && countSet:
		return s, badInput("--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or use --shard I/N")
	}
	return s, nil
}

func runSweep(specPath string, o sweep.Options, stdout, stderr io.Writer) error {
	sw, err := sweep.ParseFile(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		return badInput("%v", err)
	}
	if err != nil {
		return inputError{err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o.Progress = progress.New(stderr, progress.IsTerminal(stderr), "runs")
	o.AfterRun = func(done int) {
		if sweepHook != nil && sweepHook(done) {
			cancel()
		}
	}
	res, err := sweep.Run(ctx, sw, o)
	var in *sweep.Interrupted
	switch {
	case errors.Is(err, sweep.ErrOtherSweep):
		return fmt.Errorf("%w: choose another --out", err)
	case errors.As(err, &in):
		c := fmt.Sprintf("eqsim sweep %s --out %s", specPath, in.Out)
		if o.Shard.N > 1 {
			c += " --shard " + o.Shard.String()
		}
		return fmt.Errorf("%w. Continue with the same command:\n  %s", err, c)
	case err != nil:
		return err
	}
	if res.Missing > 0 {
		fmt.Fprintf(stdout, "shard %s done: %d runs in %s; %d runs of the sweep are in other shards. Merge the shards' folders with\n  eqsim sweep merge DIR... --out DIR\n",
			o.Shard, res.Mine, res.Out, res.Missing)
		return nil
	}
	fmt.Fprintf(stdout, "%d runs in %s: %s, %s and plots\n", res.Plan.Runs, res.Out, filepath.Join(res.Out, sweep.ResultsCSV), filepath.Join(res.Out, sweep.SummaryCSV))
	return nil
}

func newSweepMerge(stdout, stderr io.Writer) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "merge DIR... --out DIR",
		Short: "Merge the folders of a sweep's shards into one table and plots",
		Long: `Merge reads the run files of the folders of one sweep's shards and writes
into --out: results.csv (one row per point and seed: the point, the seed,
each axis's value, the status, the metrics and the wall time in seconds),
summary.csv (per point: the mean and standard deviation of the metric over
the seeds) and plots: the metric against each axis with error bars over
the seeds, and a heatmap when the sweep is a grid of two axes. Runs
missing from every folder are reported; the tables hold the others.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return badInput("sweep merge: give the folder to write with --out DIR")
			}
			m, err := sweep.Merge(args, out, stderr)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%d of %d runs (%d failed) -> %s, %s and plots\n", m.Runs, m.Plan.Runs, m.Failed,
				filepath.Join(out, sweep.ResultsCSV), filepath.Join(out, sweep.SummaryCSV))
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "folder for results.csv, summary.csv and the plots")
	return c
}
