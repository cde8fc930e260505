package sweep

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/internal/atomicfile"
	"github.com/eqsim/eqsim/run"
)

// Merged is the outcome of a merge: the runs it found (Failed of them
// failed) and the runs of the plan missing from every folder.
type Merged struct {
	Plan                  Plan
	Runs, Failed, Missing int
}

// Merge merges the runs of the sweep folders dirs, shards of one sweep,
// into the folder out: results.csv (one row per point and seed: the point,
// the seed, each axis's value, the status, the metrics, the epochs, the
// wall time in seconds and the error of a failed run), summary.csv (per
// point: the runs, the failed runs, and the mean and standard deviation
// of the plan's metric over the seeds) and the plots: the metric against
// each axis with error bars over the seeds, all axes on one page, and a
// heatmap when the sweep is a grid of two axes. Warnings about missing and
// failed runs go to logw. Folders that are not sweep folders, or hold
// different sweeps, give a *run.InputError. Merge holds out, with an OS
// lock, while it writes: a folder that another process holds (a sweep
// under way) gives a *safeio.LockedError at once.
func Merge(dirs []string, out string, logw io.Writer) (m Merged, err error) {
	release, err := lockDir(out)
	if err != nil {
		return m, err
	}
	defer func() { release(err == nil) }()
	return merge(dirs, out, logw)
}

// merge is Merge into a folder the caller holds.
func merge(dirs []string, out string, logw io.Writer) (Merged, error) {
	var m Merged
	runs := map[string]*Result{}
	from := map[string]string{}
	for k, d := range dirs {
		p, err := ReadPlan(d)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return m, &run.InputError{Err: fmt.Errorf("%s is not a sweep folder (no %s)", d, PlanFile)}
			}
			return m, err
		}
		if k == 0 {
			m.Plan = p
		} else if p.Fingerprint != m.Plan.Fingerprint {
			return m, &run.InputError{Err: fmt.Errorf("%s and %s hold different sweeps (%s and %s)", dirs[0], d, m.Plan.Spec, p.Spec)}
		}
		rs, err := ReadRuns(d)
		if err != nil {
			return m, err
		}
		for key, r := range rs {
			if old, ok := runs[key]; ok {
				if !sameOutcome(old, r) {
					return m, fmt.Errorf("run %s is in %s and %s with different results", key, from[key], d)
				}
				continue
			}
			runs[key], from[key] = r, d
		}
	}
	plan := m.Plan
	var list []*Result
	for _, key := range slices.Sorted(maps.Keys(runs)) {
		r := runs[key]
		if r.Point < 0 || r.Point >= plan.Points || len(r.Params) != len(plan.Axes) {
			return m, fmt.Errorf("%s: run %s does not belong to the sweep's %d points", from[key], key, plan.Points)
		}
		list = append(list, r)
		if r.Status != "ok" {
			m.Failed++
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Point != list[j].Point {
			return list[i].Point < list[j].Point
		}
		return list[i].Seed < list[j].Seed
	})
	m.Runs = len(list)
	m.Missing = plan.Runs - len(list)
	if m.Missing > 0 {
		fmt.Fprintf(logw, "warning: %d of %d runs are missing (not finished, or in a shard not given)\n", m.Missing, plan.Runs)
	}
	if m.Failed > 0 {
		fmt.Fprintf(logw, "warning: %d runs failed; results.csv says why\n", m.Failed)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return m, err
	}
	if err := writeResults(filepath.Join(out, ResultsCSV), plan, list); err != nil {
		return m, err
	}
	var pts [][]*pointStats // per metric of the plan
	for _, metric := range plan.metrics() {
		pts = append(pts, summarize(metric, list))
	}
	if err := writeSummary(filepath.Join(out, SummaryCSV), plan, pts); err != nil {
		return m, err
	}
	if err := writePlots(out, plan, pts); err != nil {
		return m, fmt.Errorf("plotting: %w", err)
	}
	return m, nil
}

// sameOutcome reports whether two files of one run agree but for the wall
// time.
func sameOutcome(a, b *Result) bool {
	x, y := *a, *b
	x.Seconds, y.Seconds = 0, 0
	return reflect.DeepEqual(x, y)
}

func csvFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

func writeResults(path string, plan Plan, runs []*Result) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		c := csv.NewWriter(w)
		head := []string{"point", "seed"}
		for _, a := range plan.Axes {
			head = append(head, a.Name)
		}
		head = append(head, "status")
		head = append(head, Metrics...)
		if plan.GradCheck > 0 {
			head = append(head, Cosine)
		}
		head = append(head, "epochs", "seconds", "error")
		if err := c.Write(head); err != nil {
			return err
		}
		for _, r := range runs {
			row := []string{strconv.Itoa(r.Point), strconv.FormatUint(r.Seed, 10)}
			for _, v := range r.Params {
				row = append(row, FormatValue(jsonValue(v)))
			}
			row = append(row, r.Status, csvFloat(r.TestError), csvFloat(r.TrainError), csvFloat(r.TestLoss), csvFloat(r.TrainLoss), csvFloat(r.MeanPower),
				csvFloat(r.EnergyPerSample), csvFloat(r.ChipTimePerSample), csvFloat(r.EnergyPerInference), csvFloat(r.ChipTimePerInference))
			if plan.GradCheck > 0 {
				row = append(row, csvFloat(r.Cosine))
			}
			row = append(row, strconv.Itoa(r.Epochs), strconv.FormatFloat(r.Seconds, 'f', 2, 64), r.Error)
			if err := c.Write(row); err != nil {
				return err
			}
		}
		c.Flush()
		return c.Error()
	})
}

// jsonValue turns a value read back from JSON into the TOML types of
// netlist values: whole numbers stay integers.
func jsonValue(v any) any {
	if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return v
}

// pointStats is a point's metric over its seeds.
type pointStats struct {
	point     int
	params    []any   // per axis, nil at the base value
	n, failed int     // runs with the metric, runs without
	mean, std float64 // of the plan's metric over the runs that finished
	values    []float64
}

func summarize(metric string, runs []*Result) []*pointStats {
	byPoint := map[int]*pointStats{}
	var pts []*pointStats
	for _, r := range runs {
		p, ok := byPoint[r.Point]
		if !ok {
			p = &pointStats{point: r.Point, params: r.Params}
			byPoint[r.Point] = p
			pts = append(pts, p)
		}
		v, ok := r.Metric(metric)
		if r.Status != "ok" || !ok {
			p.failed++
			continue
		}
		p.values = append(p.values, v)
	}
	for _, p := range pts {
		p.n = len(p.values)
		p.mean, p.std = meanStd(p.values)
	}
	return pts
}

// meanStd returns the mean and the sample standard deviation (0 for one
// value).
func meanStd(x []float64) (mean, std float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)-1))
}

// writeSummary writes summary.csv: per point, the runs and failed runs of
// the plan's metric and the mean and standard deviation of each of the
// plan's metrics (pts holds the points' statistics per metric).
func writeSummary(path string, plan Plan, pts [][]*pointStats) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		c := csv.NewWriter(w)
		head := []string{"point"}
		for _, a := range plan.Axes {
			head = append(head, a.Name)
		}
		head = append(head, "runs", "failed")
		for _, m := range plan.metrics() {
			head = append(head, m+"_mean", m+"_std")
		}
		if err := c.Write(head); err != nil {
			return err
		}
		for i, p := range pts[0] {
			row := []string{strconv.Itoa(p.point)}
			for _, v := range p.params {
				row = append(row, FormatValue(jsonValue(v)))
			}
			row = append(row, strconv.Itoa(p.n), strconv.Itoa(p.failed))
			for _, mp := range pts {
				mean, std := "", ""
				if q := mp[i]; q.n > 0 {
					mean, std = strconv.FormatFloat(q.mean, 'g', 6, 64), strconv.FormatFloat(q.std, 'g', 6, 64)
				}
				row = append(row, mean, std)
			}
			if err := c.Write(row); err != nil {
				return err
			}
		}
		c.Flush()
		return c.Error()
	})
}

// axisLabel is an axis's name with its path when they differ.
func axisLabel(a PlanAxis) string {
	if strings.HasSuffix(a.Path, a.Name) {
		return a.Path
	}
	return fmt.Sprintf("%s (%s)", a.Name, a.Path)
}
