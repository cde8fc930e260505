package netlist

import (
	"github.com/eqsim/eqsim/internal/atomicfile"

	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/eqsim/eqsim/circuit"
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

// sameFloats reports whether a and b hold the same float64s bit for bit,
// nil and empty alike.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
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
		if !isBare(s[i]) {
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
	if c.Temp != 0 || c.TNom != 0 || c.NodeCapacitance != 0 {
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
	inputs := map[string]*circuit.Input{}
	for _, e := range c.Elements {
		var err error
		switch e := e.(type) {
		case *circuit.Diode:
			err = addModel(e.Model, fmt.Sprintf("diode %q", e.Name))
		case *circuit.Rectifier:
			err = addModel(e.Model, fmt.Sprintf("rectifier %q", e.Name))
		case *circuit.Input:
			inputs[e.Name] = e
			w.groups[e.Name] = circuit.Group{Name: e.Name, Size: len(e.Nodes)}
		}
		if err != nil {
			return nil, nil, err
		}
	}
	for _, name := range sortedKeys(models) {
		m := models[name]
		w.printf("\n[models.%s]\ntype = \"diode\"\nis = %s\nn = %s\n", tomlKey(name), formatNumber(m.IS), formatNumber(m.N))
	}

	for _, g := range c.Groups {
		if old, ok := w.groups[g.Name]; ok && (inputs[g.Name] == nil || old != g) {
			return nil, nil, fmt.Errorf("group %q: declared twice, or not matching the input of that name", g.Name)
		}
		w.groups[g.Name] = g
	}
	// Groups and inputs go out in the order of c.Groups, so that Groups
	// reads back the same: the plain groups before the first input at the
	// top, and the plain groups that follow an input right after it.
	next := 0
	group := func(g circuit.Group) {
		w.printf("\n[[group]]\nname = %s\nsize = %d\n", quote(g.Name), g.Size)
	}
	plain := func() {
		for ; next < len(c.Groups) && inputs[c.Groups[next].Name] == nil; next++ {
			group(c.Groups[next])
		}
	}
	plain()
	for _, e := range c.Elements {
		if err := w.element(e, base); err != nil {
			return nil, nil, fmt.Errorf("%s %q: %w", kindOf(e), e.Label(), err)
		}
		if in, ok := e.(*circuit.Input); ok && next < len(c.Groups) && c.Groups[next].Name == in.Name {
			next++
			plain()
		}
	}
	// Only if the inputs are out of the order of their groups.
	for ; next < len(c.Groups); next++ {
		if inputs[c.Groups[next].Name] == nil {
			group(c.Groups[next])
		}
	}
	if err := w.renderTraining(nl.Output, nl.Training); err != nil {
		return nil, nil, err
	}
	return []byte(w.b.String()), w.side, nil
}

func kindOf(e circuit.Element) string {
	switch e.(type) {
	case *circuit.Resistor:
		return "resistor"
	case *circuit.Diode:
		return "diode"
	case *circuit.VSource:
		return "vsource"
	case *circuit.ISource:
		return "isource"
	case *circuit.VCVS:
		return "vcvs"
	case *circuit.CCCS:
		return "cccs"
	case *circuit.Capacitor:
		return "capacitor"
	case *circuit.Crossbar:
		return "crossbar"
	case *circuit.Rectifier:
		return "rectifier"
	case *circuit.Amplifier:
		return "amplifier"
	case *circuit.Input:
		return "input"
	}
	return fmt.Sprintf("%T", e)
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

func (w *writer) element(e circuit.Element, base string) error {
	kind := kindOf(e)
	w.printf("\n[[%s]]\nname = %s\n", kind, quote(e.Label()))
	switch e := e.(type) {
	case *circuit.Resistor:
		w.printf("nodes = %s\ng = %s\n", w.pair(e.Nodes), formatNumber(e.G))
		if e.Trainable {
			w.printf("trainable = true\n")
		}
	case *circuit.Diode:
		w.printf("nodes = %s\nmodel = %s\n", w.pair(e.Nodes), quote(e.Model.Name))
	case *circuit.VSource:
		w.printf("nodes = %s\nv = %s\n", w.pair(e.Nodes), formatNumber(e.V))
	case *circuit.ISource:
		w.printf("nodes = %s\ni = %s\n", w.pair(e.Nodes), formatNumber(e.I))
	case *circuit.VCVS:
		w.printf("nodes = %s\ncontrol = %s\ngain = %s\n", w.pair(e.Nodes), w.pair(e.Control), formatNumber(e.Gain))
	case *circuit.CCCS:
		w.printf("nodes = %s\ncontrol = %s\ngain = %s\n", w.pair(e.Nodes), quote(e.Control), formatNumber(e.Gain))
	case *circuit.Capacitor:
		w.printf("nodes = %s\nc = %s\n", w.pair(e.Nodes), formatNumber(e.C))
	case *circuit.Crossbar:
		from, err := w.groupsOf(e.From)
		if err != nil {
			return fmt.Errorf("from: %w", err)
		}
		to, err := w.groupsOf(e.To)
		if err != nil {
			return fmt.Errorf("to: %w", err)
		}
		if e.G == nil {
			return errors.New("no conductance matrix")
		}
		r, c := e.G.Dims()
		if r != len(e.From) || c != len(e.To) {
			return fmt.Errorf("conductance matrix is %dx%d, want %dx%d", r, c, len(e.From), len(e.To))
		}
		data := make([]float64, 0, r*c)
		for i := range r {
			for j := range c {
				data = append(data, e.G.At(i, j))
			}
		}
		name := sidecarName(base, e.Name)
		w.side = append(w.side, sidecarFile{name, encodeNpy([]int{r, c}, data)})
		w.printf("from = %s\nto = %s\n", from, to)
		if e.Trainable {
			w.printf("trainable = true\n")
		}
		w.printf("matrix = %s\n", quote(name))
		if e.WireR != 0 {
			w.printf("wire_r = %s\n", formatNumber(e.WireR))
		}
	case *circuit.Rectifier:
		g, err := w.groupOf(e.Nodes)
		if err != nil {
			return err
		}
		w.printf("group = %s\nmodel = %s\nhigh = %s\nlow = %s\n", quote(g), quote(e.Model.Name), quote(e.High), quote(e.Low))
		v := e.Variation
		if err := v.Validate(); err != nil {
			return err
		}
		is, n := v.Draw(e.Model, 2*len(e.Nodes))
		if !sameFloats(is, e.IS) || !sameFloats(n, e.N) {
			return errors.New("its per-diode parameters are not those its variation draws, and only the variation has a netlist form")
		}
		if v != (circuit.DiodeVariation{}) {
			if v.ISSpread != 0 {
				w.printf("is_spread = %s\n", formatNumber(v.ISSpread))
			}
			if v.NSpread != 0 {
				w.printf("n_spread = %s\n", formatNumber(v.NSpread))
			}
			w.printf("seed = %d\n", v.Seed)
		}
	case *circuit.Amplifier:
		from, err := w.groupOf(e.From)
		if err != nil {
			return fmt.Errorf("from: %w", err)
		}
		to, err := w.groupOf(e.To)
		if err != nil {
			return fmt.Errorf("to: %w", err)
		}
		w.printf("from = %s\nto = %s\ngain = %s\n", quote(from), quote(to), formatNumber(e.Gain))
		v := e.Variation
		if err := v.Validate(); err != nil {
			return err
		}
		gains, offsets := v.Draw(e.Gain, len(e.From))
		if !sameFloats(gains, e.Gains) || !sameFloats(offsets, e.Offsets) {
			return errors.New("its channel gains and offsets are not those its variation draws, and only the variation has a netlist form")
		}
		if v != (circuit.AmplifierVariation{}) {
			if v.GainError != 0 {
				w.printf("gain_error = %s\n", formatNumber(v.GainError))
			}
			if v.Offset != 0 {
				w.printf("offset = %s\n", formatNumber(v.Offset))
			}
			w.printf("seed = %d\n", v.Seed)
		}
	case *circuit.Input:
		if g, err := w.groupOf(e.Nodes); err != nil || g != e.Name {
			return fmt.Errorf("its nodes must be %s[0], %s[1], ...", e.Name, e.Name)
		}
		enc := "single"
		if e.Differential {
			enc = "differential"
		}
		w.printf("size = %d\nencoding = %q\namplitude = %s\n", len(e.Values), enc, formatNumber(e.Amplitude))
		zero := true
		for _, v := range e.Values {
			if math.Float64bits(v) != 0 {
				zero = false
				break
			}
		}
		if !zero {
			name := sidecarName(base, e.Name)
			w.side = append(w.side, sidecarFile{name, encodeNpy([]int{len(e.Values)}, e.Values)})
			w.printf("values = %s\n", quote(name))
		}
	default:
		return fmt.Errorf("cannot write element of type %T", e)
	}
	return nil
}
