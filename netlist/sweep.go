package netlist

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// SweepMetrics are the metrics a sweep can report: the errors are fractions
// of misclassified samples and the losses mean squared output errors in
// V^2, after the last epoch.
var SweepMetrics = []string{"test_error", "train_error", "test_loss", "train_loss"}

// Sweep modes: "grid" runs every combination of the axes' values; "each"
// runs the base netlist once and then each value of each axis alone, the
// other parameters at their base values.
const (
	SweepGrid = "grid"
	SweepEach = "each"
)

// Sweep is a parsed sweep spec: a base netlist, parameters to set on every
// point, the axes to vary and the seeds to repeat each point with.
//
// A spec is a TOML file:
//
//	title = "device requirements"    # optional
//	base = "mnist-kendall.toml"      # the netlist, relative to the spec
//	metric = "test_error"            # what the plots show [test_error]
//	mode = "each"                    # "grid" (every combination) or "each" [grid]
//	seeds = [1, 2]                   # [training] seed of each repeat [[1]]
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
// A path is a dotted list of TOML keys into the netlist. An array of
// tables is indexed by element name: "crossbar[W1].wire_r" is key wire_r
// of the [[crossbar]] named W1, and "amplifier[*].offset" key offset of
// every [[amplifier]]. Tables that do not exist are created, so
// "training.device.levels" works on a netlist without [training.device].
type Sweep struct {
	// Path is the spec's file.
	Path string
	// Title is free text.
	Title string
	// Base is the base netlist's path, joined to the spec's directory.
	Base string
	// Metric is one of SweepMetrics.
	Metric string
	// Mode is SweepGrid or SweepEach.
	Mode string
	// Seeds are the values of [training] seed each point runs with.
	Seeds []uint64
	// Set are the values set on every point, in path order.
	Set []Override
	// Axes are the varied parameters in file order.
	Axes []Axis
}

// Override sets the netlist key at Path to Value (a TOML value: int64,
// float64, string or bool).
type Override struct {
	Path  string
	Value any
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

// SweepPoint is one combination of parameter values.
type SweepPoint struct {
	// Index numbers the point from 0 in the order of Sweep.Points.
	Index int
	// Values has one entry per axis: the axis's value at this point, or nil
	// for an axis left at its base value (mode "each").
	Values []any
}

// Overrides returns the keys the point sets on the base netlist: the
// spec's Set, then the axes' values, which win over Set.
func (s *Sweep) Overrides(p SweepPoint) []Override {
	ov := append([]Override(nil), s.Set...)
	for k, v := range p.Values {
		if v != nil {
			ov = append(ov, Override{s.Axes[k].Path, v})
		}
	}
	return ov
}

// Points returns the sweep's points. In grid mode the first axis varies
// slowest; in each mode the first point is the base netlist.
func (s *Sweep) Points() []SweepPoint {
	var pts []SweepPoint
	add := func(v []any) { pts = append(pts, SweepPoint{Index: len(pts), Values: v}) }
	if s.Mode == SweepEach {
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
		x, err := ParseValue(v)
		return x, err == nil
	}
	return 0, false
}

var sweepKeys = []string{"title", "base", "metric", "mode", "seeds", "set", "axis"}
var axisKeys = []string{"path", "name", "values", "from", "to", "count", "scale"}

// ParseSweepFile reads and checks the sweep spec at path. The base
// netlist must exist and parse; each point's netlist is checked by
// LoadPoint. Errors name the spec's file and line.
func ParseSweepFile(path string) (*Sweep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSweep(data, path)
}

// ParseSweep parses a sweep spec from data; path locates the base netlist
// and names the spec in errors.
func ParseSweep(data []byte, path string) (s *Sweep, err error) {
	defer catch(&err)
	p := &parser{file: path, dir: filepath.Dir(path)}
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: path, Line: pe.Position.Line, Msg: "TOML syntax: " + pe.Message}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	p.loc = locate(data)
	top := &table{p: p, m: root, kind: "sweep"}
	top.checkKeys(sweepKeys)
	s = &Sweep{Path: path, Metric: "test_error", Mode: SweepGrid, Seeds: []uint64{1}}
	s.Title, _ = top.str("title")
	base, ok := top.str("base")
	if !ok || base == "" {
		top.fail("", "missing base: the netlist to sweep, e.g. base = \"mnist-kendall.toml\"")
	}
	s.Base = base
	if !filepath.IsAbs(base) {
		s.Base = filepath.Join(p.dir, base)
	}
	if m, ok := top.str("metric"); ok {
		if !contains(SweepMetrics, m) {
			top.fail("metric", "unknown metric %q (want one of %s)%s", m, strings.Join(SweepMetrics, ", "), suggest(m, SweepMetrics))
		}
		s.Metric = m
	}
	if m, ok := top.str("mode"); ok {
		if m != SweepGrid && m != SweepEach {
			top.fail("mode", "unknown mode %q (want %q or %q)", m, SweepGrid, SweepEach)
		}
		s.Mode = m
	}
	if v, ok := root["seeds"]; ok {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			top.fail("seeds", "seeds must be a list of non-negative integers, e.g. [1, 2, 3]")
		}
		s.Seeds = nil
		seen := map[int64]bool{}
		for _, x := range list {
			n, ok := x.(int64)
			if !ok || n < 0 {
				top.fail("seeds", "seeds must be non-negative integers, got %v", x)
			}
			if seen[n] {
				top.fail("seeds", "seed %d is listed twice", n)
			}
			seen[n] = true
			s.Seeds = append(s.Seeds, uint64(n))
		}
	}
	if v, ok := root["set"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			top.fail("set", "set must be a table of \"path\" = value: write [set]")
		}
		t := &table{p: p, m: m, path: []string{"set"}, kind: "set", line: p.loc.line("set")}
		for k, x := range m {
			if err := checkPath(k); err != nil {
				t.fail(k, "%v", err)
			}
			if !scalar(x) {
				t.fail(k, "%s: want a number, string or boolean", k)
			}
			s.Set = append(s.Set, Override{k, x})
		}
		sort.Slice(s.Set, func(i, j int) bool { return s.Set[i].Path < s.Set[j].Path })
	}
	axes, _ := root["axis"].([]map[string]any)
	if _, ok := root["axis"]; ok && axes == nil {
		top.fail("axis", "axis must be an array of tables: write [[axis]]")
	}
	if len(axes) == 0 {
		top.fail("", "no [[axis]]: a sweep varies at least one parameter")
	}
	names := map[string]bool{}
	for k, m := range axes {
		t := &table{p: p, m: m, path: []string{"axis", indexSeg(k)}, kind: "axis", line: p.loc.line("axis", indexSeg(k))}
		t.checkKeys(axisKeys)
		a := p.parseAxis(t)
		if names[a.Name] {
			t.fail("name", "two axes are named %q: give one a name = \"...\"", a.Name)
		}
		names[a.Name] = true
		s.Axes = append(s.Axes, a)
	}
	if _, err := os.Stat(s.Base); err != nil {
		top.fail("base", "base netlist: %v", err)
	}
	return s, nil
}

// parseAxis reads one [[axis]].
func (p *parser) parseAxis(t *table) Axis {
	path, ok := t.str("path")
	if !ok {
		t.fail("", "missing path: the netlist key to vary, e.g. path = \"training.device.levels\"")
	}
	if err := checkPath(path); err != nil {
		t.fail("path", "%v", err)
	}
	t.name = path
	a := Axis{Path: path, Name: lastKey(path)}
	if n, ok := t.str("name"); ok {
		t.checkName("name", n)
		a.Name = n
	}
	if sc, ok := t.str("scale"); ok {
		if sc != "linear" && sc != "log" {
			t.fail("scale", "unknown scale %q (want \"linear\" or \"log\")", sc)
		}
		a.Log = sc == "log"
	}
	v, hasList := t.m["values"]
	_, hasFrom := t.m["from"]
	switch {
	case hasList && hasFrom:
		t.fail("from", "give either values or from/to/count, not both")
	case hasList:
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			t.fail("values", "values must be a non-empty list")
		}
		for i, x := range list {
			if !scalar(x) {
				t.fail("values", "value %d (%v): want a number, string or boolean", i+1, x)
			}
			for _, y := range list[:i] {
				if FormatValue(x) == FormatValue(y) {
					t.fail("values", "value %s is listed twice", FormatValue(x))
				}
			}
		}
		a.Values = list
	case hasFrom:
		a.Values = t.grid(a.Log)
	default:
		t.fail("", "missing values: give values = [...] or from, to and count")
	}
	if a.Log {
		for _, x := range a.Values {
			if f, ok := NumericValue(x); !ok || !(f > 0) {
				t.fail("scale", "a log scale needs positive values, got %s", FormatValue(x))
			}
		}
	}
	return a
}

// grid returns count values from "from" to "to", evenly spaced on the
// axis's scale; integer ends give integers, duplicates dropped.
func (t *table) grid(log bool) []any {
	from, to := t.m["from"], t.m["to"]
	if to == nil {
		t.fail("", "missing to")
	}
	n, ok := t.integer("count")
	if !ok || n < 2 || n > 10000 {
		t.fail("count", "count must be an integer from 2 to 10000")
	}
	a, b := t.number(from, "from", "from"), t.number(to, "to", "to")
	_, ai := from.(int64)
	_, bi := to.(int64)
	if log && !(a > 0 && b > 0) {
		t.fail("from", "a log grid needs positive ends, got %v and %v", a, b)
	}
	var out []any
	for i := range int(n) {
		f := float64(i) / float64(n-1)
		x := a + f*(b-a)
		if log {
			x = a * math.Pow(b/a, f)
		}
		if i == int(n)-1 {
			x = b // exactly
		}
		if ai && bi {
			k := int64(math.Round(x))
			if len(out) > 0 && out[len(out)-1] == k {
				continue
			}
			out = append(out, k)
			continue
		}
		out = append(out, x)
	}
	return out
}

func scalar(x any) bool {
	switch x.(type) {
	case int64, float64, string, bool:
		return true
	}
	return false
}

// pathSeg is one segment of an override path: a key, and for arrays of
// tables the name of the element.
type pathSeg struct{ key, elem string }

func splitPath(path string) ([]pathSeg, error) {
	if path == "" {
		return nil, errors.New("empty path")
	}
	var segs []pathSeg
	for _, s := range strings.Split(path, ".") {
		seg := pathSeg{key: s}
		if i := strings.IndexByte(s, '['); i >= 0 {
			if !strings.HasSuffix(s, "]") || i == 0 || i == len(s)-2 {
				return nil, fmt.Errorf("path %q: write an element of an array of tables as kind[name], e.g. crossbar[W1]", path)
			}
			seg = pathSeg{key: s[:i], elem: s[i+1 : len(s)-1]}
		}
		if seg.key == "" {
			return nil, fmt.Errorf("path %q has an empty key", path)
		}
		segs = append(segs, seg)
	}
	if segs[len(segs)-1].elem != "" {
		return nil, fmt.Errorf("path %q ends in an element, not a key", path)
	}
	return segs, nil
}

func checkPath(path string) error { _, err := splitPath(path); return err }

func lastKey(path string) string {
	segs, _ := splitPath(path)
	return segs[len(segs)-1].key
}

// setPath sets the key at path in the decoded TOML document root.
func setPath(root map[string]any, path string, v any) error {
	segs, err := splitPath(path)
	if err != nil {
		return err
	}
	parts := strings.Split(path, ".")
	var set func(m map[string]any, i int) error
	set = func(m map[string]any, i int) error {
		s := segs[i]
		if i == len(segs)-1 {
			m[s.key] = v
			return nil
		}
		where := strings.Join(parts[:i+1], ".")
		x, ok := m[s.key]
		if s.elem != "" {
			list, isList := x.([]map[string]any)
			if !ok || !isList {
				return fmt.Errorf("%s: the netlist has no [[%s]]", where, s.key)
			}
			found := false
			for _, e := range list {
				if s.elem == "*" || e["name"] == s.elem {
					found = true
					if err := set(e, i+1); err != nil {
						return err
					}
				}
			}
			if !found {
				return fmt.Errorf("%s: no [[%s]] is named %q", where, s.key, s.elem)
			}
			return nil
		}
		if !ok {
			sub := map[string]any{}
			m[s.key] = sub
			return set(sub, i+1)
		}
		sub, isTable := x.(map[string]any)
		if !isTable {
			return fmt.Errorf("%s is not a table", where)
		}
		return set(sub, i+1)
	}
	return set(root, 0)
}

// Overridden returns the text of the netlist in data with the overrides
// applied, as TOML. Comments and layout are not kept, and the tables are
// in the encoder's order: use ParseOverridden to parse a netlist with
// overrides.
func Overridden(data []byte, ov []Override) ([]byte, error) {
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		return nil, err
	}
	if err := applyOverrides(root, ov); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func applyOverrides(root map[string]any, ov []Override) error {
	for _, o := range ov {
		if err := setPath(root, o.Path, o.Value); err != nil {
			return err
		}
	}
	return nil
}

// ParseOverridden parses the netlist in data, read from path, with the
// overrides applied to its keys. The elements keep their order in data,
// so that the circuit is the one Parse gives but for the overridden
// values; errors give the lines of data.
func ParseOverridden(data []byte, path string, ov []Override) (*Netlist, error) {
	return parsePatched(data, path, func(name string) ([]byte, error) { return readSidecar(name) },
		func(root map[string]any) error { return applyOverrides(root, ov) })
}

// LoadPoint parses the base netlist with the point's overrides and the
// given [training] seed applied. Errors name the spec and the point; the
// netlist's own line numbers are dropped, since an overridden value is not
// on the line of the key it replaced.
func (s *Sweep) LoadPoint(base []byte, p SweepPoint, seed uint64) (*Netlist, error) {
	ov := append(s.Overrides(p), Override{"training.seed", int64(seed)})
	nl, err := ParseOverridden(base, s.Base, ov)
	if err == nil {
		return nl, nil
	}
	var ne *Error
	if errors.As(err, &ne) {
		e := *ne
		e.Line = 0
		err = &e
	}
	return nil, fmt.Errorf("%s: point %d (%s): %w", s.Path, p.Index, s.Describe(p), err)
}

// Describe returns "name=value" for the axes a point sets, or "base".
func (s *Sweep) Describe(p SweepPoint) string {
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
func (s *Sweep) Fingerprint(base *Netlist, baseData []byte) (string, error) {
	h := sha256.New()
	h.Write(baseData)
	for _, sc := range base.Sidecars {
		b, err := os.ReadFile(sc)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "\x00%s\x00", filepath.Base(sc))
		h.Write(b)
	}
	fmt.Fprintf(h, "\x00mode=%s seeds=%v\n", s.Mode, s.Seeds)
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
