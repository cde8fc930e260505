package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/netlist"
)

// Metrics are the metrics a sweep can report: the errors are fractions
// of misclassified samples and the losses mean squared output errors in
// V^2, after the last epoch; mean_power is the mean power per inference
// on the test set (W); energy_per_sample (joules) and
// chip_time_per_sample (seconds) are what a training sample of the last
// epoch cost on the chip (see [training.dynamics]), energy_per_inference
// and chip_time_per_inference what the free phase of a test sample cost.
var Metrics = []string{"test_error", "train_error", "test_loss", "train_loss", "mean_power", "energy_per_sample", "chip_time_per_sample",
	"energy_per_inference", "chip_time_per_inference"}

// Cosine is the metric of a sweep with gradcheck: after training, the
// cosine between the training estimator's gradient estimate (measured as
// training measures it) and the exact gradient (native.GradCheck), summed
// over the first gradcheck test samples.
const Cosine = "cosine"

// Sweep modes: "grid" runs every combination of the axes' values; "each"
// runs the base netlist once and then each value of each axis alone, the
// other parameters at their base values.
const (
	Grid = "grid"
	Each = "each"
)

// Spec is a parsed sweep spec: a base netlist, parameters to set on every
// point, the axes to vary and the seeds to repeat each point with.
//
// A spec is a TOML file:
//
//	title = "device requirements"    # optional
//	base = "mnist-kendall.toml"      # the netlist, relative to the spec
//	metric = "test_error"            # what the plots show [test_error]
//	# or a list: metric = ["test_error", "energy_per_sample"], plotted
//	# each, and on one page together (the first is summary.csv's)
//	mode = "each"                    # "grid" (every combination) or "each" [grid]
//	seeds = [1, 2]                   # [training] seed of each repeat [[1]]
//	gradcheck = 10                   # samples of the cosine metric after training [0: none]
//
//	[set]                            # values set on every point (an axis overrides)
//	"training.epochs" = 2
//	"training.subset" = 10000
//
//	[[axis]]
//	path = "training.device.levels"  # the netlist key the axis sets
//	name = "levels"                  # its column in results.csv [the path's last key]
//	values = [64, 16, 4]             # a list of values, or a grid:
//	# from = 2, to = 64, count = 6, scale = "log"   (scale also sets the plots' x scale)
//
// A path is a dotted list of TOML keys into the netlist, as
// netlist.Override describes: "crossbar[W1].wire_r" is key wire_r of the
// [[crossbar]] named W1, "amplifier[*].offset" key offset of every
// [[amplifier]], and tables that do not exist are created.
type Spec struct {
	// Path is the spec's file.
	Path string
	// Title is free text.
	Title string
	// Base is the base netlist's path, joined to the spec's directory.
	Base string
	// Metric is one of Metrics, or Cosine with GradCheck.
	Metric string
	// GradCheck is the number of test samples of the cosine metric
	// (Cosine), 0 for none.
	GradCheck int
	// Also are more Metrics to plot beside Metric, each on its own and
	// all together on one page; nil for none.
	Also []string
	// Mode is Grid or Each.
	Mode string
	// Seeds are the values of [training] seed each point runs with.
	Seeds []uint64
	// Set are the values set on every point, in path order.
	Set []netlist.Override
	// Axes are the varied parameters in file order.
	Axes []Axis
}

// Axis is one varied parameter.
type Axis struct {
	// Name is the axis's column name in results.
	Name string
	// Path is the netlist key the axis sets.
	Path string
	// Values are the values in order.
	Values []any
	// Log asks for a logarithmic x axis in plots.
	Log bool
}

// Point is one combination of parameter values.
type Point struct {
	// Index numbers the point from 0 in the order of Spec.Points.
	Index int
	// Values has one entry per axis: the axis's value at this point, or nil
	// for an axis left at its base value (mode "each").
	Values []any
}

// Overrides returns the keys the point sets on the base netlist: the
// spec's Set, then the axes' values, which win over Set.
func (s *Spec) Overrides(p Point) []netlist.Override {
	ov := append([]netlist.Override(nil), s.Set...)
	for k, v := range p.Values {
		if v != nil {
			ov = append(ov, netlist.Override{Path: s.Axes[k].Path, Value: v})
		}
	}
	return ov
}

// Points returns the sweep's points. In grid mode the first axis varies
// slowest; in each mode the first point is the base netlist.
func (s *Spec) Points() []Point {
	var pts []Point
	add := func(v []any) { pts = append(pts, Point{Index: len(pts), Values: v}) }
	if s.Mode == Each {
		add(make([]any, len(s.Axes)))
		for k, a := range s.Axes {
			for _, x := range a.Values {
				v := make([]any, len(s.Axes))
				v[k] = x
				add(v)
			}
		}
		return pts
	}
	idx := make([]int, len(s.Axes))
	for {
		v := make([]any, len(s.Axes))
		for k, i := range idx {
			v[k] = s.Axes[k].Values[i]
		}
		add(v)
		k := len(idx) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < len(s.Axes[k].Values) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return pts
		}
	}
}

// FormatValue formats a sweep value for file names, tables and labels.
func FormatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// NumericValue returns a sweep value as a number (strings with SPICE
// suffixes parsed, booleans as 0 and 1) and whether it has one.
func NumericValue(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case string:
		x, err := netlist.ParseValue(v)
		return x, err == nil
	}
	return 0, false
}

// LoadPoint parses the base netlist with the point's overrides and the
// given [training] seed applied. Errors name the spec and the point; the
// netlist's own line numbers are dropped, since an overridden value is not
// on the line of the key it replaced.
func (s *Spec) LoadPoint(base []byte, p Point, seed uint64) (*netlist.Netlist, error) {
	ov := append(s.Overrides(p), netlist.Override{Path: "training.seed", Value: int64(seed)})
	nl, err := netlist.ParseOverridden(base, s.Base, ov)
	if err == nil {
		return nl, nil
	}
	var ne *netlist.Error
	if errors.As(err, &ne) {
		e := *ne
		e.Line = 0
		err = &e
	}
	return nil, fmt.Errorf("%s: point %d (%s): %w", s.Path, p.Index, s.Describe(p), err)
}

// Describe returns "name=value" for the axes a point sets, or "base".
func (s *Spec) Describe(p Point) string {
	var parts []string
	for k, v := range p.Values {
		if v != nil {
			parts = append(parts, s.Axes[k].Name+"="+FormatValue(v))
		}
	}
	if len(parts) == 0 {
		return "base"
	}
	return strings.Join(parts, " ")
}

// Fingerprint returns a hash of everything a sweep's results depend on: the
// base netlist's bytes, the sidecar .npy files it reads, and the plan
// (metric aside). Shards of one sweep have the same fingerprint; a changed
// spec or base netlist changes it.
func (s *Spec) Fingerprint(base *netlist.Netlist, baseData []byte) (string, error) {
	h := sha256.New()
	h.Write(baseData)
	for _, sc := range base.Sidecars {
		b, err := safeio.ReadFile(sc, safeio.MaxNpy)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "\x00%s\x00", filepath.Base(sc))
		h.Write(b)
	}
	fmt.Fprintf(h, "\x00mode=%s seeds=%v\n", s.Mode, s.Seeds)
	if s.GradCheck > 0 {
		fmt.Fprintf(h, "gradcheck=%d\n", s.GradCheck)
	}
	for _, o := range s.Set {
		fmt.Fprintf(h, "set %s=%T:%s\n", o.Path, o.Value, FormatValue(o.Value))
	}
	for _, a := range s.Axes {
		fmt.Fprintf(h, "axis %s %s", a.Name, a.Path)
		for _, v := range a.Values {
			fmt.Fprintf(h, " %T:%s", v, FormatValue(v))
		}
		h.Write([]byte("\n"))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
