package netlist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/internal/atomicfile"
	"github.com/eqsim/eqsim/internal/tomlloc"
)

// WriteFile writes nl as a TOML netlist at path, with the conductance
// matrix of every crossbar, and the values of every input that are not all
// zero, in .npy sidecar files beside it named "BASE.NAME.npy", where BASE
// is the file name of path without ".toml" and NAME the element's name
// (bytes other than letters, digits, '.', '_' and '-' written as %XX).
//
// Numbers are written in the shortest form that reads back as the same
// float64, and resistors are written with g, so parsing the file gives a
// circuit identical to nl.Circuit bit for bit. WriteFile checks this
// before it writes anything: it parses what it would write and compares
// (see Diff). It then writes each file to a temporary file in the same
// directory and renames it into place, sidecars first and the netlist
// last, so that a reader never sees a half-written file.
//
// WriteFile refuses to overwrite nl.Path or any of nl.Sidecars. It returns
// an error, and writes nothing, if the circuit cannot be expressed in the
// format: block elements whose nodes are not those of a group, values that
// Parse would reject, models that share a name but differ.
func WriteFile(path string, nl *Netlist) error {
	if nl == nil || nl.Circuit == nil {
		return errors.New("netlist: WriteFile of a nil netlist")
	}
	base := strings.TrimSuffix(filepath.Base(path), ".toml")
	dir := filepath.Dir(path)
	if nl.Training != nil && nl.Path != "" {
		// Data files stay where they are: their paths are made relative to
		// the new netlist's folder.
		cp := *nl
		cp.Training = nl.Training.rebase(filepath.Dir(nl.Path), dir)
		nl = &cp
	}
	text, side, err := render(nl, base)
	if err != nil {
		return fmt.Errorf("netlist: write %s: %w", path, err)
	}
	files := make([]outFile, 0, len(side)+1)
	for _, s := range side {
		files = append(files, outFile{filepath.Join(dir, s.name), s.data})
	}
	files = append(files, outFile{path, text})

	// Read back what would be written.
	mem := map[string][]byte{}
	for _, f := range files {
		mem[f.path] = f.data
	}
	back, err := parse(text, path, func(name string) ([]byte, error) {
		if b, ok := mem[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s is not among the written files", name)
	})
	if err != nil {
		return fmt.Errorf("netlist: write %s: the written netlist would not parse: %w", path, err)
	}
	if d := Diff(nl.Circuit, back.Circuit); d != "" {
		return fmt.Errorf("netlist: write %s: the written netlist would not reproduce the circuit: %s", path, d)
	}
	if d := diffSections(nl, back); d != "" {
		return fmt.Errorf("netlist: write %s: the written netlist would not reproduce its sections: %s", path, d)
	}

	protected := append([]string(nil), nl.Sidecars...)
	if nl.Path != "" {
		protected = append(protected, nl.Path)
	}
	for _, f := range files {
		for _, p := range protected {
			if sameFile(f.path, p) {
				what := "a sidecar file the netlist reads"
				if p == nl.Path {
					what = "the netlist was read from it"
				}
				return fmt.Errorf("netlist: refusing to overwrite %s: %s", f.path, what)
			}
		}
	}
	return writeAtomic(files)
}

type outFile struct {
	path string
	data []byte
}

type sidecarFile struct {
	name string // relative to the netlist's directory
	data []byte
}

// sameFile reports whether a and b name the same file: the same absolute
// path, or the same file on disk (a link).
func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == ab {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// writeAtomic writes every file to a temporary file beside it, then renames
// them in order.
func writeAtomic(files []outFile) (err error) {
	pending := make([]*atomicfile.File, 0, len(files))
	defer func() {
		if err != nil {
			for _, a := range pending {
				a.Abort()
			}
		}
	}()
	for _, f := range files {
		a, err := atomicfile.Create(f.path)
		if err != nil {
			return fmt.Errorf("netlist: %w", err)
		}
		pending = append(pending, a)
		_, err = a.Write(f.data)
		if err == nil {
			err = a.Close()
		}
		if err != nil {
			return fmt.Errorf("netlist: write %s: %w", f.path, err)
		}
	}
	for _, a := range pending {
		if err := a.Commit(); err != nil {
			return fmt.Errorf("netlist: %w", err)
		}
	}
	pending = nil
	return nil
}

// sidecarName is the file name of the sidecar of element name.
func sidecarName(base, name string) string {
	var b strings.Builder
	b.WriteString(base)
	b.WriteByte('.')
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	b.WriteString(".npy")
	return b.String()
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlKey writes s as a TOML key: bare if it can be.
func tomlKey(s string) string {
	if s == "" {
		return `""`
	}
	for i := 0; i < len(s); i++ {
		if !tomlloc.IsBare(s[i]) {
			return quote(s)
		}
	}
	return s
}

// render formats nl as TOML text and the sidecars it refers to.
func render(nl *Netlist, base string) ([]byte, []sidecarFile, error) {
	c := nl.Circuit
	w := &writer{groups: map[string]circuit.Group{}}
	w.printf("# eqsim netlist (format version 1). Crossbar conductances and input values\n")
	w.printf("# are in the .npy files named %s.*.npy beside this file.\n", base)
	if c.Title != "" {
		w.printf("title = %s\n", quote(c.Title))
	}
	if c.Temp != 0 || c.TNom != 0 || c.NodeCapacitance != 0 || c.ThermalNoise {
		w.printf("\n[options]\n")
		if c.Temp != 0 {
			w.printf("temp = %s\n", formatNumber(c.Temp))
		}
		if c.TNom != 0 {
			w.printf("tnom = %s\n", formatNumber(c.TNom))
		}
		if c.NodeCapacitance != 0 {
			w.printf("node_capacitance = %s\n", formatNumber(c.NodeCapacitance))
		}
		if c.ThermalNoise {
			w.printf("thermal_noise = true\n")
		}
	}

	// Models: those declared and those the elements use.
	models := map[string]circuit.DiodeModel{}
	addModel := func(m circuit.DiodeModel, user string) error {
		if m.Name == "" {
			return fmt.Errorf("%s: its diode model has no name", user)
		}
		if old, ok := models[m.Name]; ok && old != m {
			return fmt.Errorf("%s: model %q differs from another model of that name", user, m.Name)
		}
		models[m.Name] = m
		return nil
	}
	for _, m := range nl.Models {
		if err := addModel(m, "models"); err != nil {
			return nil, nil, err
		}
	}
	// The elements' cards, the models they use and the groups they define.
	fields := make([][]circuit.Field, len(c.Elements))
	definers := map[string]circuit.Element{}
	for i, e := range c.Elements {
		k := e.Kind()
		f, err := e.Fields()
		if err != nil {
			return nil, nil, fmt.Errorf("%s %q: %w", k.Name, e.Label(), err)
		}
		fields[i] = f
		for _, fl := range f {
			if p, _ := k.Param(fl.Key); p.Type != circuit.ParamModel {
				continue
			}
			m, ok := fl.Value.(circuit.DiodeModel)
			if !ok {
				return nil, nil, fmt.Errorf("%s %q: %s holds %T, not a diode model", k.Name, e.Label(), fl.Key, fl.Value)
			}
			if err := addModel(m, fmt.Sprintf("%s %q", k.Name, e.Label())); err != nil {
				return nil, nil, err
			}
		}
		if k.DefinesGroup {
			definers[e.Label()] = e
			w.groups[e.Label()] = circuit.Group{Name: e.Label(), Size: len(e.Terminals())}
		}
	}
	for _, name := range sortedKeys(models) {
		m := models[name]
		w.printf("\n[models.%s]\ntype = \"diode\"\nis = %s\nn = %s\n", tomlKey(name), formatNumber(m.IS), formatNumber(m.N))
	}

	for _, g := range c.Groups {
		old, ok := w.groups[g.Name]
		switch d := definers[g.Name]; {
		case ok && d == nil:
			return nil, nil, fmt.Errorf("group %q: declared twice", g.Name)
		case ok && old != g:
			return nil, nil, fmt.Errorf("group %q: not matching the %s of that name", g.Name, d.Kind().Name)
		}
		w.groups[g.Name] = g
	}
	// Groups, and the elements that define groups (inputs), go out in the
	// order of c.Groups, so that Groups reads back the same: the plain
	// groups before the first input at the top, and the plain groups that
	// follow an input right after it.
	next := 0
	group := func(g circuit.Group) {
		w.printf("\n[[group]]\nname = %s\nsize = %d\n", quote(g.Name), g.Size)
	}
	plain := func() {
		for ; next < len(c.Groups) && definers[c.Groups[next].Name] == nil; next++ {
			group(c.Groups[next])
		}
	}
	plain()
	for i, e := range c.Elements {
		if err := w.element(e, fields[i], base); err != nil {
			return nil, nil, fmt.Errorf("%s %q: %w", e.Kind().Name, e.Label(), err)
		}
		if definers[e.Label()] == e && next < len(c.Groups) && c.Groups[next].Name == e.Label() {
			next++
			plain()
		}
	}
	// Only if the inputs are out of the order of their groups.
	for ; next < len(c.Groups); next++ {
		if definers[c.Groups[next].Name] == nil {
			group(c.Groups[next])
		}
	}
	if err := w.renderTraining(nl.Output, nl.Training); err != nil {
		return nil, nil, err
	}
	return []byte(w.b.String()), w.side, nil
}

type writer struct {
	b      strings.Builder
	groups map[string]circuit.Group
	side   []sidecarFile
}

func (w *writer) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

func (w *writer) pair(n [2]string) string { return "[" + quote(n[0]) + ", " + quote(n[1]) + "]" }

// groupOf returns the name of the group whose nodes are exactly nodes.
func (w *writer) groupOf(nodes []string) (string, error) {
	if len(nodes) == 0 {
		return "", errors.New("no nodes")
	}
	i := strings.LastIndexByte(nodes[0], '[')
	if i <= 0 {
		return "", fmt.Errorf("node %q is not a group node; the format gives blocks whole groups only", nodes[0])
	}
	g, ok := w.groups[nodes[0][:i]]
	if !ok || g.Size != len(nodes) {
		return "", fmt.Errorf("its %d nodes from %q on are not those of a declared group", len(nodes), nodes[0])
	}
	for k, n := range nodes {
		if n != g.Node(k) {
			return "", fmt.Errorf("node %d is %q, not %q: the format gives blocks whole groups only", k, n, g.Node(k))
		}
	}
	return g.Name, nil
}

// groupsOf returns, as TOML, the name of the group whose nodes are exactly
// nodes, or the array of the names of the groups whose nodes, concatenated
// in order, are.
func (w *writer) groupsOf(nodes []string) (string, error) {
	if g, err := w.groupOf(nodes); err == nil {
		return quote(g), nil
	}
	var names []string
	for k := 0; k < len(nodes); {
		i := strings.LastIndexByte(nodes[k], '[')
		if i <= 0 {
			return "", fmt.Errorf("node %q is not a group node; the format gives blocks whole groups only", nodes[k])
		}
		g, ok := w.groups[nodes[k][:i]]
		if !ok || k+g.Size > len(nodes) {
			return "", fmt.Errorf("the nodes from %q (node %d) on are not those of declared groups", nodes[k], k)
		}
		for j := range g.Size {
			if nodes[k+j] != g.Node(j) {
				return "", fmt.Errorf("node %d is %q, not %q: the format gives blocks whole groups only", k+j, nodes[k+j], g.Node(j))
			}
		}
		if contains(names, g.Name) {
			return "", fmt.Errorf("group %q appears twice", g.Name)
		}
		names = append(names, g.Name)
		k += g.Size
	}
	if len(names) == 0 {
		return "", errors.New("no nodes")
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return "[" + strings.Join(q, ", ") + "]", nil
}

// element writes the card of e, whose fields are f: each value as its
// parameter's type says, vectors and matrices in sidecar files.
func (w *writer) element(e circuit.Element, f []circuit.Field, base string) error {
	k := e.Kind()
	if k.DefinesGroup {
		if g, err := w.groupOf(e.Terminals()); err != nil || g != e.Label() {
			return fmt.Errorf("its nodes must be %s[0], %s[1], ...", e.Label(), e.Label())
		}
	}
	w.printf("\n[[%s]]\nname = %s\n", k.Name, quote(e.Label()))
	sidecars := 0
	for _, fl := range f {
		p, ok := k.Param(fl.Key)
		if !ok {
			return fmt.Errorf("field %q is not a key of its card", fl.Key)
		}
		var v string
		var err error
		switch p.Type {
		case circuit.ParamVector, circuit.ParamMatrix:
			name := sidecarName(base, e.Label())
			if sidecars > 0 {
				name = sidecarName(base, e.Label()+"."+fl.Key)
			}
			sidecars++
			v, err = w.sidecar(name, fl.Value)
		default:
			v, err = w.value(p, fl.Value)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", fl.Key, err)
		}
		w.printf("%s = %s\n", tomlKey(fl.Key), v)
	}
	return nil
}

// value formats x, a value of parameter p, as TOML.
func (w *writer) value(p circuit.Param, x any) (string, error) {
	bad := fmt.Errorf("holds %T, not a %v", x, p.Type)
	switch p.Type {
	case circuit.ParamNumber, circuit.ParamNonZero, circuit.ParamPositive, circuit.ParamNonNegative, circuit.ParamSpread:
		if v, ok := x.(float64); ok {
			return formatNumber(v), nil
		}
	case circuit.ParamSize, circuit.ParamSeed:
		if v, ok := x.(int64); ok {
			return strconv.FormatInt(v, 10), nil
		}
	case circuit.ParamBool:
		if v, ok := x.(bool); ok {
			return strconv.FormatBool(v), nil
		}
	case circuit.ParamEnum, circuit.ParamElement, circuit.ParamNode:
		if v, ok := x.(string); ok {
			return quote(v), nil
		}
	case circuit.ParamNodePair:
		if v, ok := x.([2]string); ok {
			return w.pair(v), nil
		}
	case circuit.ParamGroup:
		if v, ok := x.([]string); ok {
			g, err := w.groupOf(v)
			return quote(g), err
		}
	case circuit.ParamGroupList:
		if v, ok := x.([]string); ok {
			return w.groupsOf(v)
		}
	case circuit.ParamModel:
		if v, ok := x.(circuit.DiodeModel); ok {
			return quote(v.Name), nil
		}
	}
	return "", bad
}

// sidecar adds the .npy file name holding x, a vector or a matrix, and
// returns the value that names it.
func (w *writer) sidecar(name string, x any) (string, error) {
	var data []byte
	switch x := x.(type) {
	case []float64:
		data = encodeNpy([]int{len(x)}, x)
	case *mat.Dense:
		r, c := x.Dims()
		v := make([]float64, 0, r*c)
		for i := range r {
			for j := range c {
				v = append(v, x.At(i, j))
			}
		}
		data = encodeNpy([]int{r, c}, v)
	default:
		return "", fmt.Errorf("holds %T, not a vector or matrix", x)
	}
	for _, s := range w.side {
		if s.name == name {
			return "", fmt.Errorf("its sidecar file %s is another's", name)
		}
	}
	w.side = append(w.side, sidecarFile{name, data})
	return quote(name), nil
}
