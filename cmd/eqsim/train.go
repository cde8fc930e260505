package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/netlist"
)

// dataFlags are the flags that choose the data, shared by train, eval and
// gradcheck.
type dataFlags struct {
	data               string
	subset, testSubset int
}

// add defines --data, and --subset if train and --test-subset if test.
func (d *dataFlags) add(flags *pflag.FlagSet, train, test bool) {
	flags.StringVar(&d.data, "data", "", "folder of the IDX files of mnist or fashion-mnist (default $"+dataset.EnvData+", then the usual places)")
	if train {
		flags.IntVar(&d.subset, "subset", 0, "train on the first N training samples only (0: all; overrides [training] subset)")
	}
	if test {
		flags.IntVar(&d.testSubset, "test-subset", 0, "test on the first N test samples only (0: all; overrides [training] test_subset)")
	}
}

// trainFlags are the flags of eqsim train that override [training].
type trainFlags struct {
	dataFlags
	epochs, batchSize, workers int
	seed                       uint64
	beta, lr, estimator        string
}

func (f *trainFlags) add(fs *pflag.FlagSet) {
	f.dataFlags.add(fs, true, true)
	fs.IntVar(&f.epochs, "epochs", 0, "number of epochs (overrides [training] epochs; default 10)")
	fs.IntVar(&f.batchSize, "batch-size", 0, "samples per update (overrides [training] batch_size; default 20)")
	fs.IntVar(&f.workers, "workers", 0, "goroutines relaxing samples in parallel (0: all cores); results do not depend on it")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the shuffling (overrides [training] seed; default 1)")
	fs.StringVar(&f.beta, "beta", "", "nudge strength in siemens, e.g. 1u (overrides [training] beta)")
	fs.StringVar(&f.lr, "lr", "", "learning rate in S^2/V^2, e.g. 1e-12 (overrides [training] learning_rate)")
	fs.StringVar(&f.estimator, "estimator", "", "gradient estimator: "+strings.Join(eqprop.Estimators, ", ")+" (overrides [training] estimator)")
}

// run is everything a command needs to train or test a netlist's network.
type session struct {
	path     string
	nl       *netlist.Netlist
	training netlist.Training // with the flags applied
	cfg      eqprop.Config    // with the flags and the defaults applied
	net      *eqprop.Native
	spec     dataset.Spec
	// train and test are nil until load.
	train, test *eqprop.Set
}

// newSession reads the netlist and applies the flags (those of fs that were
// given); every problem is an input error.
func newSession(path string, flags *pflag.FlagSet, d *dataFlags, t *trainFlags) (*session, error) {
	nl, _, err := loadNetlist(path)
	if err != nil {
		return nil, err
	}
	return sessionFor(nl, path, flags, d, t)
}

// sessionFor is newSession for a netlist already parsed; path names it in
// messages.
func sessionFor(nl *netlist.Netlist, path string, flags *pflag.FlagSet, d *dataFlags, t *trainFlags) (*session, error) {
	var err error
	if nl.Output == nil {
		return nil, badInput("%s: no [output] section: name the group of output nodes with [output] group = \"...\"", path)
	}
	s := &session{path: path, nl: nl}
	if nl.Training != nil {
		s.training = *nl.Training
	} else {
		// No [training] section: its defaults, and the only input.
		for _, e := range nl.Circuit.Elements {
			if in, ok := e.(*circuit.Input); ok {
				if s.training.Input != "" {
					return nil, badInput("%s: the netlist has several inputs: name the one the features drive in [training] input = \"...\"", path)
				}
				s.training.Input = in.Name
			}
		}
		if s.training.Input == "" {
			return nil, badInput("%s: the netlist has no [[input]] for the data's features to drive", path)
		}
	}
	if s.training.Dataset == "" {
		return nil, badInput("%s: no data set: add [training] dataset = \"mnist\" (or %s)", path, strings.Join(dataset.Names()[1:], ", "))
	}
	cfg := nl.TrainingConfig()
	changed := flags.Changed
	if changed("subset") {
		if d.subset < 0 {
			return nil, badInput("--subset must not be negative")
		}
		s.training.Subset = d.subset
	}
	if changed("test-subset") {
		if d.testSubset < 0 {
			return nil, badInput("--test-subset must not be negative")
		}
		s.training.TestSubset = d.testSubset
	}
	if t != nil {
		if changed("epochs") {
			if t.epochs < 1 {
				return nil, badInput("--epochs must be positive")
			}
			cfg.Epochs = t.epochs
		}
		if changed("batch-size") {
			if t.batchSize < 1 {
				return nil, badInput("--batch-size must be positive")
			}
			cfg.BatchSize = t.batchSize
		}
		if changed("workers") {
			if t.workers < 0 {
				return nil, badInput("--workers must not be negative")
			}
			cfg.Workers = t.workers
		}
		if changed("seed") {
			cfg.Seed = t.seed
		}
		if changed("estimator") {
			cfg.Estimator = t.estimator
		}
		if changed("lr") {
			v, err := netlist.ParseValue(t.lr)
			if err != nil || !(v > 0) {
				return nil, badInput("--lr %q: want a positive number of S^2/V^2", t.lr)
			}
			cfg.LearningRate = v
		}
	}
	if changed("beta") {
		b := flags.Lookup("beta").Value.String()
		v, err := netlist.ParseValue(b)
		if err != nil || !(v > 0) {
			return nil, badInput("--beta %q: want a positive number of siemens such as 1u", b)
		}
		cfg.Beta = v
	}
	if err := cfg.Validate(); err != nil {
		return nil, badInput("%s: %v", path, err)
	}
	s.cfg = cfg.WithDefaults()
	grp, ok := nl.Circuit.Group(nl.Output.Group)
	if !ok {
		return nil, badInput("%s: [output] group %q is not a group", path, nl.Output.Group)
	}
	s.net, err = eqprop.NewNative(nl.Circuit, eqprop.NativeConfig{Input: s.training.Input, Outputs: grp.Nodes(), Nudge: s.cfg.Nudge})
	if err != nil {
		return nil, badInput("%s: %v", path, err)
	}
	s.spec = dataset.Spec{
		Name:        s.training.Dataset,
		Train:       nl.DataPath(s.training.TrainFile),
		Test:        nl.DataPath(s.training.TestFile),
		Dir:         d.data,
		TrainSubset: s.training.Subset,
		TestSubset:  s.training.TestSubset,
	}
	return s, nil
}

// load reads the data set and checks that it fits the network. Missing
// files are a failed run (exit status 1: the message says how to get
// them), anything else wrong with the data bad input.
func (s *session) load() error { return s.loadWith(dataset.Load) }

// loadWith is load with another loader of data sets, one that caches them
// say.
func (s *session) loadWith(load func(dataset.Spec) (*eqprop.Set, *eqprop.Set, error)) error {
	train, test, err := load(s.spec)
	if errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err != nil {
		return inputError{err}
	}
	f := s.net.Features()
	if train.Features != f {
		return badInput("%s: data set %s has %d features per sample, but input %q takes %d (its size)", s.path, train.Name, train.Features, s.training.Input, f)
	}
	if c := s.cfg.Readout.Classes(s.net.Outputs()); train.Classes > c {
		return badInput("%s: data set %s has %d classes, but the readout of output group %q (%d nodes) tells only %d", s.path, train.Name, train.Classes, s.nl.Output.Group, s.net.Outputs(), c)
	}
	if train.Len() == 0 || test.Len() == 0 {
		return badInput("%s: data set %s has %d training and %d test samples", s.path, train.Name, train.Len(), test.Len())
	}
	s.train, s.test = train, test
	return nil
}

// settings returns what the result of training depends on.
func (s *session) settings() settings {
	c := s.cfg
	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	readout := "single"
	if c.Readout.Differential {
		readout = "differential"
	}
	return settings{
		Dataset: s.training.Dataset, TrainFile: abs(s.spec.Train), TestFile: abs(s.spec.Test),
		Subset: s.training.Subset, TestSubset: s.training.TestSubset,
		Input: s.training.Input, Output: s.nl.Output.Group, Readout: readout,
		TargetHigh: c.Readout.High, TargetLow: c.Readout.Low,
		Epochs: c.Epochs, BatchSize: c.BatchSize, Estimator: c.Estimator, Nudge: c.Nudge.String(),
		Beta: c.Beta, Eta: c.Eta, LearningRate: c.LearningRate, LearningRates: c.LearningRates,
		GMin: c.GMin, GMax: c.GMax, Seed: c.Seed, Workers: c.Workers,
		SenseNoise: c.Sense.Noise, ADCBits: c.Sense.Bits, ADCMin: c.Sense.Min, ADCMax: c.Sense.Max,
	}
}

// trained returns the netlist to write after training: the circuit with
// its trained conductances and a [training] section with the settings
// the run used (but the netlist's workers).
func (s *session) trained() *netlist.Netlist {
	out := *s.nl
	tr := s.training
	tr.Config = s.cfg
	tr.Config.Readout = eqprop.Readout{}
	tr.Config.Workers = 0
	if s.nl.Training != nil {
		tr.Config.Workers = s.nl.Training.Config.Workers
	}
	out.Training = &tr
	return &out
}

// interruptHook, if not nil, is called after every batch with the epoch
// (from 1) and the samples of the epoch done; when it returns true the
// run stops as on SIGINT. Tests set it.
var interruptHook func(epoch, done int) bool

// saveEvery is the least time between two writes of a run's outputs and
// checkpoint at the end of epochs; the last epoch and a stop always write
// them.
var saveEvery = 30 * time.Second

// trainSummary is the last line of eqsim train --json.
type trainSummary struct {
	Epochs           int     `json:"epochs"`
	TrainLoss        float64 `json:"train_loss"`
	TrainError       float64 `json:"train_error"`
	TestLoss         float64 `json:"test_loss"`
	TestError        float64 `json:"test_error"`
	Seconds          float64 `json:"seconds"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	Out              string  `json:"out"`
	Netlist          string  `json:"netlist"`
}

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
receives, after the last epoch, when the run stops, and after other epochs
at most every 30 seconds:

  BASE.toml, BASE.*.npy   the trained netlist and its .npy sidecars
  metrics.csv, .jsonl     one row per epoch: epoch, train_loss, train_error,
                          test_loss, test_error, seconds (wall time since the
                          start), samples_per_second
  curves.png, curves.svg  losses and errors against the epoch
  checkpoint/             the state to resume from

A progress bar shows on stderr when it is a terminal; otherwise one line per
epoch. On SIGINT (Ctrl-C) or SIGTERM the run stops after the current batch,
writes the outputs (the netlist with the conductances of that moment) and
the checkpoint, says how to resume and exits with status 1. A folder that
holds an unfinished run is not overwritten.
--resume DIR continues the run in DIR with the same netlist and settings
(--epochs may be raised) and ends with the same conductances as a run never
interrupted. With --json the last line on stdout is one JSON object with
epochs, train_loss, train_error, test_loss, test_error, seconds,
samples_per_second, out and netlist.`,
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
	base := strings.TrimSuffix(filepath.Base(path), ".toml")
	switch {
	case resume != "" && out != "" && abs(out) != abs(resume):
		return badInput("--out %s and --resume %s: a resumed run writes into the folder it resumes", out, resume)
	case resume != "":
		out = resume
	case out == "":
		out = base + "-run"
	}
	s, err := newSession(path, cmd.Flags(), &f.dataFlags, f)
	if err != nil {
		return err
	}
	if abs(out) == abs(filepath.Dir(path)) {
		return badInput("--out %s is the netlist's own folder: the trained netlist would overwrite it", out)
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	ckDir := filepath.Join(out, checkpointDir)
	set := s.settings()
	ck := &checkpoint{Netlist: abs(path), NetlistSHA256: sum, Settings: set}
	var state *eqprop.State
	if resume != "" {
		old, st, err := readCheckpoint(ckDir)
		if errors.Is(err, errNoCheckpoint) {
			return badInput("--resume %s: no checkpoint there (%v)", resume, err)
		}
		if err != nil {
			return err
		}
		var diffs []string
		if old.NetlistSHA256 != sum {
			diffs = append(diffs, fmt.Sprintf("the netlist %s is not the one the run started from (%s), or it changed", path, old.Netlist))
		}
		diffs = append(diffs, old.Settings.differences(set)...)
		if len(diffs) > 0 {
			return badInput("--resume %s: the run cannot continue with other settings:\n  %s", resume, strings.Join(diffs, "\n  "))
		}
		old.Settings, old.Netlist = set, abs(path)
		ck, state = old, &st
	} else if old, st, err := readCheckpoint(ckDir); err == nil && (st.Batch > 0 || old.Pending != nil || len(old.Rows) < old.Settings.Epochs) {
		return badInput("%s holds an unfinished run (%d of %d epochs): continue it with --resume %s, or choose another --out", out, len(old.Rows), old.Settings.Epochs, out)
	}
	if err := s.load(); err != nil {
		return err
	}
	tr, err := eqprop.NewTrainer(s.net, s.cfg)
	if err != nil {
		return badInput("%s: %v", path, err)
	}
	if state != nil {
		if err := tr.Restore(*state); err != nil {
			return fmt.Errorf("--resume %s: %w", resume, err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	prog := newProgress(stderr, isTerminal(stderr))
	start, before := time.Now(), ck.Seconds
	elapsed := func() float64 { return before + time.Since(start).Seconds() }
	blocks := s.net.Blocks()
	netOut := filepath.Join(out, base+".toml")
	cfg := s.cfg
	n := s.train.Len()
	title := s.nl.Circuit.Title
	if title == "" {
		title = base
	}

	var shapes []string
	for _, b := range blocks {
		shapes = append(shapes, fmt.Sprintf("%s %dx%d", b.Name, b.Rows, b.Cols))
	}
	verb := "training"
	if state != nil {
		verb = fmt.Sprintf("resuming at epoch %d, batch %d:", state.Epoch+1, state.Batch)
	}
	prog.printf("%s %s on %s (%d training, %d test samples): %s; estimator %s, nudge %s, beta %g S, batch %d, %d workers -> %s\n",
		verb, path, s.train.Name, n, s.test.Len(), strings.Join(shapes, ", "), cfg.Estimator, cfg.Nudge, cfg.Beta, cfg.BatchSize, cfg.Workers, out)

	// save writes the checkpoint of the trainer's current state.
	save := func(pending *metricsRow) error {
		ck.Seconds, ck.Pending = elapsed(), pending
		if err := writeCheckpoint(ckDir, ck, tr.State(), blocks); err != nil {
			return fmt.Errorf("writing the checkpoint: %w", err)
		}
		return nil
	}
	// saveAll writes the trained netlist, the metrics, the plots and, last,
	// the checkpoint.
	lastSave, saved := time.Now(), false
	saveAll := func(pending *metricsRow) error {
		if err := netlist.WriteFile(netOut, s.trained()); err != nil {
			return err
		}
		if err := writeMetrics(out, ck.Rows); err != nil {
			return err
		}
		if err := writeCurves(out, title, ck.Rows); err != nil {
			return fmt.Errorf("plotting: %w", err)
		}
		lastSave, saved = time.Now(), true
		return save(pending)
	}
	interrupted := func() error {
		st := tr.State()
		where := fmt.Sprintf("in epoch %d after %d of %d samples", st.Epoch+1, min(st.Batch*cfg.BatchSize, n), n)
		if st.Batch == 0 {
			where = fmt.Sprintf("after epoch %d", st.Epoch)
		}
		return fmt.Errorf("interrupted %s; the checkpoint is in %s. Continue with:\n  %s", where, ckDir, resumeCommand(cmd, path, out))
	}
	// finish tests the network after an epoch and writes the outputs.
	finish := func(row metricsRow) error {
		loss, rate, err := tr.Evaluate(ctx, s.test)
		if err != nil {
			if ctx.Err() != nil {
				if err := saveAll(&row); err != nil {
					return err
				}
				return interrupted()
			}
			return fmt.Errorf("testing after epoch %d: %w", row.Epoch, err)
		}
		row.TestLoss, row.TestError, row.Seconds = loss, rate, elapsed()
		ck.Rows = append(ck.Rows, row)
		// Short epochs would spend most of their time writing files: the
		// outputs are written every saveEvery, after the last epoch and
		// when the run stops.
		if row.Epoch >= cfg.Epochs || time.Since(lastSave) >= saveEvery {
			if err := saveAll(nil); err != nil {
				return err
			}
		}
		prog.printf("epoch %d/%d: train loss %.4g error %.2f%%, test loss %.4g error %.2f%%, %.0f samples/s, %.1f s\n",
			row.Epoch, cfg.Epochs, row.TrainLoss, 100*row.TrainError, row.TestLoss, 100*row.TestError, row.SamplesPerSecond, row.Seconds)
		return nil
	}

	if ck.Pending != nil {
		if err := finish(*ck.Pending); err != nil {
			return err
		}
	}
	for tr.State().Epoch < cfg.Epochs {
		st := tr.State()
		epoch := st.Epoch + 1
		skip := min(st.Batch*cfg.BatchSize, n)
		prog.start(fmt.Sprintf("epoch %d/%d", epoch, cfg.Epochs), n, skip)
		es, err := tr.Epoch(ctx, s.train, func(done, total int) {
			prog.set(done, skip)
			if interruptHook != nil && interruptHook(epoch, done) {
				cancel()
			}
		})
		prog.finish()
		if err != nil {
			if ctx.Err() != nil {
				if err := saveAll(nil); err != nil {
					return err
				}
				return interrupted()
			}
			if serr := save(nil); serr != nil {
				return errors.Join(err, serr)
			}
			return fmt.Errorf("training stopped: %w (the checkpoint before the failed batch is in %s)", err, ckDir)
		}
		row := metricsRow{Epoch: es.Epoch, TrainLoss: es.TrainLoss, TrainError: es.TrainError, SamplesPerSecond: es.SamplesPerSecond, Samples: n - skip}
		if err := finish(row); err != nil {
			return err
		}
	}
	if len(ck.Rows) == 0 {
		return fmt.Errorf("%s: the run has no finished epoch", out)
	}
	if !saved {
		// A resumed run that had nothing left to do: the outputs of the
		// epochs it has.
		if err := saveAll(nil); err != nil {
			return err
		}
	}
	last := ck.Rows[len(ck.Rows)-1]
	res := trainSummary{
		Epochs: len(ck.Rows), TrainLoss: last.TrainLoss, TrainError: last.TrainError,
		TestLoss: last.TestLoss, TestError: last.TestError, Seconds: elapsed(),
		SamplesPerSecond: meanRate(ck.Rows, n), Out: out, Netlist: netOut,
	}
	if jsonOut {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "%d epochs in %.1f s (%.0f samples/s): train error %.2f%%, test error %.2f%% (loss %.4g V^2)\ntrained netlist: %s\n",
		res.Epochs, res.Seconds, res.SamplesPerSecond, 100*res.TrainError, 100*res.TestError, res.TestLoss, netOut)
	return nil
}

// meanRate returns the training samples per second over the epochs of rows
// with n samples each: the total samples over the total time.
func meanRate(rows []metricsRow, n int) float64 {
	var samples, sec float64
	for _, r := range rows {
		if r.SamplesPerSecond > 0 {
			m := float64(n)
			if r.Samples > 0 {
				m = float64(r.Samples)
			}
			samples += m
			sec += m / r.SamplesPerSecond
		}
	}
	if sec == 0 || math.IsInf(samples/sec, 0) {
		return 0
	}
	return samples / sec
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
