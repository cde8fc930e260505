package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/dynamics"
	"github.com/eqsim/eqsim/internal/progress"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/run"
)

// dataFlags are the flags that choose the data, shared by train, eval and
// gradcheck.
type dataFlags struct {
	data               string
	subset, testSubset int
	inputOffset        string
}

// add defines --data, and --subset if train and --test-subset if test.
func (d *dataFlags) add(flags *pflag.FlagSet, train, test bool) {
	flags.StringVar(&d.data, "data", "", "folder of the IDX files of mnist or fashion-mnist (default $"+dataset.EnvData+", then the usual places)")
	if train {
		flags.IntVar(&d.subset, "subset", 0, "train on the first N training samples only (0: all; overrides [training] subset)")
	}
	flags.StringVar(&d.inputOffset, "input-offset", "", "subtracted from every feature before it drives the input, e.g. 0.286, or mean: each feature's own mean over the training set (overrides [training] input_offset; default 0)")
	if test {
		flags.IntVar(&d.testSubset, "test-subset", 0, "test on the first N test samples only (0: all; overrides [training] test_subset)")
	}
}

// trainFlags are the flags of eqsim train that override [training].
type trainFlags struct {
	dataFlags
	epochs, batchSize, workers                         int
	shift                                              int
	flip                                               bool
	seed                                               uint64
	beta, lr, lrDecay, weightDecay, dropout, estimator string
	backend                                            string
	dynamics                                           string
}

func (f *trainFlags) add(fs *pflag.FlagSet) {
	f.dataFlags.add(fs, true, true)
	fs.IntVar(&f.epochs, "epochs", 0, "number of epochs (overrides [training] epochs; default 10)")
	fs.IntVar(&f.batchSize, "batch-size", 0, "samples per update (overrides [training] batch_size; default 20)")
	fs.IntVar(&f.workers, "workers", 0, "goroutines relaxing samples in parallel (0: all cores); results do not depend on it")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the shuffling (overrides [training] seed; default 1)")
	fs.StringVar(&f.beta, "beta", "", "nudge strength in siemens, e.g. 1u (overrides [training] beta)")
	fs.StringVar(&f.lr, "lr", "", "learning rate in S^2/V^2, e.g. 1e-12 (overrides [training] learning_rate)")
	fs.IntVar(&f.shift, "shift", 0, "move every training image by up to N pixels each way, a new move each epoch (overrides [training] shift; default 0: none)")
	fs.BoolVar(&f.flip, "flip", false, "mirror every training image left to right with probability 1/2, a new draw each epoch (overrides [training] flip; default false)")
	fs.StringVar(&f.lrDecay, "lr-decay", "", "factor of every learning rate after each epoch, in (0, 1], e.g. 0.8 (overrides [training] lr_decay; default 1)")
	fs.StringVar(&f.dropout, "input-dropout", "", "probability in [0, 1) that a feature of a training sample is set to 0 (the others divided by 1 - p), a new draw each epoch (overrides [training] input_dropout; default 0)")
	fs.StringVar(&f.weightDecay, "weight-decay", "", "L2 regularisation of every trained conductance toward g_min in V^2/S^2, e.g. 1e4; 0 for none (overrides [training] weight_decay; default 0)")
	fs.StringVar(&f.estimator, "estimator", "", "gradient estimator: "+strings.Join(eqprop.TrainingEstimators, ", ")+" (overrides [training] estimator)")
	fs.StringVar(&f.dynamics, "dynamics", "", "how each phase runs: "+strings.Join(dynamics.Methods, " or ")+" (overrides [training.dynamics] method)")
	fs.StringVar(&f.backend, "backend", "", "what solves the phases: "+strings.Join(netlist.Backends, " or ")+" (overrides [training] backend; default native)")
}

// overrides checks the flags of flags that were given and returns what
// they override; t is nil for commands without the training flags.
func overrides(flags *pflag.FlagSet, d *dataFlags, t *trainFlags) (run.Overrides, error) {
	o := run.Overrides{Data: d.data}
	changed := flags.Changed
	intFlag := func(name string, v, least int, dst **int) error {
		if !changed(name) {
			return nil
		}
		if v < least {
			if least == 0 {
				return badInput("--%s must not be negative", name)
			}
			return badInput("--%s must be positive", name)
		}
		*dst = &v
		return nil
	}
	// valueFlag reads a number that ok accepts; want says which.
	valueFlag := func(name, want string, ok func(float64) bool, dst **float64) error {
		if !changed(name) {
			return nil
		}
		s := flags.Lookup(name).Value.String()
		v, err := netlist.ParseValue(s)
		if err != nil || !ok(v) {
			return badInput("--%s %q: want %s", name, s, want)
		}
		*dst = &v
		return nil
	}
	positive := func(v float64) bool { return v > 0 }
	err := errors.Join(intFlag("subset", d.subset, 0, &o.Subset), intFlag("test-subset", d.testSubset, 0, &o.TestSubset))
	if changed("input-offset") {
		v, perr := netlist.ParseValue(d.inputOffset)
		mean := d.inputOffset == "mean"
		if mean {
			v = 0
		}
		if !mean && (perr != nil || math.IsNaN(v) || math.IsInf(v, 0)) {
			err = errors.Join(err, badInput("--input-offset %q: want a number or mean", d.inputOffset))
		}
		o.InputOffset, o.InputMean = &v, &mean
	}
	if t != nil {
		err = errors.Join(err, intFlag("epochs", t.epochs, 1, &o.Epochs), intFlag("batch-size", t.batchSize, 1, &o.BatchSize),
			intFlag("workers", t.workers, 0, &o.Workers), intFlag("shift", t.shift, 0, &o.Shift),
			valueFlag("lr", "a positive number of S^2/V^2", positive, &o.LearningRate),
			valueFlag("lr-decay", "a factor in (0, 1]", positive, &o.LRDecay),
			valueFlag("input-dropout", "a probability in [0, 1)", func(v float64) bool { return v >= 0 && v < 1 }, &o.InputDropout),
			valueFlag("weight-decay", "a number of V^2/S^2 not below 0", func(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }, &o.WeightDecay))
		if changed("seed") {
			o.Seed = &t.seed
		}
		if changed("flip") {
			o.Flip = &t.flip
		}
		if changed("estimator") {
			o.Estimator = &t.estimator
		}
		if changed("backend") {
			o.Backend = &t.backend
		}
		if changed("dynamics") {
			if !slices.Contains(dynamics.Methods, t.dynamics) {
				err = errors.Join(err, badInput("--dynamics %q: want %s", t.dynamics, strings.Join(dynamics.Methods, " or ")))
			}
			o.Dynamics = &t.dynamics
		}
	}
	return o, errors.Join(err, valueFlag("beta", "a positive number of siemens such as 1u", positive, &o.Beta))
}

// openSession reads the netlist at path with the overrides of the flags.
func openSession(path string, flags *pflag.FlagSet, d *dataFlags, t *trainFlags) (*run.Session, error) {
	o, err := overrides(flags, d, t)
	if err != nil {
		return nil, err
	}
	return run.Open(path, o)
}

// interruptHook, if not nil, is called after every batch with the epoch
// (from 1) and the samples of the epoch done; when it returns true the
// run stops as on SIGINT. Tests set it.
var interruptHook func(epoch, done int) bool

func newTrain(stdout, stderr io.Writer) *cobra.Command {
	var (
		f       trainFlags
		out     string
		resume  string
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "train NETLIST",
		Short: "Train the netlist's network by Equilibrium Propagation",
		Long: `Train trains the conductances of the netlist's trainable crossbars and
resistors on the data set of its [training] section, by mini-batch gradient
descent with the gradient estimated by Equilibrium Propagation (or CHL, or
coupled learning), and tests the network after every epoch. Flags override
the keys of [training].

The output folder (--out, default NETLIST-BASE-run in the current folder)
belongs to the run while it runs (an OS lock: a second run on it exits 1).
It receives, in one atomic commit, after every epoch, every 30 seconds
within an epoch and when the run stops (so that kill -9 loses at most one
epoch or 30 seconds):

  BASE.toml, BASE.*.npy   the trained netlist and its .npy sidecars
  metrics.csv, .jsonl     one row per epoch: epoch, train_loss, train_error,
                          test_loss, test_error, seconds (wall time since the
                          start), samples_per_second, mean_power (W per
                          inference, the mean over the test samples),
                          energy_per_sample and chip_time_per_sample (what a
                          training sample cost on the chip: see
                          [training.dynamics]), energy_per_inference and
                          chip_time_per_inference (what the free phase of a
                          test sample cost, as eqsim eval reports it)
  curves.png, curves.svg  losses and errors against the epoch (at most
                          every 30 seconds, and at the end)
  checkpoint/             the state to resume from

A progress bar shows on stderr when it is a terminal; otherwise one line per
epoch. On SIGINT (Ctrl-C) or SIGTERM the run stops after the current batch,
writes the outputs (the netlist with the conductances of that moment) and
the checkpoint, says how to resume and exits with status 1. A folder that
holds an unfinished run is not overwritten.
--resume DIR continues the run in DIR with the same netlist and settings
(--epochs may be raised) and ends with the same conductances as a run never
interrupted. With --json the last line on stdout is one JSON object with
epochs, train_loss, train_error, test_loss, test_error, mean_power,
seconds, samples_per_second, energy_per_sample, chip_time_per_sample,
energy_per_inference, chip_time_per_inference, out, netlist and audit. At the end the trained network's operating point is
audited on the whole test set against the netlist's [limits] (see eqsim
audit): printed on stderr, or the object audit of the JSON summary.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrain(cmd, args[0], &f, out, resume, jsonOut, stdout, stderr)
		},
	}
	f.add(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "output folder (default: NETLIST-BASE-run in the current folder)")
	cmd.Flags().StringVar(&resume, "resume", "", "continue the run whose output folder is DIR")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print a JSON summary as the last line")
	return cmd
}

func runTrain(cmd *cobra.Command, path string, f *trainFlags, out, resume string, jsonOut bool, stdout, stderr io.Writer) error {
	switch {
	case resume != "" && out != "" && abs(out) != abs(resume):
		return badInput("--out %s and --resume %s: a resumed run writes into the folder it resumes", out, resume)
	case resume != "":
		out = resume
	case out == "":
		out = strings.TrimSuffix(filepath.Base(path), ".toml") + "-run"
	}
	s, err := openSession(path, cmd.Flags(), &f.dataFlags, f)
	if err != nil {
		return err
	}
	defer s.Close()
	if abs(out) == abs(filepath.Dir(path)) {
		return badInput("--out %s is the netlist's own folder: the trained netlist would overwrite it", out)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sum, err := run.Train(ctx, s, run.Options{
		Out: out, Resume: resume != "",
		Progress: progress.New(stderr, progress.IsTerminal(stderr), "samples"),
		Audit:    true,
		AfterBatch: func(epoch, done int) {
			if interruptHook != nil && interruptHook(epoch, done) {
				cancel()
			}
		},
	})
	var (
		re *run.ResumeError
		un *run.Unfinished
		in *run.Interrupted
	)
	switch {
	case errors.As(err, &re):
		return fmt.Errorf("--resume %s: %w", resume, re.Err)
	case errors.As(err, &un):
		return badInput("%s holds an unfinished run (%d of %d epochs): continue it with --resume %s, or choose another --out", out, un.Done, un.Epochs, out)
	case errors.As(err, &in):
		return fmt.Errorf("%w. Continue with:\n  %s", err, resumeCommand(cmd, path, out))
	case err != nil:
		return err
	}
	if jsonOut {
		return json.NewEncoder(stdout).Encode(sum)
	}
	fmt.Fprintf(stdout, "%d epochs in %.1f s (%.0f samples/s): train error %.2f%%, test error %.2f%% (loss %.4g V^2), %.4g W per inference\ntrained netlist: %s\n",
		sum.Epochs, sum.Seconds, sum.SamplesPerSecond, 100*sum.TrainError, 100*sum.TestError, sum.TestLoss, sum.MeanPower, sum.Netlist)
	if sum.Audit != nil {
		sum.Audit.WriteText(stderr)
	}
	return nil
}

// resumeCommand returns the command line that resumes the run: the same
// netlist and flags, with --resume DIR.
func resumeCommand(cmd *cobra.Command, path, out string) string {
	parts := []string{"eqsim", "train", shellQuote(path)}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "out", "resume", "workers":
			return
		}
		if f.Value.Type() == "bool" {
			parts = append(parts, "--"+f.Name)
			return
		}
		parts = append(parts, "--"+f.Name, shellQuote(f.Value.String()))
	})
	return strings.Join(append(parts, "--resume", shellQuote(out)), " ")
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
