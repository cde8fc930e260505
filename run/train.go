package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/eqsim/eqsim/audit"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
	"github.com/eqsim/eqsim/internal/safeio"
)

// Progress shows a run's progress: Start, Set and Finish frame an epoch of
// total samples, done of them before Start; Printf writes a log line.
type Progress interface {
	Start(desc string, total, done int)
	Set(done, skip int)
	Finish()
	Printf(format string, args ...any)
}

// Silent is a Progress that shows nothing.
type Silent struct{}

func (Silent) Start(string, int, int) {}
func (Silent) Set(int, int)           {}
func (Silent) Finish()                {}
func (Silent) Printf(string, ...any)  {}

// Options say where a run writes and how it shows its progress.
type Options struct {
	// Out is the output folder; "" writes nothing and tests the network
	// only after the last epoch.
	Out string
	// Resume continues the run whose checkpoint is in Out.
	Resume bool
	// Base names the trained netlist, Out/Base.toml, and its sidecars
	// [the netlist's file name without .toml].
	Base string
	// Progress shows the progress and the log lines; nil shows nothing.
	Progress Progress
	// AfterBatch, if not nil, is called after every batch with the epoch
	// (from 1) and the samples of the epoch done.
	AfterBatch func(epoch, done int)
	// SaveEvery is the most time between two commits of the outputs and
	// the checkpoint within an epoch [30 s]; the end of every epoch, and
	// a stop, commit them too. The curves are drawn at most every
	// SaveEvery, after the last epoch and when the run stops.
	SaveEvery time.Duration
	// Audit, if true, audits the trained network's operating point on
	// the whole test set at the end against the netlist's [limits]
	// (Summary.Audit).
	Audit bool
}

// Summary is the outcome of a finished run: the metrics of its last epoch
// and its mean rate. Its JSON form is the last line of eqsim train --json.
type Summary struct {
	Epochs     int     `json:"epochs"`
	TrainLoss  float64 `json:"train_loss"`
	TrainError float64 `json:"train_error"`
	TestLoss   float64 `json:"test_loss"`
	TestError  float64 `json:"test_error"`
	// MeanPower is the last epoch's mean power per inference in watts
	// (Metrics.MeanPower).
	MeanPower float64 `json:"mean_power"`
	// Seconds is the wall time of the run, across resumes.
	Seconds          float64 `json:"seconds"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	// EnergyPerSample (joules) and ChipTimePerSample (seconds) are the
	// last epoch's (see Metrics).
	EnergyPerSample   float64 `json:"energy_per_sample"`
	ChipTimePerSample float64 `json:"chip_time_per_sample"`
	// EnergyPerInference (joules) and ChipTimePerInference (seconds) are
	// the last epoch's (see Metrics).
	EnergyPerInference   float64 `json:"energy_per_inference"`
	ChipTimePerInference float64 `json:"chip_time_per_inference"`
	// Out and Netlist are the output folder and the trained netlist's
	// file; empty for a run that writes nothing.
	Out     string `json:"out"`
	Netlist string `json:"netlist"`
	// Rows are the metrics of every epoch; only the last is tested in a
	// run that writes nothing.
	Rows []Metrics `json:"-"`
	// Audit is the trained network's operating point on the test set,
	// if Options.Audit asked for it.
	Audit *audit.Report `json:"audit,omitempty"`
}

// Train trains s's network from the trainer's state to s.Config.Epochs
// epochs, loading its data set first if s has none. The Session's network
// ends with the trained conductances. See the package documentation for
// what it writes and its errors.
func Train(ctx context.Context, s *Session, o Options) (*Summary, error) {
	r, err := newRunner(s, o)
	if err != nil {
		return nil, err
	}
	defer r.unlockOut()
	return r.run(ctx)
}

// newRunner applies the defaults of o and, for a run with an output
// folder, takes the folder.
func newRunner(s *Session, o Options) (*runner, error) {
	show := o.Progress != nil || o.AfterBatch != nil
	if o.Progress == nil {
		o.Progress = Silent{}
	}
	if o.SaveEvery == 0 {
		o.SaveEvery = 30 * time.Second
	}
	if o.Base == "" {
		o.Base = strings.TrimSuffix(filepath.Base(s.Path), ".toml")
	}
	if o.Resume && o.Out == "" {
		panic("run: Resume without an output folder")
	}
	r := &runner{s: s, o: o, ck: &Checkpoint{}, show: show}
	if o.Out != "" {
		r.ckDir = filepath.Join(o.Out, CheckpointDir)
		r.netOut = filepath.Join(o.Out, o.Base+".toml")
		if err := r.lockOut(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// run is Train once the folder is taken.
func (r *runner) run(ctx context.Context) (*Summary, error) {
	s := r.s
	state, err := r.open()
	if err != nil {
		return nil, err
	}
	if s.Train == nil {
		if err := s.Load(); err != nil {
			return nil, err
		}
	}
	r.tr, err = eqprop.NewTrainer(s.Physical, s.Config)
	if err != nil {
		return nil, &InputError{fmt.Errorf("%s: %w", s.Path, &Failed{Err: err})}
	}
	if state != nil {
		if err := r.restore(*state); err != nil {
			return nil, &ResumeError{r.o.Out, err}
		}
	}
	r.ctx, r.stop = context.WithCancel(ctx)
	defer r.stop()
	return r.loop(state)
}

// runner is one call of Train.
type runner struct {
	s  *Session
	o  Options
	tr *eqprop.Trainer
	// ck holds the run's metrics, and its checkpoint when it writes one.
	ck            *Checkpoint
	text          metricsText // the metrics files' text
	ckDir, netOut string
	// dir is the output folder, locked; created says the run created it.
	dir     *safeio.DirLock
	created bool
	ctx     context.Context
	// stop stops the epoch under way, after a failed commit (saveErr).
	stop    context.CancelFunc
	saveErr error
	// show is whether the caller watches the batches.
	show bool

	start  time.Time
	before float64 // the wall time of the run before this call
	// lastSave and lastDurable are the times of the last commit and of
	// the last durable one.
	lastSave, lastDurable time.Time
	saved                 bool
}

// open checks the output folder: the checkpoint of a resumed run, with
// its netlist and settings, or no unfinished run in the folder of a new
// one. It returns the state to resume from, if any.
func (r *runner) open() (*eqprop.State, error) {
	if r.o.Out == "" {
		return nil, nil
	}
	path := r.s.Path
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, err
	}
	set := r.s.Settings()
	r.ck = &Checkpoint{Netlist: absPath(path), NetlistSHA256: sum, Settings: set}
	old, st, err := ReadCheckpoint(r.ckDir)
	if !r.o.Resume {
		switch {
		case errors.Is(err, ErrNoCheckpoint):
			return nil, nil
		case err != nil:
			// Refused rather than overwritten: it may be all that is
			// left of a run.
			return nil, fmt.Errorf("%w (choose another folder, or delete %s to start again)", err, r.ckDir)
		case st.Batch > 0 || old.Pending != nil || len(old.Rows) < old.Settings.Epochs:
			return nil, &Unfinished{r.o.Out, len(old.Rows), old.Settings.Epochs}
		}
		return nil, nil
	}
	if errors.Is(err, ErrNoCheckpoint) {
		return nil, &ResumeError{r.o.Out, inputf("no checkpoint there (%w)", err)}
	}
	if err != nil {
		return nil, &ResumeError{r.o.Out, err}
	}
	var diffs []string
	if old.NetlistSHA256 != sum {
		diffs = append(diffs, fmt.Sprintf("the netlist %s is not the one the run started from (%s), or it changed", path, old.Netlist))
	}
	diffs = append(diffs, old.Settings.Differences(set)...)
	if len(diffs) > 0 {
		return nil, &ResumeError{r.o.Out, inputf("checkpoint %s: the run cannot continue with other settings:\n  %s", filepath.Join(r.ckDir, checkpointFile), strings.Join(diffs, "\n  "))}
	}
	old.Settings, old.Netlist = set, absPath(path)
	r.ck = old
	return &st, nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// elapsed returns the wall time of the run, across resumes.
func (r *runner) elapsed() float64 { return r.before + time.Since(r.start).Seconds() }

// loop runs the epochs; state is the state resumed from, or nil.
func (r *runner) loop(state *eqprop.State) (*Summary, error) {
	s, cfg := r.s, r.s.Config
	n := s.Train.Len()
	r.start, r.before, r.lastSave, r.lastDurable = time.Now(), r.ck.Seconds, time.Now(), time.Now()
	r.logStart(state)
	if r.ck.Pending != nil {
		if err := r.finish(*r.ck.Pending); err != nil {
			return nil, err
		}
	}
	for r.tr.State().Epoch < cfg.Epochs {
		st := r.tr.State()
		epoch := st.Epoch + 1
		skip := min(st.Batch*cfg.BatchSize, n)
		var batch func(done, total int)
		if r.show || r.o.Out != "" {
			batch = func(done, total int) {
				if r.show {
					r.o.Progress.Set(done, skip)
				}
				// A long epoch commits every SaveEvery, so that a kill
				// loses no more.
				if r.o.Out != "" && done < total && time.Since(r.lastSave) >= r.o.SaveEvery {
					if err := r.commit(nil, true); err != nil {
						r.saveErr = err
						r.stop()
					}
				}
				if r.o.AfterBatch != nil {
					r.o.AfterBatch(epoch, done)
				}
			}
		}
		r.o.Progress.Start(fmt.Sprintf("epoch %d/%d", epoch, cfg.Epochs), n, skip)
		es, err := r.tr.Epoch(r.ctx, s.Train, batch)
		r.o.Progress.Finish()
		if err != nil {
			return nil, r.stopped(err, epoch)
		}
		row := Metrics{Epoch: es.Epoch, TrainLoss: es.TrainLoss, TrainError: es.TrainError, SamplesPerSecond: es.SamplesPerSecond, Samples: n - skip,
			EnergyPerSample: es.EnergyPerSample, ChipTimePerSample: es.ChipTimePerSample}
		if err := r.finish(row); err != nil {
			return nil, err
		}
	}
	rows := r.ck.Rows
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: the run has no finished epoch", r.o.Out)
	}
	if !r.saved && r.o.Out != "" {
		// A resumed run that had nothing left to do: the outputs of the
		// epochs it has.
		if err := r.commit(nil, true); err != nil {
			return nil, err
		}
	}
	last := rows[len(rows)-1]
	sum := &Summary{
		Epochs: len(rows), TrainLoss: last.TrainLoss, TrainError: last.TrainError,
		TestLoss: last.TestLoss, TestError: last.TestError, MeanPower: last.MeanPower, Seconds: r.elapsed(),
		SamplesPerSecond: meanRate(rows, n), Out: r.o.Out, Netlist: r.netOut, Rows: rows,
		EnergyPerSample: last.EnergyPerSample, ChipTimePerSample: last.ChipTimePerSample,
		EnergyPerInference: last.EnergyPerInference, ChipTimePerInference: last.ChipTimePerInference,
	}
	if r.o.Audit {
		rep, err := AuditSession(r.ctx, s, 0, cfg.Workers)
		if err != nil {
			if r.ctx.Err() != nil {
				return nil, r.interrupted()
			}
			return nil, &Failed{Epoch: last.Epoch, Testing: true, Err: fmt.Errorf("auditing: %w", err)}
		}
		sum.Audit = &rep
	}
	return sum, nil
}

// noteNewtonFrom is the number of free nodes from which a run says that
// its network is not layered.
const noteNewtonFrom = 1000

// logStart writes the line that starts or resumes the run.
func (r *runner) logStart(state *eqprop.State) {
	s, cfg := r.s, r.s.Config
	var shapes []string
	for _, b := range s.Physical.Blocks() {
		shapes = append(shapes, fmt.Sprintf("%s %dx%d", b.Name, b.Rows, b.Cols))
	}
	verb := "training"
	if state != nil {
		verb = fmt.Sprintf("resuming at epoch %d, batch %d:", state.Epoch+1, state.Batch)
	}
	to := ""
	if r.o.Out != "" {
		to = " -> " + r.o.Out
	}
	extra := "" // the schedule, the augmentation and the regularisers
	if cfg.LRDecay != 1 {
		extra = fmt.Sprintf(", learning rates x%g an epoch", cfg.LRDecay)
	}
	if cfg.Shift > 0 {
		extra += fmt.Sprintf(", images moved up to %d px", cfg.Shift)
	}
	if cfg.Flip {
		extra += ", images mirrored at random"
	}
	if cfg.InputDropout > 0 {
		extra += fmt.Sprintf(", input dropout %g", cfg.InputDropout)
	}
	if cfg.WeightDecay > 0 {
		extra += fmt.Sprintf(", weight decay %g V^2/S^2", cfg.WeightDecay)
	}
	if c := s.Training.InputOffset; c != 0 {
		extra += fmt.Sprintf(", features less %g", c)
	}
	if s.Training.InputMean {
		extra += ", features less their means"
	}
	r.o.Progress.Printf("%s %s on %s (%d training, %d test samples): %s; estimator %s, nudge %s, beta %g S, batch %d%s, %d workers%s\n",
		verb, s.Path, s.Train.Name, s.Train.Len(), s.Test.Len(), strings.Join(shapes, ", "), cfg.Estimator, cfg.Nudge, cfg.Beta, cfg.BatchSize, extra, cfg.Workers, to)
	if n, ok := s.Physical.(*native.Network); ok {
		// A large network that misses the fast path by one connection
		// is tens of times slower (a bias group in a crossbar side with
		// hidden nodes, 36 times on 784-1024-10); say why rather than
		// leave it a mystery. Small networks solve fast either way.
		if why := n.Layered(); why != nil {
			if sys, _ := n.System(); sys.NumFree() >= noteNewtonFrom {
				r.o.Progress.Printf("note: every phase is solved by Newton's method, not the layered fast path, which is far faster on a network this large: %v\n", why)
			}
		}
	}
}

// finish tests the network after an epoch, records the epoch's row and
// commits the outputs and the checkpoint. A run that writes nothing tests
// only after its last epoch.
func (r *runner) finish(row Metrics) error {
	cfg := r.s.Config
	last := row.Epoch >= cfg.Epochs
	if r.o.Out == "" && !last {
		row.Seconds = r.elapsed()
		r.ck.Rows = append(r.ck.Rows, row)
		r.o.Progress.Printf("epoch %d/%d: train loss %.4g error %.2f%%, %.0f samples/s, %.1f s\n",
			row.Epoch, cfg.Epochs, row.TrainLoss, 100*row.TrainError, row.SamplesPerSecond, row.Seconds)
		return nil
	}
	ev, err := r.tr.EvaluateSet(r.ctx, r.s.Test)
	loss, rate := ev.Loss, ev.Error
	if err != nil {
		if r.ctx.Err() != nil {
			if err := r.saveAll(&row); err != nil {
				return err
			}
			return r.interrupted()
		}
		return &Failed{Epoch: row.Epoch, Testing: true, Err: err}
	}
	row.TestLoss, row.TestError, row.Seconds = loss, rate, r.elapsed()
	row.EnergyPerInference, row.ChipTimePerInference = ev.EnergyPerInference, ev.ChipTimePerInference
	if !math.IsNaN(ev.MeanPower) {
		row.MeanPower = ev.MeanPower
	}
	r.ck.Rows = append(r.ck.Rows, row)
	// Every epoch is committed, so that a kill loses at most one, and
	// durably, with the curves, every SaveEvery and after the last.
	if r.o.Out != "" {
		if err := r.commit(nil, last || time.Since(r.lastDurable) >= r.o.SaveEvery); err != nil {
			return err
		}
	}
	r.o.Progress.Printf("epoch %d/%d: train loss %.4g error %.2f%%, test loss %.4g error %.2f%%, %.0f samples/s, %.1f s\n",
		row.Epoch, cfg.Epochs, row.TrainLoss, 100*row.TrainError, row.TestLoss, 100*row.TestError, row.SamplesPerSecond, row.Seconds)
	return nil
}

// stopped returns the error of an epoch that stopped with err, interrupted
// or failed, after committing what the run writes.
func (r *runner) stopped(err error, epoch int) error {
	if r.saveErr != nil {
		return r.saveErr
	}
	if r.ctx.Err() != nil {
		if err := r.saveAll(nil); err != nil {
			return err
		}
		return r.interrupted()
	}
	f := &Failed{Epoch: epoch, Err: err}
	if r.o.Out != "" {
		if serr := r.saveAll(nil); serr != nil {
			return errors.Join(err, serr)
		}
		f.Checkpoint = r.ckDir
	}
	return f
}

func (r *runner) interrupted() error {
	st, n := r.tr.State(), r.s.Train.Len()
	return &Interrupted{Epoch: st.Epoch, Done: min(st.Batch*r.s.Config.BatchSize, n), Total: n, Checkpoint: r.ckDir}
}

// saveAll commits the outputs, the curves and the checkpoint of a run that
// stops; nothing for a run without an output folder. pending is the row
// of an epoch whose test was interrupted.
func (r *runner) saveAll(pending *Metrics) error {
	if r.o.Out == "" {
		return nil
	}
	return r.commit(pending, true)
}
