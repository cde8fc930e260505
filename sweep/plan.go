package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eqsim/eqsim/internal/atomicfile"
	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/run"
)

// Files of a sweep's output folder.
const (
	// PlanFile is the plan of the sweep whose runs the folder holds.
	PlanFile = "sweep.json"
	// PointDir holds one file per finished run, KEY.json (see Key).
	PointDir = "points"
	// ResultsCSV and SummaryCSV are the tables of a merged sweep.
	ResultsCSV = "results.csv"
	SummaryCSV = "summary.csv"
)

// ErrOtherSweep says that an output folder holds the runs of another
// sweep: another spec, base netlist, seeds or set values.
var ErrOtherSweep = errors.New("another sweep")

// Plan is sweep.json: what a folder's results belong to. Shards of one
// sweep write equal plans.
type Plan struct {
	Spec        string     `json:"spec"`
	Base        string     `json:"base"`
	Title       string     `json:"title,omitempty"`
	Fingerprint string     `json:"fingerprint"`
	Mode        string     `json:"mode"`
	Metric      string     `json:"metric"`
	GradCheck   int        `json:"gradcheck,omitempty"`
	Also        []string   `json:"also,omitempty"`
	Seeds       []uint64   `json:"seeds"`
	Axes        []PlanAxis `json:"axes"`
	Points      int        `json:"points"`
	Runs        int        `json:"runs"`
}

// PlanAxis is an axis of a Plan.
type PlanAxis struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Values []any  `json:"values"`
	Log    bool   `json:"log,omitempty"`
}

// Result is one run's file, points/KEY.json: one point with one seed.
type Result struct {
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
	// MeanPower is the mean power per inference on the test set, W.
	MeanPower *float64 `json:"mean_power,omitempty"`
	// Energy (J) and chip time (s) per training sample of the last epoch.
	EnergyPerSample   *float64 `json:"energy_per_sample,omitempty"`
	ChipTimePerSample *float64 `json:"chip_time_per_sample,omitempty"`
	// Energy (J) and chip time (s) per inference on the test set after
	// the last epoch; absent in the files of sweeps from before they were
	// measured.
	EnergyPerInference   *float64 `json:"energy_per_inference,omitempty"`
	ChipTimePerInference *float64 `json:"chip_time_per_inference,omitempty"`
	// Cosine is the cosine metric of a sweep with gradcheck.
	Cosine  *float64 `json:"cosine,omitempty"`
	Epochs  int      `json:"epochs"`
	Seconds float64  `json:"seconds"`
}

// Metric returns the metric of r named name (one of Metrics), if r has
// it.
func (r *Result) Metric(name string) (float64, bool) {
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
	case "mean_power":
		p = r.MeanPower
	case Cosine:
		p = r.Cosine
	case "energy_per_sample":
		p = r.EnergyPerSample
	case "chip_time_per_sample":
		p = r.ChipTimePerSample
	case "energy_per_inference":
		p = r.EnergyPerInference
	case "chip_time_per_inference":
		p = r.ChipTimePerInference
	}
	if p == nil {
		return 0, false
	}
	return *p, true
}

// Summary returns the metric of r, as "test error 2.50%", or why it
// failed.
func (r *Result) Summary(metric string) string {
	if r.Status != "ok" {
		return "failed: " + r.Error
	}
	v, _ := r.Metric(metric)
	if strings.HasSuffix(metric, "_error") {
		return fmt.Sprintf("%s %.2f%%", strings.ReplaceAll(metric, "_", " "), 100*v)
	}
	return fmt.Sprintf("%s %.4g %s", strings.ReplaceAll(metric, "_", " "), v, metricUnit(metric))
}

// Task is one run of a sweep: a point and a seed.
type Task struct {
	Point Point
	Seed  uint64
	Key   string
}

// Key names the run of point with seed: its file is points/KEY.json.
func Key(point int, seed uint64) string { return fmt.Sprintf("p%04d-s%d", point, seed) }

// Tasks returns the runs of the sweep, point by point, seeds in order.
func (s *Spec) Tasks() []Task {
	var ts []Task
	for _, p := range s.Points() {
		for _, seed := range s.Seeds {
			ts = append(ts, Task{p, seed, Key(p.Index, seed)})
		}
	}
	return ts
}

// planOf returns the plan of the sweep with fingerprint fp.
func planOf(s *Spec, fp string, runs int) Plan {
	p := Plan{
		Spec: absPath(s.Path), Base: absPath(s.Base), Title: s.Title, Fingerprint: fp,
		Mode: s.Mode, Metric: s.Metric, Also: s.Also, GradCheck: s.GradCheck, Seeds: s.Seeds, Points: len(s.Points()), Runs: runs,
	}
	for _, a := range s.Axes {
		p.Axes = append(p.Axes, PlanAxis{a.Name, a.Path, a.Values, a.Log})
	}
	return p
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// openDir makes out a sweep folder for plan: a new folder gets the plan,
// an old one must hold the same sweep.
func openDir(out string, plan Plan) error {
	old, err := ReadPlan(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Join(out, PointDir), 0o755); err != nil {
			return err
		}
		return writeJSON(filepath.Join(out, PlanFile), plan)
	case err != nil:
		return err
	case old.Fingerprint != plan.Fingerprint:
		return &run.InputError{Err: fmt.Errorf("%s holds the results of %w (%s; the spec's axes, seeds, set values or base netlist differ)", out, ErrOtherSweep, old.Spec)}
	}
	if err := os.MkdirAll(filepath.Join(out, PointDir), 0o755); err != nil {
		return err
	}
	a, _ := json.Marshal(old)
	b, _ := json.Marshal(plan)
	if !bytes.Equal(a, b) {
		// The same runs, but the metric or title to report changed.
		return writeJSON(filepath.Join(out, PlanFile), plan)
	}
	return nil
}

// ReadPlan reads the plan of the sweep folder dir.
func ReadPlan(dir string) (Plan, error) {
	var p Plan
	b, err := safeio.ReadFile(filepath.Join(dir, PlanFile), safeio.MaxState)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%s: %w", filepath.Join(dir, PlanFile), err)
	}
	return p, nil
}

func writeJSON(path string, v any) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(v)
	})
}

// ReadRuns returns the runs of the points folder of dir by key.
func ReadRuns(dir string) (map[string]*Result, error) {
	ents, err := os.ReadDir(filepath.Join(dir, PointDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	runs := map[string]*Result{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, PointDir, e.Name())
		b, err := safeio.ReadFile(path, safeio.MaxState)
		if err != nil {
			return nil, err
		}
		var r Result
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

// metricUnit returns the unit of a metric that is not an error rate.
func metricUnit(metric string) string {
	switch metric {
	case "mean_power":
		return "W"
	case "energy_per_sample", "energy_per_inference":
		return "J"
	case "chip_time_per_sample", "chip_time_per_inference":
		return "s"
	}
	return "V^2"
}

// metrics returns the plan's metrics: Metric, then Also, then Cosine
// with gradcheck if neither names it (its plots beside the metric's).
func (p Plan) metrics() []string {
	ms := append([]string{p.Metric}, p.Also...)
	if p.GradCheck > 0 && !slices.Contains(ms, Cosine) {
		ms = append(ms, Cosine)
	}
	return ms
}
