package netlist

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"gonum.org/v1/gonum/mat"

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
}

// ParseFile reads and parses the netlist in the file at path. Sidecar .npy
// files are read relative to the file's directory. A file that cannot be
// read gives the *fs.PathError of the failed read; anything wrong with
// the netlist itself gives an *Error.
func ParseFile(path string) (*Netlist, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse parses a netlist from data. The path is used in error messages and
// to find sidecar .npy files, which are read relative to its directory
// (the working directory if path is ""). Parse checks the netlist
// completely, compiles the circuit with circuit.Compile to check its
// topology, and returns an *Error for the first problem in file order.
func Parse(data []byte, path string) (*Netlist, error) {
	return parse(data, path, func(name string) ([]byte, error) { return readSidecar(name) })
}

// readSidecar reads a regular file of at most the size of the largest
// allowed array.
func readSidecar(name string) ([]byte, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > int64(limits.weights)*8+1<<16 {
		return nil, fmt.Errorf("file is too large (%d bytes)", fi.Size())
	}
	return os.ReadFile(name)
}

// kinds lists the element cards and blocks; their order breaks ties of
// line numbers, which happen only for inline arrays of tables.
var kinds = []string{
	"resistor", "diode", "vsource", "isource", "vcvs", "cccs", "capacitor",
	"group", "input", "crossbar", "rectifier", "amplifier",
}

var keysOf = map[string][]string{
	"":          append([]string{"title", "options", "models", "output", "training"}, kinds...),
	"options":   {"temp", "tnom", "node_capacitance"},
	"model":     {"type", "is", "n", "rs"},
	"resistor":  {"name", "nodes", "r", "g", "trainable"},
	"diode":     {"name", "nodes", "model"},
	"vsource":   {"name", "nodes", "v"},
	"isource":   {"name", "nodes", "i"},
	"vcvs":      {"name", "nodes", "control", "gain"},
	"cccs":      {"name", "nodes", "control", "gain"},
	"capacitor": {"name", "nodes", "c"},
	"group":     {"name", "size"},
	"input":     {"name", "size", "encoding", "amplitude", "values"},
	"crossbar":  {"name", "from", "to", "trainable", "matrix", "init", "low", "high", "seed", "g", "wire_r"},
	"rectifier": {"name", "group", "model", "high", "low", "is_spread", "n_spread", "seed"},
	"amplifier": {"name", "from", "to", "gain", "gain_error", "offset", "seed"},
}

type parser struct {
	file     string
	dir      string
	read     func(name string) ([]byte, error)
	loc      *locator
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
	p.loc = locate(data)
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
		t := &table{p: p, m: m, path: []string{"options"}, kind: "options", line: p.loc.line("options")}
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
	}
	nl = &Netlist{Path: path, Circuit: c}
	if m, ok := root["models"]; ok {
		nl.Models = p.parseModels(top, m)
	}

	items := p.collect(top, root)
	// Groups and inputs first: the other blocks and the cards refer to
	// their nodes.
	for _, it := range items {
		switch it.kind {
		case "group":
			p.parseGroup(it.t)
		case "input":
			it.el = p.parseInput(it.t)
		}
	}
	for _, it := range items {
		switch it.kind {
		case "group", "input":
			g := p.groups[it.t.name]
			c.Groups = append(c.Groups, g.Group)
		default:
			it.el = p.parseElement(it.t)
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
	for _, it := range items {
		if f, ok := it.el.(*circuit.CCCS); ok {
			m, ok := p.meta[f.Control]
			switch {
			case !ok:
				it.t.fail("control", "control %q is not an element of the netlist", f.Control)
			case m.kind != "vsource":
				it.t.fail("control", "control %q is a %s, not a vsource", f.Control, m.kind)
			}
		}
	}
	if len(c.Elements) == 0 {
		return nil, &Error{File: path, Msg: "the netlist has no elements"}
	}
	if t := p.section(top, "output"); t != nil {
		nl.Output = p.parseOutput(t)
	}
	if t := p.section(top, "training"); t != nil {
		nl.Training = p.parseTraining(t, nl.Output, c.Elements)
	}
	if _, err := circuit.Compile(c); err != nil {
		return nil, p.fromCircuit(err)
	}
	nl.Sidecars = p.sidecars
	return nl, nil
}

// collect returns the tables of all cards and blocks in file order.
func (p *parser) collect(top *table, root map[string]any) []*item {
	var items []*item
	rank := map[string]int{}
	for r, kind := range kinds {
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
			path := []string{kind, indexSeg(i)}
			line := p.loc.line(path...)
			items = append(items, &item{kind: kind, idx: i, line: line,
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
		return p.loc.line("models", names[i]) < p.loc.line("models", names[j])
	})
	for _, name := range names {
		path := []string{"models", name}
		t := &table{p: p, path: path, kind: "model", name: name, line: p.loc.line(path...)}
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
		if _, ok := m["rs"]; ok {
			t.fail("rs", "rs is not supported: put a resistor in series with the diode")
		}
		d := circuit.DiodeModel{Name: name, IS: 1e-14, N: 1}
		if v, ok := t.positive("is"); ok {
			d.IS = v
		}
		if v, ok := t.positive("n"); ok {
			d.N = v
		}
		p.models[name] = d
	}
	out := make([]circuit.DiodeModel, 0, len(p.models))
	for _, name := range sortedKeys(p.models) {
		out = append(out, p.models[name])
	}
	return out
}

func (p *parser) addGroup(t *table, size int64, nodesPer int64) *groupInfo {
	if g, dup := p.groups[t.name]; dup {
		t.fail("name", "duplicate group name (first used by the %s at line %d)", g.kind, g.line)
	}
	if strings.ContainsAny(t.name, "[]") || circuit.IsGround(t.name) {
		t.fail("name", "a group name must not contain [ or ] nor be a ground name")
	}
	n := size * nodesPer
	if size > int64(limits.nodes) || int64(p.nodes)+n > int64(limits.nodes) {
		t.fail("size", "too many nodes in groups and inputs: at most %d", limits.nodes)
	}
	p.nodes += int(n)
	g := &groupInfo{Group: circuit.Group{Name: t.name, Size: int(n)}, kind: t.kind, line: t.line}
	g.nodes = g.Nodes()
	p.groups[t.name] = g
	return g
}

func (p *parser) parseGroup(t *table) {
	t.checkKeys(keysOf["group"])
	size := t.size("size")
	p.addGroup(t, size, 1)
}

func (p *parser) parseInput(t *table) circuit.Element {
	t.checkKeys(keysOf["input"])
	size := t.size("size")
	in := &circuit.Input{Name: t.name, Amplitude: 1}
	per := int64(1)
	if enc, ok := t.str("encoding"); ok {
		switch enc {
		case "single":
		case "differential":
			in.Differential = true
			per = 2
		default:
			t.fail("encoding", "unknown encoding %q (want \"single\" or \"differential\")", enc)
		}
	}
	g := p.addGroup(t, size, per)
	if v, ok := t.value("amplitude"); ok {
		in.Amplitude = v
	}
	in.Nodes = append([]string(nil), g.nodes...)
	in.Values = make([]float64, size)
	switch v := t.m["values"].(type) {
	case nil:
	case string:
		a := t.sidecar("values", v)
		if len(a.shape) != 1 || a.shape[0] != int(size) {
			t.fail("values", "%s has shape %v, want (%d,)", v, a.shape, size)
		}
		for i, x := range a.data {
			if math.IsInf(x, 0) || math.IsNaN(x) {
				t.fail("values", "%s: value %d is %v", v, i, x)
			}
		}
		copy(in.Values, a.data)
	case []any:
		if len(v) != int(size) {
			t.fail("values", "values has %d numbers, want size = %d", len(v), size)
		}
		for i, x := range v {
			in.Values[i] = t.number(x, fmt.Sprintf("values[%d]", i), "values")
		}
	default:
		t.fail("values", "values must be an .npy file name or an array of numbers")
	}
	for i, v := range in.Values {
		if math.IsInf(in.Amplitude*v, 0) {
			t.fail("values", "amplitude*values[%d] = %g*%g overflows", i, in.Amplitude, v)
		}
	}
	return in
}

func (p *parser) parseElement(t *table) circuit.Element {
	t.checkKeys(keysOf[t.kind])
	switch t.kind {
	case "resistor":
		e := &circuit.Resistor{Name: t.name, Nodes: t.pair("nodes")}
		r, hasR := t.positive("r")
		g, hasG := t.positive("g")
		switch {
		case hasR && hasG:
			t.fail("", "both r and g given: give exactly one")
		case hasR:
			e.G = 1 / r
			if e.G == 0 || math.IsInf(e.G, 0) {
				t.fail("r", "r = %g is out of range", r)
			}
		case hasG:
			e.G = g
		default:
			t.fail("", "neither r nor g given: give exactly one")
		}
		e.Trainable, _ = t.boolean("trainable")
		return e
	case "diode":
		return &circuit.Diode{Name: t.name, Nodes: t.pair("nodes"), Model: t.model("model")}
	case "vsource":
		return &circuit.VSource{Name: t.name, Nodes: t.pair("nodes"), V: t.required("v")}
	case "isource":
		return &circuit.ISource{Name: t.name, Nodes: t.pair("nodes"), I: t.required("i")}
	case "vcvs":
		return &circuit.VCVS{Name: t.name, Nodes: t.pair("nodes"), Control: t.pair("control"), Gain: t.required("gain")}
	case "cccs":
		e := &circuit.CCCS{Name: t.name, Nodes: t.pair("nodes"), Gain: t.required("gain")}
		c, ok := t.str("control")
		if !ok {
			t.fail("", "missing control: the name of the vsource whose current controls it")
		}
		if c == "" {
			t.fail("control", "control is empty: give the name of a vsource")
		}
		e.Control = c
		return e
	case "capacitor":
		c, ok := t.positive("c")
		if !ok {
			t.fail("", "missing c")
		}
		return &circuit.Capacitor{Name: t.name, Nodes: t.pair("nodes"), C: c}
	case "crossbar":
		return p.parseCrossbar(t)
	case "rectifier":
		g := t.group("group")
		e := &circuit.Rectifier{Name: t.name, Nodes: append([]string(nil), g.nodes...), Model: t.model("model")}
		e.High = t.railNode("high")
		e.Low = t.railNode("low")
		var v circuit.DiodeVariation
		v.ISSpread = t.spread("is_spread", circuit.MaxISSpread)
		v.NSpread = t.spread("n_spread", circuit.MaxRelativeSpread)
		v.Seed = t.seed("seed", v != circuit.DiodeVariation{})
		e.Vary(v)
		return e
	case "amplifier":
		from, to := t.group("from"), t.group("to")
		if from.Size != to.Size {
			t.fail("", "groups differ in size: from %q has %d nodes, to %q has %d", from.Name, from.Size, to.Name, to.Size)
		}
		gain := t.required("gain")
		if gain == 0 {
			t.fail("gain", "gain must not be zero")
		}
		e := &circuit.Amplifier{Name: t.name, From: append([]string(nil), from.nodes...),
			To: append([]string(nil), to.nodes...), Gain: gain}
		var v circuit.AmplifierVariation
		v.GainError = t.spread("gain_error", circuit.MaxRelativeSpread)
		v.Offset = t.spread("offset", math.MaxFloat64)
		v.Seed = t.seed("seed", v != circuit.AmplifierVariation{})
		e.Vary(v)
		return e
	}
	panic("netlist: unknown kind " + t.kind)
}

func (p *parser) parseCrossbar(t *table) circuit.Element {
	from, to := t.groupList("from"), t.groupList("to")
	e := &circuit.Crossbar{Name: t.name, From: from, To: to}
	e.Trainable, _ = t.boolean("trainable")
	if v, ok := t.value("wire_r"); ok {
		if v < 0 {
			t.fail("wire_r", "wire_r must not be negative, got %v", v)
		}
		if v != 0 { // -0 is ideal wires too, and writes back as nothing
			e.WireR = v
		}
	}
	r, c := len(from), len(to)
	if r > 0 && c > limits.weights/r || p.weights+r*c > limits.weights {
		t.fail("", "too many crossbar conductances: %d x %d, at most %d in all crossbars", r, c, limits.weights)
	}
	p.weights += r * c
	if e.WireR > 0 {
		// The internal nodes of a wired crossbar count as nodes.
		if int64(p.nodes)+2*int64(r)*int64(c) > int64(limits.nodes) {
			t.fail("wire_r", "too many nodes: a crossbar with wire resistance has 2 x %d x %d internal nodes, at most %d nodes in all", r, c, limits.nodes)
		}
		p.nodes += 2 * r * c
	}
	_, hasM := t.m["matrix"]
	init, hasI := t.str("init")
	only := func(rule string, allowed ...string) {
		for _, k := range []string{"low", "high", "seed", "g"} {
			if _, ok := t.m[k]; ok && !contains(allowed, k) {
				if rule == "" {
					t.fail(k, "%s is not allowed with matrix (it belongs to an init rule)", k)
				}
				t.fail(k, "%s is not allowed with init = %q", k, rule)
			}
		}
	}
	data := make([]float64, r*c)
	switch {
	case hasM && hasI:
		t.fail("", "both matrix and init given: give exactly one")
	case hasM:
		only("")
		name, ok := t.str("matrix")
		if !ok {
			t.fail("matrix", "matrix must be the name of an .npy file")
		}
		a := t.sidecar("matrix", name)
		if len(a.shape) != 2 || a.shape[0] != r || a.shape[1] != c {
			t.fail("matrix", "%s has shape %v, want [%d, %d] (len(from), len(to))", name, a.shape, r, c)
		}
		for k, g := range a.data {
			if !(g > 0) || math.IsInf(g, 0) {
				t.fail("matrix", "%s: conductance [%d, %d] is %v, want a positive finite number of siemens", name, k/c, k%c, g)
			}
		}
		copy(data, a.data)
	case hasI:
		switch init {
		case "uniform":
			only(init, "low", "high", "seed")
			low, okL := t.positive("low")
			high, okH := t.positive("high")
			if !okL || !okH {
				t.fail("", "init = \"uniform\" needs low and high (siemens)")
			}
			if low > high {
				t.fail("low", "low = %g is above high = %g", low, high)
			}
			seed := int64(1)
			if s, ok := t.integer("seed"); ok {
				if s < 0 {
					t.fail("seed", "seed must not be negative")
				}
				seed = s
			}
			rng := rand.New(rand.NewPCG(uint64(seed), 0))
			for k := range data {
				data[k] = low + (high-low)*rng.Float64()
			}
		case "constant":
			only(init, "g")
			g, ok := t.positive("g")
			if !ok {
				t.fail("", "init = \"constant\" needs g (siemens)")
			}
			for k := range data {
				data[k] = g
			}
		default:
			t.fail("init", "unknown init %q (want \"uniform\" or \"constant\")", init)
		}
	default:
		t.fail("", "neither matrix nor init given: give exactly one")
	}
	if r > 0 && c > 0 {
		e.G = mat.NewDense(r, c, data)
	} else {
		t.fail("", "crossbar between empty groups")
	}
	return e
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
		if l := t.p.loc.exact(append(append([]string(nil), t.path...), key)...); l > 0 {
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
	lineOf := func(k string) int { return t.p.loc.exact(append(append([]string(nil), t.path...), k)...) }
	sort.Slice(bad, func(i, j int) bool {
		li, lj := lineOf(bad[i]), lineOf(bad[j])
		if li != lj {
			return li < lj
		}
		return bad[i] < bad[j]
	})
	t.fail(bad[0], "unknown key %q%s", bad[0], suggest(bad[0], allowed))
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

func (t *table) required(key string) float64 {
	v, ok := t.value(key)
	if !ok {
		t.fail("", "missing %s", key)
	}
	return v
}

func (t *table) positive(key string) (float64, bool) {
	v, ok := t.value(key)
	if ok && !(v > 0) {
		t.fail(key, "%s must be positive, got %v", key, v)
	}
	return v, ok
}

// spread reads an optional spread in [0, max]; absent is 0.
func (t *table) spread(key string, max float64) float64 {
	v, ok := t.value(key)
	if !ok {
		return 0
	}
	if v < 0 {
		t.fail(key, "%s must not be negative, got %v", key, v)
	}
	if v > max {
		t.fail(key, "%s = %v is above its bound %v", key, v, max)
	}
	if v == 0 {
		return 0 // not -0, which would not write back
	}
	return v
}

// seed reads an optional non-negative integer seed of a variation:
// absent is 1 if the variation is drawn (vary), 0 otherwise, so that a
// netlist without variation keys has the zero variation.
func (t *table) seed(key string, vary bool) uint64 {
	s, ok := t.integer(key)
	if !ok {
		if vary {
			return 1
		}
		return 0
	}
	if s < 0 {
		t.fail(key, "%s must not be negative", key)
	}
	return uint64(s)
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
// them, and returns their nodes concatenated in order.
func (t *table) groupList(key string) []string {
	v, ok := t.m[key]
	if !ok {
		t.fail("", "missing %s (a group or input name, or an array of them)", key)
	}
	if _, ok := v.(string); ok {
		return append([]string(nil), t.group(key).nodes...)
	}
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		t.fail(key, "%s must be a group or input name, or a non-empty array of them", key)
	}
	var nodes []string
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
		if len(nodes)+g.Size > limits.nodes {
			t.fail(key, "too many nodes: at most %d", limits.nodes)
		}
		nodes = append(nodes, g.nodes...)
	}
	return nodes
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
