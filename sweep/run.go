package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/run"
)

// Options say where and how a sweep runs.
type Options struct {
	// Out is the output folder [the spec's file name, less .toml, with
	// -sweep, in the current folder].
	Out string
	// Shard is the part of the sweep to run; the zero Shard runs all.
	Shard Shard
	// Jobs is the number of runs at a time [runtime.GOMAXPROCS(0)]. Each
	// run trains on one core, or more when there are fewer runs than
	// cores; results do not depend on it.
	Jobs int
	// Data is the folder of the data set files (run.Overrides.Data).
	Data string
	// Progress shows the progress in runs and a line per finished run;
	// nil shows nothing.
	Progress run.Progress
	// AfterRun, if not nil, is called after every finished run with the
	// number of runs this call has finished.
	AfterRun func(done int)
}

// Outcome is what a call of Run did.
type Outcome struct {
	Plan Plan
	// Out is the output folder.
	Out string
	// Mine is the number of runs of the shard, Before the number of them
	// finished before this call.
	Mine, Before int
	// Missing is the number of runs of the sweep not in Out: those of
	// other shards. When it is 0 the folder holds the whole sweep.
	Missing int
}

// Interrupted is a sweep stopped by its context after Done of the Mine
// runs of its shard; the finished runs are in the points folder of Out,
// and running the sweep again continues it.
type Interrupted struct {
	Done, Mine int
	Out        string
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("interrupted after %d of %d runs of this shard (%d finished in all); the finished runs are in %s",
		e.Done, e.Mine, e.Done, filepath.Join(e.Out, PointDir))
}

// Unwrap returns context.Canceled.
func (e *Interrupted) Unwrap() error { return context.Canceled }

// Run trains the runs of o.Shard of the sweep that are not in o.Out yet,
// each as run.Train does without an output folder, and writes each one's
// Result into o.Out/points as it finishes. A run that fails numerically
// is a Result with status "failed". When the runs are done Run merges the
// folder (Merge): results.csv, summary.csv and the plots.
//
// Run holds the folder o.Out, with an OS lock, from its start to its end:
// a folder that another process holds gives a *safeio.LockedError at
// once. Before anything is written Run checks the netlist of every point
// of the shard; a bad one, like a folder that holds another sweep, gives
// a *run.InputError. A cancelled context stops the runs under way (they
// are lost, the finished ones kept) and gives an *Interrupted.
func Run(ctx context.Context, s *Spec, o Options) (res *Outcome, err error) {
	if o.Out == "" {
		o.Out = strings.TrimSuffix(filepath.Base(s.Path), ".toml") + "-sweep"
	}
	release, err := lockDir(o.Out)
	if err != nil {
		return nil, err
	}
	wrote := false
	defer func() { release(wrote) }()
	if o.Jobs == 0 {
		o.Jobs = runtime.GOMAXPROCS(0)
	}
	if o.Progress == nil {
		o.Progress = run.Silent{}
	}
	baseData, err := safeio.ReadFile(s.Base, safeio.MaxNetlist)
	if err != nil {
		return nil, &run.InputError{Err: fmt.Errorf("%s: base netlist %w", s.Path, err)}
	}
	base, err := netlist.Parse(baseData, s.Base)
	if err != nil {
		return nil, &run.InputError{Err: err}
	}
	fp, err := s.Fingerprint(base, baseData)
	if err != nil {
		return nil, err
	}
	tasks := s.Tasks()
	plan := planOf(s, fp, len(tasks))
	var mine []Task
	for k, t := range tasks {
		if o.Shard.has(k) {
			mine = append(mine, t)
		}
	}
	if err := s.check(baseData, mine, o.Data); err != nil {
		return nil, err
	}
	if err := openDir(o.Out, plan); err != nil {
		return nil, err
	}
	wrote = true
	var todo []Task
	for _, t := range mine {
		if _, err := os.Stat(filepath.Join(o.Out, PointDir, t.Key+".json")); err == nil {
			continue
		}
		todo = append(todo, t)
	}
	res = &Outcome{Plan: plan, Out: o.Out, Mine: len(mine), Before: len(mine) - len(todo)}
	name := "shard " + o.Shard.String() + ": "
	if o.Shard.N <= 1 {
		name = ""
	}
	o.Progress.Printf("sweep %s: %s%d points x %d seeds = %d runs, %d of them here, %d finished before; %d at a time -> %s\n",
		s.Path, name, plan.Points, len(s.Seeds), len(tasks), len(mine), res.Before, o.Jobs, o.Out)
	done, err := s.runAll(ctx, baseData, todo, res.Before, o)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, &Interrupted{Done: res.Before + done, Mine: len(mine), Out: o.Out}
	}
	m, err := merge([]string{o.Out}, o.Out, io.Discard)
	if err != nil {
		return nil, err
	}
	res.Missing = m.Missing
	return res, nil
}

// check checks the netlist of every point of tasks, so that a bad value
// deep in the sweep stops it before anything is written.
func (s *Spec) check(baseData []byte, tasks []Task, data string) error {
	checked := map[int]bool{}
	for _, t := range tasks {
		if checked[t.Point.Index] {
			continue
		}
		checked[t.Point.Index] = true
		nl, err := s.LoadPoint(baseData, t.Point, t.Seed)
		if err != nil {
			return &run.InputError{Err: err}
		}
		if _, err := run.NewSession(nl, s.Path, run.Overrides{Data: data}); err != nil {
			return fmt.Errorf("%s: point %d (%s): %w", s.Path, t.Point.Index, s.Describe(t.Point), err)
		}
	}
	return nil
}

// runAll runs todo, o.Jobs at a time, and writes their results; before
// runs of the shard were finished before. It returns the number of runs
// it finished.
func (s *Spec) runAll(ctx context.Context, baseData []byte, todo []Task, before int, o Options) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o.Progress.Start("sweep", before+len(todo), before)
	defer o.Progress.Finish()
	cache := &dataCache{}
	var (
		mu     sync.Mutex
		done   int
		runErr error
	)
	record := func(t Task, r *Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil && ctx.Err() != nil:
			// Interrupted: the run is lost, the others are kept.
		case err != nil:
			if runErr == nil {
				runErr = err
				cancel()
			}
		default:
			if werr := writeJSON(filepath.Join(o.Out, PointDir, t.Key+".json"), r); werr != nil {
				if runErr == nil {
					runErr = werr
					cancel()
				}
				return
			}
			done++
			o.Progress.Set(before+done, before)
			o.Progress.Printf("%s %s seed %d: %s (%.1f s)\n", t.Key, s.Describe(t.Point), t.Seed, r.Summary(s.Metric), r.Seconds)
			if o.AfterRun != nil {
				o.AfterRun(done)
			}
		}
	}
	work := make(chan Task)
	var wg sync.WaitGroup
	// Fewer runs than jobs: the cores left over go to the runs' workers
	// (a run gives the same result on any number of them).
	par := min(o.Jobs, max(len(todo), 1))
	workers := max(1, runtime.GOMAXPROCS(0)/par)
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				r, err := s.runTask(ctx, baseData, t, o.Data, workers, cache)
				record(t, r, err)
			}
		}()
	}
feed:
	for _, t := range todo {
		select {
		case work <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return done, runErr
}

// runTask trains one point with one seed. A run whose training fails
// numerically is a result with status "failed"; err is only for an
// interrupted run or a fault of the machine (a data set missing).
func (s *Spec) runTask(ctx context.Context, baseData []byte, t Task, data string, workers int, cache *dataCache) (*Result, error) {
	start := time.Now()
	r := &Result{Key: t.Key, Point: t.Point.Index, Seed: t.Seed, Params: t.Point.Values, Status: "ok"}
	nl, err := s.LoadPoint(baseData, t.Point, t.Seed)
	if err != nil {
		return nil, err
	}
	ss, err := run.NewSession(nl, s.Path, run.Overrides{Data: data, Workers: &workers})
	if err != nil {
		return nil, err
	}
	defer ss.Close()
	if err := ss.LoadWith(cache.load); err != nil {
		return nil, err
	}
	sum, err := run.Train(ctx, ss, run.Options{})
	if err != nil {
		var f *run.Failed
		if ctx.Err() != nil || !errors.As(err, &f) {
			return nil, err
		}
		r.Status, r.Error, r.Epochs, r.Seconds = "failed", f.Err.Error(), f.Finished(), time.Since(start).Seconds()
		return r, nil
	}
	r.Epochs = sum.Epochs
	r.TestError, r.TestLoss = &sum.TestError, &sum.TestLoss
	r.TrainError, r.TrainLoss = &sum.TrainError, &sum.TrainLoss
	if sum.MeanPower > 0 {
		r.MeanPower = &sum.MeanPower
	}
	if s.GradCheck > 0 {
		c, err := cosine(ss, s.GradCheck)
		if err != nil {
			r.Status, r.Error = "failed", "gradcheck: "+err.Error()
		} else {
			r.Cosine = &c
		}
	}
	r.EnergyPerSample, r.ChipTimePerSample = &sum.EnergyPerSample, &sum.ChipTimePerSample
	r.EnergyPerInference, r.ChipTimePerInference = &sum.EnergyPerInference, &sum.ChipTimePerInference
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

// cosine returns the cosine between the gradient estimate of the
// session's estimator and the exact gradient on the first samples test
// samples, for the trained network.
func cosine(ss *run.Session, samples int) (float64, error) {
	set := ss.Test
	if set == nil || set.Len() == 0 {
		set = ss.Train
	}
	rep, err := native.GradCheck(ss.Net, set, samples, 0, ss.Config)
	if err != nil {
		return 0, err
	}
	name := ss.Config.WithDefaults().Estimator
	for _, e := range rep.Estimators {
		if e.Name == name {
			if math.IsNaN(e.Cosine) {
				return 0, fmt.Errorf("the exact gradient or the %s estimate is zero", name)
			}
			return e.Cosine, nil
		}
	}
	return 0, fmt.Errorf("no report of estimator %q", name)
}

// dataCache loads each data set spec once for all the runs of a sweep.
type dataCache struct {
	mu   sync.Mutex
	sets map[dataset.Spec]*dataEntry
}

type dataEntry struct {
	once        sync.Once
	train, test *eqprop.Set
	err         error
}

func (c *dataCache) load(spec dataset.Spec) (*eqprop.Set, *eqprop.Set, error) {
	c.mu.Lock()
	if c.sets == nil {
		c.sets = map[dataset.Spec]*dataEntry{}
	}
	e, ok := c.sets[spec]
	if !ok {
		e = &dataEntry{}
		c.sets[spec] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.train, e.test, e.err = dataset.Load(spec) })
	return e.train, e.test, e.err
}
