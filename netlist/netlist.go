package netlist

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eqsim/eqsim/audit"
	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/internal/tomlloc"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/BurntSushi/toml"

	"github.com/eqsim/eqsim/circuit"
)

// Size limits that keep a hostile or mistyped netlist from exhausting
// memory. A 784-1024-10 network needs about 3,000 nodes and 800,000
// conductances.
const (
	// MaxNodes is the largest total number of nodes in groups and inputs
	// and internal nodes of crossbars with wire resistance.
	MaxNodes = 1 << 20
	// MaxWeights is the largest total number of crossbar conductances.
	MaxWeights = 10_000_000
)

// limits are the limits in force; the fuzz test lowers them so that each
// input runs fast.
var limits = struct{ nodes, weights int }{MaxNodes, MaxWeights}

// Netlist is a parsed netlist: the circuit and what is needed to write it
// back.
type Netlist struct {
	// Path is the file the netlist was read from, or "" if it was parsed
	// from bytes without a path.
	Path string
	// Circuit holds the elements in file order (the order of their
	// headers) and the groups in file order.
	Circuit *circuit.Circuit
	// Models are the diode models of the [models] table, in name order,
	// used or not.
	Models []circuit.DiodeModel
	// Sidecars are the .npy files the netlist read, as opened (relative
	// paths joined to the netlist's directory). WriteFile never overwrites
	// them.
	Sidecars []string
	// Output is the [output] section, or nil if the netlist has none.
	Output *Output
	// Training is the [training] section, or nil if the netlist has none.
	Training *Training
	// Limits is the [limits] section, the limits of a chip that eqsim
	// audit checks, or nil if the netlist has none.
	Limits *audit.Limits
}

// ParseFile reads and parses the netlist in the file at path. Sidecar .npy
// files are read relative to the file's directory. The file must be a
// regular file of at most safeio.MaxNetlist bytes (64 MiB): one that is
// missing, not regular (a device, a pipe, a folder) or larger gives a
// *safeio.Error naming it, before anything but its type and size is
// read. Anything wrong with the netlist itself gives an *Error.
func ParseFile(path string) (*Netlist, error) {
	data, err := safeio.ReadFile(path, safeio.MaxNetlist)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse parses a netlist from data. The path is used in error messages and
// to find sidecar .npy files, which are read relative to its directory
// (the working directory if path is ""). Parse checks the netlist
// completely, compiles the circuit with mna.Compile to check its
// topology, and returns an *Error for the first problem in file order.
func Parse(data []byte, path string) (*Netlist, error) {
	return parse(data, path, func(name string) ([]byte, error) { return readSidecar(name) })
}

// readSidecar reads a regular file of at most safeio.MaxNpy bytes, the
// size of the largest allowed array (MaxWeights values) and its header.
func readSidecar(name string) ([]byte, error) { return safeio.ReadFile(name, safeio.MaxNpy) }

// keysOf are the keys of the tables other than element cards, whose keys
// their circuit.Kind gives.
var keysOf = map[string][]string{
	"":        append([]string{"title", "options", "models", "limits", "output", "training"}, cards...),
	"options": {"temp", "tnom", "node_capacitance", "thermal_noise"},
	"model":   {"type", "is", "n", "rs", "bv", "ibv"},
	"group":   {"name", "size"},
}

type parser struct {
	file     string
	dir      string
	read     func(name string) ([]byte, error)
	loc      *tomlloc.Locator
	models   map[string]circuit.DiodeModel
	groups   map[string]*groupInfo
	meta     map[string]elemMeta
	firstUse map[string]elemMeta
	nodes    int // nodes in groups so far
	weights  int // crossbar conductances so far
	sidecars []string
}

type groupInfo struct {
	circuit.Group
	kind  string // "group" or "input"
	line  int
	nodes []string
}

type elemMeta struct {
	kind, name string
	line       int
}

// item is one table of an element card or block.
type item struct {
	kind string
	k    *circuit.Kind // nil for a [[group]]
	idx  int
	line int
	t    *table
	el   circuit.Element
}

func parse(data []byte, path string, read func(string) ([]byte, error)) (nl *Netlist, err error) {
	return parsePatched(data, path, read, nil)
}

// parsePatched is parse with patch, if not nil, applied to the decoded
// document before it is checked. Lines are those of data.
func parsePatched(data []byte, path string, read func(string) ([]byte, error), patch func(root map[string]any) error) (nl *Netlist, err error) {
	defer catch(&err)
	p := &parser{
		file:     path,
		dir:      filepath.Dir(path),
		read:     read,
		models:   map[string]circuit.DiodeModel{},
		groups:   map[string]*groupInfo{},
		meta:     map[string]elemMeta{},
		firstUse: map[string]elemMeta{},
	}
	if path == "" {
		p.dir = "."
	}
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line := pe.Position.Line
			// The TOML lexer has consumed the newline when it finds a line
			// cut short (a missing "]]", a key without a value), so it
			// reports the next line; the fault is on the one it ends.
			if strings.Contains(pe.Message, `got '\n'`) && line > 1 {
				line--
			}
			return nil, &Error{File: path, Line: line, Msg: "TOML syntax: " + pe.Message}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	if patch != nil {
		if err := patch(root); err != nil {
			return nil, &Error{File: path, Msg: err.Error()}
		}
	}
	p.loc = tomlloc.Locate(data)
	top := &table{p: p, m: root, line: 0}
	top.checkKeys(keysOf[""])

	c := &circuit.Circuit{}
	if _, ok := root["title"]; ok {
		c.Title, _ = top.str("title")
	}
	if o, ok := root["options"]; ok {
		m, ok := o.(map[string]any)
		if !ok {
			top.fail("options", "options must be a table: write [options]")
		}
		t := &table{p: p, m: m, path: []string{"options"}, kind: "options", line: p.loc.Line("options")}
		t.checkKeys(keysOf["options"])
		if v, ok := t.positive("temp"); ok {
			c.Temp = v
		}
		if v, ok := t.positive("tnom"); ok {
			c.TNom = v
		}
		if v, ok := t.positive("node_capacitance"); ok {
			c.NodeCapacitance = v
		}
		c.ThermalNoise, _ = t.boolean("thermal_noise")
	}
	nl = &Netlist{Path: path, Circuit: c}
	if m, ok := root["models"]; ok {
		nl.Models = p.parseModels(top, m)
	}
	p.checkModelTemperatures(c, nl.Models)
	if t := p.section(top, "limits"); t != nil {
		nl.Limits = p.parseLimits(t)
	}

	items := p.collect(top, root)
	// Groups, and the elements that define groups (inputs), first: the
	// other cards refer to their nodes. So a card that defines a group
	// sees only the groups defined before it.
	for _, it := range items {
		switch {
		case it.k == nil:
			p.parseGroup(it.t)
		case it.k.DefinesGroup:
			p.checkGroupName(it.t)
			cd := newCard(it.t, it.k)
			it.el = p.readCard(cd)
			p.defineGroup(cd, it.el)
		}
	}
	for _, it := range items {
		switch {
		case it.k == nil || it.k.DefinesGroup:
			g := p.groups[it.t.name]
			c.Groups = append(c.Groups, g.Group)
		default:
			it.el = p.readCard(newCard(it.t, it.k))
		}
		if it.el == nil {
			continue
		}
		name := it.el.Label()
		if first, dup := p.meta[name]; dup {
			it.t.fail("name", "duplicate element name (first used by the %s at line %d)", first.kind, first.line)
		}
		p.meta[name] = elemMeta{kind: it.kind, name: name, line: it.line}
		c.Elements = append(c.Elements, it.el)
	}
	p.checkRefs(items)
	if len(c.Elements) == 0 {
		return nil, &Error{File: path, Msg: "the netlist has no elements"}
	}
	if t := p.section(top, "output"); t != nil {
		nl.Output = p.parseOutput(t)
	}
	if t := p.section(top, "training"); t != nil {
		nl.Training = p.parseTraining(t, nl.Output, c.Elements)
	}
	if _, err := mna.Compile(c); err != nil {
		return nil, p.fromCircuit(err)
	}
	nl.Sidecars = p.sidecars
	return nl, nil
}

// collect returns the tables of all cards and blocks in file order.
func (p *parser) collect(top *table, root map[string]any) []*item {
	var items []*item
	rank := map[string]int{}
	for r, kind := range cards {
		rank[kind] = r
		v, ok := root[kind]
		if !ok {
			continue
		}
		var list []map[string]any
		switch v := v.(type) {
		case []map[string]any:
			list = v
		case []any:
			for _, e := range v {
				m, ok := e.(map[string]any)
				if !ok {
					top.fail(kind, "%s must be an array of tables: write [[%s]]", kind, kind)
				}
				list = append(list, m)
			}
		default:
			top.fail(kind, "%s must be an array of tables: write [[%s]]", kind, kind)
		}
		for i, m := range list {
			path := []string{kind, tomlloc.ArrayIndex(i)}
			line := p.loc.Line(path...)
			items = append(items, &item{kind: kind, k: circuit.KindNamed(kind), idx: i, line: line,
				t: &table{p: p, m: m, path: path, kind: kind, line: line}})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.line != b.line {
			return a.line < b.line
		}
		if a.kind != b.kind {
			return rank[a.kind] < rank[b.kind]
		}
		return a.idx < b.idx
	})
	for _, it := range items {
		t := it.t
		name, ok := t.m["name"]
		if !ok {
			t.fail("", "missing name (the %s %s in the file)", ordinal(it.idx+1), it.kind)
		}
		s, ok := name.(string)
		if !ok {
			t.fail("name", "name must be a string")
		}
		t.checkName("name", s)
		t.name = s
	}
	return items
}

func ordinal(n int) string {
	suf := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suf = "st"
	case n%10 == 2:
		suf = "nd"
	case n%10 == 3:
		suf = "rd"
	}
	return strconv.Itoa(n) + suf
}

func (p *parser) parseModels(top *table, v any) []circuit.DiodeModel {
	mm, ok := v.(map[string]any)
	if !ok {
		top.fail("models", "models must be a table of models: write [models.NAME]")
	}
	names := sortedKeys(mm)
	sort.SliceStable(names, func(i, j int) bool {
		return p.loc.Line("models", names[i]) < p.loc.Line("models", names[j])
	})
	for _, name := range names {
		path := []string{"models", name}
		t := &table{p: p, path: path, kind: "model", name: name, line: p.loc.Line(path...)}
		m, ok := mm[name].(map[string]any)
		if !ok {
			t.fail("", "a model must be a table: write [models.%s]", name)
		}
		t.m = m
		t.checkName("", name)
		t.checkKeys(keysOf["model"])
		typ, ok := t.str("type")
		if !ok {
			t.fail("", "missing type (write type = \"diode\")")
		}
		if typ != "diode" {
			t.fail("type", "unknown model type %q (supported: \"diode\")", typ)
		}
		d := circuit.DiodeModel{Name: name, IS: 1e-14, N: 1}
		if v, ok := t.positive("is"); ok {
			d.IS = v
		}
		if v, ok := t.positive("n"); ok {
			d.N = v
		}
		p.realDiode(t, &d)
		p.models[name] = d
	}
	out := make([]circuit.DiodeModel, 0, len(p.models))
	for _, name := range sortedKeys(p.models) {
		out = append(out, p.models[name])
	}
	return out
}

// checkGroupName fails unless the name of the table t can name a new
// group.
func (p *parser) checkGroupName(t *table) {
	if g, dup := p.groups[t.name]; dup {
		t.fail("name", "duplicate group name (first used by the %s at line %d)", g.kind, g.line)
	}
	if strings.ContainsAny(t.name, "[]") || circuit.IsGround(t.name) {
		t.fail("name", "a group name must not contain [ or ] nor be a ground name")
	}
}

func (p *parser) parseGroup(t *table) {
	t.checkKeys(keysOf["group"])
	size := t.size("size")
	p.checkGroupName(t)
	if size > int64(limits.nodes-p.nodes) {
		t.fail("size", "too many nodes in groups and inputs: at most %d", limits.nodes)
	}
	p.nodes += int(size)
	g := &groupInfo{Group: circuit.Group{Name: t.name, Size: int(size)}, kind: t.kind, line: t.line}
	g.nodes = g.Nodes()
	p.groups[t.name] = g
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// table is one TOML table being checked, with what is needed to locate
// errors in it.
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
	bail(&Error{File: t.p.file, Line: line, Kind: t.kind, Element: t.name, Msg: fmt.Sprintf(format, args...)})
}

// checkKeys fails on the first key, in file order, that is not allowed.
func (t *table) checkKeys(allowed []string) {
	var bad []string
	for k := range t.m {
		if !contains(allowed, k) {
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

func (t *table) boolean(key string) (bool, bool) {
	v, ok := t.m[key]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		t.fail(key, "%s must be true or false", key)
	}
	return b, true
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

// size reads a required positive integer.
func (t *table) size(key string) int64 {
	n, ok := t.integer(key)
	if !ok {
		t.fail("", "missing %s", key)
	}
	if n <= 0 {
		t.fail(key, "%s must be positive, got %d", key, n)
	}
	return n
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
		f, err := ParseValue(v)
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

func (t *table) value(key string) (float64, bool) {
	v, ok := t.m[key]
	if !ok {
		return 0, false
	}
	return t.number(v, key, key), true
}

func (t *table) positive(key string) (float64, bool) {
	v, ok := t.value(key)
	if ok && !(v > 0) {
		t.fail(key, "%s must be positive, got %v", key, v)
	}
	return v, ok
}

// fraction reads a number in (0, 1]; what, if not empty, says in the
// error what the number is.
func (t *table) fraction(key, what string) (float64, bool) {
	v, ok := t.value(key)
	if ok && !(v > 0 && v <= 1) {
		t.fail(key, "%s must be in (0, 1]%s, got %v", key, what, v)
	}
	return v, ok
}

// pair reads an array of two node names.
func (t *table) pair(key string) [2]string {
	v, ok := t.m[key]
	if !ok {
		t.fail("", "missing %s", key)
	}
	a, ok := v.([]any)
	if !ok {
		t.fail(key, "%s must be an array of 2 node names", key)
	}
	if len(a) != 2 {
		t.fail(key, "%s must be an array of 2 node names, got %d", key, len(a))
	}
	var out [2]string
	for i, x := range a {
		s, ok := x.(string)
		if !ok {
			t.fail(key, "%s[%d] must be a node name (a string)", key, i)
		}
		out[i] = t.node(key, s)
	}
	return out
}

// railNode reads a required single node name.
func (t *table) railNode(key string) string {
	s, ok := t.str(key)
	if !ok {
		t.fail("", "missing %s (a node name)", key)
	}
	return t.node(key, s)
}

// node checks a node name: not empty, no spaces or control characters, and
// a name with brackets must be a node of a declared group.
func (t *table) node(key, s string) string {
	if s == "" {
		t.fail(key, "empty node name")
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		t.fail(key, "node %q contains a space or control character", s)
	}
	if strings.ContainsAny(s, "[]") {
		open := strings.IndexByte(s, '[')
		if open <= 0 || !strings.HasSuffix(s, "]") || strings.ContainsAny(s[open+1:len(s)-1], "[]") {
			t.fail(key, "node %q: brackets are for group nodes, written like \"h[3]\"", s)
		}
		gname, idx := s[:open], s[open+1:len(s)-1]
		g, ok := t.p.groups[gname]
		if !ok {
			t.fail(key, "node %q: no group or input named %q", s, gname)
		}
		i, err := strconv.Atoi(idx)
		if err != nil || idx != strconv.Itoa(i) {
			t.fail(key, "node %q: index %q is not a plain integer", s, idx)
		}
		if i < 0 || i >= g.Size {
			t.fail(key, "node %q: index out of range: %s %q has nodes %s[0] to %s[%d]", s, g.kind, gname, gname, gname, g.Size-1)
		}
	}
	if _, ok := t.p.firstUse[s]; !ok {
		t.p.firstUse[s] = elemMeta{kind: t.kind, name: t.name, line: t.line}
	}
	return s
}

// group reads a required reference to a group or input.
func (t *table) group(key string) *groupInfo {
	s, ok := t.str(key)
	if !ok {
		t.fail("", "missing %s (a group or input name)", key)
	}
	g, ok := t.p.groups[s]
	if !ok {
		t.fail(key, "no group or input named %q", s)
	}
	return g
}

// groupList reads a required group or input name, or a non-empty array of
// them, and returns their nodes concatenated in order and their names.
func (t *table) groupList(key string) (nodes, names []string) {
	v, ok := t.m[key]
	if !ok {
		t.fail("", "missing %s (a group or input name, or an array of them)", key)
	}
	if _, ok := v.(string); ok {
		g := t.group(key)
		return append([]string(nil), g.nodes...), []string{g.Name}
	}
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		t.fail(key, "%s must be a group or input name, or a non-empty array of them", key)
	}
	seen := map[string]bool{}
	for i, x := range a {
		s, ok := x.(string)
		if !ok {
			t.fail(key, "%s[%d] must be a group or input name (a string)", key, i)
		}
		g, ok := t.p.groups[s]
		if !ok {
			t.fail(key, "%s[%d]: no group or input named %q", key, i, s)
		}
		if seen[s] {
			t.fail(key, "%s lists %q twice", key, s)
		}
		seen[s] = true
		names = append(names, s)
		if len(nodes)+g.Size > limits.nodes {
			t.fail(key, "too many nodes: at most %d", limits.nodes)
		}
		nodes = append(nodes, g.nodes...)
	}
	return nodes, names
}

// model reads a required reference to a diode model.
func (t *table) model(key string) circuit.DiodeModel {
	s, ok := t.str(key)
	if !ok {
		t.fail("", "missing %s", key)
	}
	m, ok := t.p.models[s]
	if !ok {
		t.fail(key, "unknown model %q (declare it as [models.%s])", s, s)
	}
	return m
}

// sidecar reads and decodes the .npy file name, relative to the netlist's
// directory unless absolute.
func (t *table) sidecar(key, name string) *npyArray {
	if name == "" {
		t.fail(key, "%s must name an .npy file", key)
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(t.p.dir, name)
	}
	b, err := t.p.read(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			t.fail(key, "sidecar file %s not found", path)
		}
		var se *safeio.Error
		if errors.As(err, &se) {
			// Its message starts with the path.
			t.fail(key, "sidecar file %v", se)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		t.fail(key, "sidecar file %s: %v", path, err)
	}
	a, err := decodeNpy(b, limits.weights)
	if err != nil {
		t.fail(key, "sidecar file %s: %v", path, err)
	}
	t.p.sidecars = append(t.p.sidecars, path)
	return a
}
