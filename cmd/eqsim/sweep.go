package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/progress"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/run"
)

// Files of a sweep's output folder.
const (
	sweepPlanFile = "sweep.json"
	sweepPointDir = "points"
)

// sweepPlan is sweep.json: what a folder's results belong to. Shards of
// one sweep write equal plans but for Shard.
type sweepPlan struct {
	Spec        string      `json:"spec"`
	Base        string      `json:"base"`
	Title       string      `json:"title,omitempty"`
	Fingerprint string      `json:"fingerprint"`
	Mode        string      `json:"mode"`
	Metric      string      `json:"metric"`
	Seeds       []uint64    `json:"seeds"`
	Axes        []sweepAxis `json:"axes"`
	Points      int         `json:"points"`
	Runs        int         `json:"runs"`
}

type sweepAxis struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Values []any  `json:"values"`
	Log    bool   `json:"log,omitempty"`
}

// runResult is one run's file, points/<key>.json: one point with one seed.
type runResult struct {
	Key    string `json:"key"`
	Point  int    `json:"point"`
	Seed   uint64 `json:"seed"`
	Params []any  `json:"params"` // per axis; null for an axis at its base value
	Status string `json:"status"` // "ok" or "failed"
	Error  string `json:"error,omitempty"`
	// The metrics after the last epoch; NaN-free, absent when failed.
	TestError  *float64 `json:"test_error,omitempty"`
	TrainError *float64 `json:"train_error,omitempty"`
	TestLoss   *float64 `json:"test_loss,omitempty"`
	TrainLoss  *float64 `json:"train_loss,omitempty"`
	Epochs     int      `json:"epochs"`
	Seconds    float64  `json:"seconds"`
}

func (r *runResult) metric(name string) (float64, bool) {
	var p *float64
	switch name {
	case "test_error":
		p = r.TestError
	case "train_error":
		p = r.TrainError
	case "test_loss":
		p = r.TestLoss
	case "train_loss":
		p = r.TrainLoss
	}
	if p == nil {
		return 0, false
	}
	return *p, true
}

// sweepTask is one run: a point and a seed.
type sweepTask struct {
	point netlist.SweepPoint
	seed  uint64
	key   string
}

func taskKey(point int, seed uint64) string { return fmt.Sprintf("p%04d-s%d", point, seed) }

func sweepTasks(sw *netlist.Sweep) []sweepTask {
	var ts []sweepTask
	for _, p := range sw.Points() {
		for _, s := range sw.Seeds {
			ts = append(ts, sweepTask{p, s, taskKey(p.Index, s)})
		}
	}
	return ts
}

// sweepHook, if not nil, is called after every finished run with the runs
// finished so far in this invocation; when it returns true the sweep stops
// as on SIGINT. Tests set it.
var sweepHook func(done int) bool

func newSweep(stdout, stderr io.Writer) *cobra.Command {
	var (
		out, shard string
		count      int
		jobs       int
		data       dataFlags
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
			i, n, err := shardOf(shard, count, cmd.Flags().Changed("shard-count"), os.Getenv)
			if err != nil {
				return err
			}
			if jobs < 0 {
				return badInput("--jobs must not be negative")
			}
			if jobs == 0 {
				jobs = runtime.GOMAXPROCS(0)
			}
			return runSweep(args[0], out, i, n, jobs, data.data, stdout, stderr)
		},
	}
	f := c.Flags()
	f.StringVar(&out, "out", "", "output folder [the spec's name with -sweep]")
	f.StringVar(&shard, "shard", "", "run only shard I of N, as I/N with I from 0 [from SLURM or JOB_COMPLETION_INDEX, else 0/1]")
	f.IntVar(&count, "shard-count", 0, "the number of shards of a Kubernetes Indexed Job (its completions); the index comes from JOB_COMPLETION_INDEX")
	f.IntVar(&jobs, "jobs", 0, "runs at a time [the number of CPUs]")
	f.StringVar(&data.data, "data", "", "folder of the data set files (overrides EQSIM_DATA)")
	c.AddCommand(newSweepMerge(stdout, stderr))
	return c
}

// shardOf returns the shard to run: --shard, else SLURM's job array, else
// a Kubernetes Indexed Job's index with --shard-count, else 0 of 1.
func shardOf(flag string, count int, countSet bool, env func(string) string) (i, n int, err error) {
	parse := func(what, is, ns string) (int, int, error) {
		i, err1 := strconv.Atoi(strings.TrimSpace(is))
		n, err2 := strconv.Atoi(strings.TrimSpace(ns))
		if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
			return 0, 0, badInput("%s: want shard I of N with 0 <= I < N, got %q of %q", what, is, ns)
		}
		return i, n, nil
	}
	if countSet && count < 1 {
		return 0, 0, badInput("--shard-count must be positive")
	}
	switch {
	case flag != "":
		is, ns, ok := strings.Cut(flag, "/")
		if !ok {
			return 0, 0, badInput("--shard %q: want I/N, e.g. 0/4", flag)
		}
		return parse("--shard", is, ns)
	case env("SLURM_ARRAY_TASK_ID") != "":
		id, cnt := env("SLURM_ARRAY_TASK_ID"), env("SLURM_ARRAY_TASK_COUNT")
		if cnt == "" {
			return 0, 0, badInput("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		k, err := strconv.Atoi(id)
		if err != nil {
			return 0, 0, badInput("SLURM_ARRAY_TASK_ID %q is not an integer", id)
		}
		// Arrays may start at 1 (--array=1-8): count from the lowest index.
		if m := env("SLURM_ARRAY_TASK_MIN"); m != "" {
			lo, err := strconv.Atoi(m)
			if err != nil {
				return 0, 0, badInput("SLURM_ARRAY_TASK_MIN %q is not an integer", m)
			}
			k -= lo
		}
		return parse("SLURM_ARRAY_TASK_ID", strconv.Itoa(k), cnt)
	case env("JOB_COMPLETION_INDEX") != "":
		if !countSet {
			return 0, 0, badInput("JOB_COMPLETION_INDEX is set: give the number of shards (the Job's completions) with --shard-count")
		}
		return parse("JOB_COMPLETION_INDEX", env("JOB_COMPLETION_INDEX"), strconv.Itoa(count))
	case countSet:
		return 0, 0, badInput("--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or use --shard I/N")
	}
	return 0, 1, nil
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

func runSweep(specPath, out string, shard, shards, jobs int, dataDir string, stdout, stderr io.Writer) error {
	sw, err := netlist.ParseSweepFile(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		return badInput("%v", err)
	}
	if err != nil {
		return inputError{err}
	}
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(specPath), ".toml") + "-sweep"
	}
	baseData, err := os.ReadFile(sw.Base)
	if err != nil {
		return badInput("%s: base netlist: %v", specPath, err)
	}
	base, err := netlist.Parse(baseData, sw.Base)
	if err != nil {
		return inputError{err}
	}
	fp, err := sw.Fingerprint(base, baseData)
	if err != nil {
		return err
	}
	tasks := sweepTasks(sw)
	plan := planOf(sw, fp, len(tasks))

	// Check every point of the shard before any run, so that a bad value
	// deep in the sweep stops it before anything is written.
	var mine []sweepTask
	for k, t := range tasks {
		if k%shards == shard {
			mine = append(mine, t)
		}
	}
	checked := map[int]bool{}
	for _, t := range mine {
		if checked[t.point.Index] {
			continue
		}
		checked[t.point.Index] = true
		nl, err := sw.LoadPoint(baseData, t.point, t.seed)
		if err != nil {
			return inputError{err}
		}
		if _, err := run.NewSession(nl, specPath, run.Overrides{Data: dataDir}); err != nil {
			return fmt.Errorf("%s: point %d (%s): %w", specPath, t.point.Index, sw.Describe(t.point), err)
		}
	}

	if err := openSweepDir(out, plan); err != nil {
		return err
	}
	var todo []sweepTask
	for _, t := range mine {
		if _, err := os.Stat(filepath.Join(out, sweepPointDir, t.key+".json")); err == nil {
			continue
		}
		todo = append(todo, t)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	prog := progress.New(stderr, progress.IsTerminal(stderr), "runs")
	name := fmt.Sprintf("shard %d/%d: ", shard, shards)
	if shards == 1 {
		name = ""
	}
	prog.Printf("sweep %s: %s%d points x %d seeds = %d runs, %d of them here, %d finished before; %d at a time -> %s\n",
		specPath, name, plan.Points, len(sw.Seeds), len(tasks), len(mine), len(mine)-len(todo), jobs, out)
	prog.Start("sweep", len(mine), len(mine)-len(todo))

	cache := &dataCache{}
	var (
		mu     sync.Mutex
		done   int
		runErr error
	)
	work := make(chan sweepTask)
	var wg sync.WaitGroup
	// Fewer runs than jobs: the cores left over go to the runs' workers
	// (a run gives the same result on any number of them).
	par := min(jobs, max(len(todo), 1))
	workers := max(1, runtime.GOMAXPROCS(0)/par)
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				r, err := runPoint(ctx, sw, baseData, t, specPath, dataDir, workers, cache)
				mu.Lock()
				switch {
				case err != nil && ctx.Err() != nil:
					// Interrupted: the run is lost, the others are kept.
				case err != nil:
					if runErr == nil {
						runErr = err
						cancel()
					}
				default:
					if werr := writeJSONFile(filepath.Join(out, sweepPointDir, t.key+".json"), r); werr != nil && runErr == nil {
						runErr = werr
						cancel()
					} else {
						done++
						prog.Set(len(mine)-len(todo)+done, len(mine)-len(todo))
						prog.Printf("%s %s seed %d: %s (%.1f s)\n", t.key, sw.Describe(t.point), t.seed, r.summary(sw.Metric), r.Seconds)
						if sweepHook != nil && sweepHook(done) {
							cancel()
						}
					}
				}
				mu.Unlock()
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
	prog.Finish()
	if runErr != nil {
		return runErr
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted after %d of %d runs of this shard (%d finished in all); the finished runs are in %s. Continue with the same command:\n  %s",
			len(mine)-len(todo)+done, len(mine), len(mine)-len(todo)+done, filepath.Join(out, sweepPointDir), sweepCommand(specPath, out, shard, shards))
	}
	// A folder that holds the whole sweep gets its tables and plots.
	m, err := mergeSweep([]string{out}, out, io.Discard)
	if err != nil {
		return err
	}
	if m.missing > 0 {
		fmt.Fprintf(stdout, "shard %d/%d done: %d runs in %s; %d runs of the sweep are in other shards. Merge the shards' folders with\n  eqsim sweep merge DIR... --out DIR\n",
			shard, shards, len(mine), out, m.missing)
		return nil
	}
	fmt.Fprintf(stdout, "%d runs in %s: %s, %s and plots\n", len(tasks), out, filepath.Join(out, resultsCSV), filepath.Join(out, summaryCSV))
	return nil
}

func sweepCommand(spec, out string, shard, shards int) string {
	c := fmt.Sprintf("eqsim sweep %s --out %s", spec, out)
	if shards > 1 {
		c += fmt.Sprintf(" --shard %d/%d", shard, shards)
	}
	return c
}

func planOf(sw *netlist.Sweep, fp string, runs int) sweepPlan {
	p := sweepPlan{
		Spec: abs(sw.Path), Base: abs(sw.Base), Title: sw.Title, Fingerprint: fp,
		Mode: sw.Mode, Metric: sw.Metric, Seeds: sw.Seeds, Points: len(sw.Points()), Runs: runs,
	}
	for _, a := range sw.Axes {
		p.Axes = append(p.Axes, sweepAxis{a.Name, a.Path, a.Values, a.Log})
	}
	return p
}

// openSweepDir makes out a sweep folder for plan: a new folder gets the
// plan, an old one must hold the same sweep.
func openSweepDir(out string, plan sweepPlan) error {
	old, err := readPlan(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Join(out, sweepPointDir), 0o755); err != nil {
			return err
		}
		return writeJSONFile(filepath.Join(out, sweepPlanFile), plan)
	case err != nil:
		return err
	case old.Fingerprint != plan.Fingerprint:
		return badInput("%s holds the results of another sweep (%s; the spec's axes, seeds, set values or base netlist differ): choose another --out", out, old.Spec)
	}
	if err := os.MkdirAll(filepath.Join(out, sweepPointDir), 0o755); err != nil {
		return err
	}
	a, _ := json.Marshal(old)
	b, _ := json.Marshal(plan)
	if !bytes.Equal(a, b) {
		// The same runs, but the metric or title to report changed.
		return writeJSONFile(filepath.Join(out, sweepPlanFile), plan)
	}
	return nil
}

func readPlan(dir string) (sweepPlan, error) {
	var p sweepPlan
	b, err := os.ReadFile(filepath.Join(dir, sweepPlanFile))
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%s: %w", filepath.Join(dir, sweepPlanFile), err)
	}
	return p, nil
}

func writeJSONFile(path string, v any) error {
	return writeAtomic(path, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(v)
	})
}

// runPoint trains one point with one seed. A run whose training fails
// numerically is a result with status "failed"; err is only for an
// interrupted run or a fault of the machine (a data set missing).
func runPoint(ctx context.Context, sw *netlist.Sweep, baseData []byte, t sweepTask, specPath, dataDir string, workers int, cache *dataCache) (*runResult, error) {
	start := time.Now()
	r := &runResult{Key: t.key, Point: t.point.Index, Seed: t.seed, Params: t.point.Values, Status: "ok"}
	fail := func(err error) (*runResult, error) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.Status, r.Error, r.Seconds = "failed", err.Error(), time.Since(start).Seconds()
		return r, nil
	}
	nl, err := sw.LoadPoint(baseData, t.point, t.seed)
	if err != nil {
		return nil, err
	}
	s, err := run.NewSession(nl, specPath, run.Overrides{Data: dataDir, Workers: &workers})
	if err != nil {
		return nil, err
	}
	if err := s.LoadWith(cache.load); err != nil {
		return nil, err
	}
	sum, err := run.Train(ctx, s, run.Options{})
	var f *run.Failed
	if errors.As(err, &f) {
		r.Epochs = f.Finished()
		return fail(f.Err)
	}
	if err != nil {
		return fail(err)
	}
	r.Epochs = sum.Epochs
	r.TestError, r.TestLoss = &sum.TestError, &sum.TestLoss
	r.TrainError, r.TrainLoss = &sum.TrainError, &sum.TrainLoss
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

func (r *runResult) summary(metric string) string {
	if r.Status != "ok" {
		return "failed: " + r.Error
	}
	v, _ := r.metric(metric)
	return metricString(metric, v)
}

func metricString(metric string, v float64) string {
	if strings.HasSuffix(metric, "_error") {
		return fmt.Sprintf("%s %.2f%%", strings.ReplaceAll(metric, "_", " "), 100*v)
	}
	return fmt.Sprintf("%s %.4g V^2", strings.ReplaceAll(metric, "_", " "), v)
}

// readRuns returns the runs of dir's points folder by key.
func readRuns(dir string) (map[string]*runResult, error) {
	ents, err := os.ReadDir(filepath.Join(dir, sweepPointDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	runs := map[string]*runResult{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, sweepPointDir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var r runResult
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if r.Key+".json" != e.Name() {
			return nil, fmt.Errorf("%s: holds run %q", path, r.Key)
		}
		runs[r.Key] = &r
	}
	return runs, nil
}
