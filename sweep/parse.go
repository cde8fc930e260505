package sweep

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/internal/tomlloc"

	"github.com/BurntSushi/toml"

	"github.com/eqsim/eqsim/netlist"
)

var sweepKeys = []string{"title", "base", "metric", "mode", "seeds", "gradcheck", "set", "axis"}
var axisKeys = []string{"path", "name", "values", "from", "to", "count", "scale"}

// ParseFile reads and checks the sweep spec at path. The base netlist
// must exist; each point's netlist is checked by LoadPoint. Errors in the
// spec are *netlist.Error values that name its file and line; a file that
// cannot be read (missing, not a regular file, over safeio.MaxNetlist
// bytes) gives a *safeio.Error naming it.
func ParseFile(path string) (*Spec, error) {
	data, err := safeio.ReadFile(path, safeio.MaxNetlist)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse parses a sweep spec from data; path locates the base netlist and
// names the spec in errors.
func Parse(data []byte, path string) (s *Spec, err error) {
	defer catch(&err)
	p := &parser{file: path, dir: filepath.Dir(path)}
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &netlist.Error{File: path, Line: pe.Position.Line, Msg: "TOML syntax: " + pe.Message}
		}
		return nil, &netlist.Error{File: path, Msg: err.Error()}
	}
	p.loc = tomlloc.Locate(data)
	top := &table{p: p, m: root, kind: "sweep"}
	top.checkKeys(sweepKeys)
	s = &Spec{Path: path, Metric: "test_error", Mode: Grid, Seeds: []uint64{1}}
	s.Title, _ = top.str("title")
	base, ok := top.str("base")
	if !ok || base == "" {
		top.fail("", "missing base: the netlist to sweep, e.g. base = \"mnist-kendall.toml\"")
	}
	s.Base = base
	if !filepath.IsAbs(base) {
		s.Base = filepath.Join(p.dir, base)
	}
	if v, ok := root["gradcheck"]; ok {
		n, isInt := v.(int64)
		if !isInt || n < 0 || n > 100000 {
			top.fail("gradcheck", "gradcheck must be a number of samples, 0 to 100000, e.g. gradcheck = 10")
		}
		s.GradCheck = int(n)
	}
	if v, ok := root["metric"]; ok {
		s.Metric, s.Also = parseMetrics(top, v, s.GradCheck)
	}
	if m, ok := top.str("mode"); ok {
		if m != Grid && m != Each {
			top.fail("mode", "unknown mode %q (want %q or %q)", m, Grid, Each)
		}
		s.Mode = m
	}
	if v, ok := root["seeds"]; ok {
		s.Seeds = parseSeeds(top, v)
	}
	if v, ok := root["set"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			top.fail("set", "set must be a table of \"path\" = value: write [set]")
		}
		t := &table{p: p, m: m, path: []string{"set"}, kind: "set", line: p.loc.Line("set")}
		for k, x := range m {
			if err := netlist.CheckPath(k); err != nil {
				t.fail(k, "%v", err)
			}
			if !scalar(x) {
				t.fail(k, "%s: want a number, string or boolean", k)
			}
			s.Set = append(s.Set, netlist.Override{Path: k, Value: x})
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
		t := &table{p: p, m: m, path: []string{"axis", tomlloc.ArrayIndex(k)}, kind: "axis", line: p.loc.Line("axis", tomlloc.ArrayIndex(k))}
		t.checkKeys(axisKeys)
		a := p.parseAxis(t)
		if names[a.Name] {
			t.fail("name", "two axes are named %q: give one a name = \"...\"", a.Name)
		}
		names[a.Name] = true
		s.Axes = append(s.Axes, a)
	}
	if n := s.runs(); n > MaxRuns {
		top.fail("", "the sweep has more than %d runs (points x seeds)", MaxRuns)
	}
	if _, err := os.Stat(s.Base); err != nil {
		top.fail("base", "base netlist: %v", err)
	}
	return s, nil
}

// parseMetrics returns the metric v names, or the first and the others of
// the list it is. Cosine needs gradcheck samples.
func parseMetrics(top *table, v any, gradcheck int) (metric string, also []string) {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	if len(list) == 0 {
		top.fail("metric", "metric is an empty list: name one of %s", strings.Join(Metrics, ", "))
	}
	for k, x := range list {
		m, ok := x.(string)
		switch {
		case !ok:
			top.fail("metric", "metric must be a name or a list of names of metrics, got %v", x)
		case m == Cosine && gradcheck == 0:
			top.fail("metric", "metric %q needs gradcheck = N samples", m)
		case !slices.Contains(Metrics, m) && m != Cosine:
			top.fail("metric", "unknown metric %q (want one of %s)%s", m, strings.Join(Metrics, ", "), tomlloc.Suggest(m, Metrics))
		case slices.Contains(list[:k], x):
			top.fail("metric", "metric %q is listed twice", m)
		case k == 0:
			metric = m
		default:
			also = append(also, m)
		}
	}
	return metric, also
}

// parseSeeds returns the seeds of the list v: non-negative, each once.
func parseSeeds(top *table, v any) []uint64 {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		top.fail("seeds", "seeds must be a list of non-negative integers, e.g. [1, 2, 3]")
	}
	var seeds []uint64
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
		seeds = append(seeds, uint64(n))
	}
	return seeds
}

// MaxRuns bounds the runs (points times seeds) of a sweep, so that a
// short spec cannot ask for a plan that does not fit in memory: a grid of
// five axes of 100 values is 10^10 points.
const MaxRuns = 1_000_000

// runs returns the number of runs of s, or MaxRuns+1 if there are more.
func (s *Spec) runs() int {
	points := 1
	if s.Mode == Each {
		for _, a := range s.Axes {
			points += len(a.Values)
		}
	} else {
		for _, a := range s.Axes {
			if points > MaxRuns/len(a.Values) {
				return MaxRuns + 1
			}
			points *= len(a.Values)
		}
	}
	if points > MaxRuns/len(s.Seeds) {
		return MaxRuns + 1
	}
	return points * len(s.Seeds)
}

// parseAxis reads one [[axis]].
func (p *parser) parseAxis(t *table) Axis {
	path, ok := t.str("path")
	if !ok {
		t.fail("", "missing path: the netlist key to vary, e.g. path = \"training.device.levels\"")
	}
	if err := netlist.CheckPath(path); err != nil {
		t.fail("path", "%v", err)
	}
	t.name = path
	a := Axis{Path: path, Name: path[strings.LastIndexByte(path, '.')+1:]}
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
		seen := map[string]bool{}
		for i, x := range list {
			if !scalar(x) {
				t.fail("values", "value %d (%v): want a number, string or boolean", i+1, x)
			}
			if f := FormatValue(x); seen[f] {
				t.fail("values", "value %s is listed twice", f)
			} else {
				seen[f] = true
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

// parser is the state of one Parse.
type parser struct {
	file, dir string
	loc       *tomlloc.Locator
}

// bailout carries an error up through the parser; Parse recovers it. Any
// other panic is a bug and is not recovered.
type bailout struct{ err *netlist.Error }

// catch converts a bailout into an error; it must be deferred.
func catch(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(bailout)
		if !ok {
			panic(r)
		}
		*err = b.err
	}
}

// table is one TOML table of a spec being checked, with what is needed to
// locate errors in it.
type table struct {
	p    *parser
	m    map[string]any
	path []string // locator path
	kind string
	name string
	line int
}

// fail stops parsing with an error at key's line (the table's line if key
// is "" or cannot be found).
func (t *table) fail(key, format string, args ...any) {
	line := t.line
	if key != "" {
		if l := t.p.loc.Exact(append(append([]string(nil), t.path...), key)...); l > 0 {
			line = l
		}
	}
	panic(bailout{&netlist.Error{File: t.p.file, Line: line, Kind: t.kind, Element: t.name, Msg: fmt.Sprintf(format, args...)}})
}

// checkKeys fails on the first key, in file order, that is not allowed.
func (t *table) checkKeys(allowed []string) {
	var bad []string
	for k := range t.m {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return
	}
	lineOf := func(k string) int { return t.p.loc.Exact(append(append([]string(nil), t.path...), k)...) }
	sort.Slice(bad, func(i, j int) bool {
		li, lj := lineOf(bad[i]), lineOf(bad[j])
		if li != lj {
			return li < lj
		}
		return bad[i] < bad[j]
	})
	t.fail(bad[0], "unknown key %q%s", bad[0], tomlloc.Suggest(bad[0], allowed))
}

// checkName fails unless s is a usable name: not empty, no spaces or
// control characters.
func (t *table) checkName(key, s string) {
	switch {
	case s == "":
		t.fail(key, "empty name")
	case !utf8.ValidString(s):
		t.fail(key, "name %q is not valid UTF-8", s)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		t.fail(key, "name %q contains a space or control character", s)
	}
}

func (t *table) str(key string) (string, bool) {
	v, ok := t.m[key]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.fail(key, "%s must be a string", key)
	}
	return s, true
}

func (t *table) integer(key string) (int64, bool) {
	v, ok := t.m[key]
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok {
		t.fail(key, "%s must be an integer", key)
	}
	return n, true
}

// number converts a TOML number or SPICE-suffixed string to a finite
// float64; what names the value in messages.
func (t *table) number(v any, what, key string) float64 {
	var x float64
	switch v := v.(type) {
	case int64:
		x = float64(v)
	case float64:
		x = v
	case string:
		f, err := netlist.ParseValue(v)
		if err != nil {
			t.fail(key, "%s: %v", what, err)
		}
		x = f
	default:
		t.fail(key, "%s must be a number or a string such as \"10k\"", what)
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		t.fail(key, "%s must be finite, got %v", what, x)
	}
	return x
}
