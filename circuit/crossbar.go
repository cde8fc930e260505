package circuit

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// Crossbar is a conductance from every node of From to every node of To:
// G.At(i, j) siemens between From[i] and To[j].
//
// With WireR > 0 the wires of the array have resistance, and the cells sit
// on internal nodes (IR drop). Row wire i runs from From[i] past the cells
// (i, 0), (i, 1), ..., (i, n-1) and ends open; column wire j runs from the
// cell (0, j) past the cells (1, j), ..., (m-1, j) to To[j], for m rows and
// n columns. Every wire segment between adjacent cells, between From[i]
// and the cell (i, 0), and between the cell (m-1, j) and To[j], is a
// resistor of WireR ohms: a row wire has n segments and a column wire m.
// The conductance G.At(i, j) joins the row wire's node RowNode(i, j) to the
// column wire's node ColNode(i, j). So the cell (m-1, 0) is nearest both
// ends and the cell (0, n-1) farthest: its current crosses n row and m
// column segments. The internal nodes are ordinary free nodes of the
// compiled system, named "NAME.r[i][j]" and "NAME.c[i][j]".
//
// From and To are the periphery: the drivers and sense amplifiers of the
// array. The drops that System.CrossbarDropsTo reports, and that a trainer
// measures, are V(From[i]) - V(To[j]) whatever WireR is, as hardware
// measures them at the periphery; System.CrossbarCellDropsTo gives the
// drops across the devices themselves.
type Crossbar struct {
	Name     string
	From, To []string
	// G has len(From) rows and len(To) columns, in siemens.
	G         *mat.Dense
	Trainable bool
	// WireR is the resistance in ohms of every wire segment, on the row
	// and the column wires. Zero means ideal wires: no internal nodes.
	// Compile decides from it whether the crossbar has internal nodes;
	// a crossbar compiled with WireR > 0 reads WireR again at every
	// evaluation, and it must stay positive.
	WireR float64
}

// CrossbarKind is the kind of Crossbar, the card [[crossbar]]. Its
// conductances come from exactly one of matrix (an .npy file) and an init
// rule: "uniform" draws them from [low, high] with a PCG seeded with seed,
// row-major; "sparse" draws each, row-major from a PCG seeded with seed,
// from [low, high] with probability density and sets it to low otherwise
// (most devices start off, as trained networks want); "constant" sets
// them all to g.
var CrossbarKind = &Kind{
	Name: "crossbar",
	Doc:  "A conductance from every node of one group (or list of groups) to every node of another.",
	Params: []Param{
		{Key: "from", Type: ParamGroupList, Required: true, Doc: "The rows: a group or input, or an array of them concatenated."},
		{Key: "to", Type: ParamGroupList, Required: true, Doc: "The columns: a group or input, or an array of them concatenated."},
		{Key: "trainable", Type: ParamBool, Default: "false", Doc: "Whether learning may change the conductances."},
		{Key: "matrix", Type: ParamMatrix, Unit: "S", Doc: "The conductances, len(from) x len(to), as a float64 .npy file."},
		{Key: "init", Type: ParamEnum, Values: []string{"uniform", "sparse", "constant"}, Doc: "The rule that draws the conductances instead of matrix."},
		{Key: "low", Type: ParamPositive, Unit: "S", Doc: "The lower bound of init = \"uniform\" or \"sparse\"."},
		{Key: "high", Type: ParamPositive, Unit: "S", Doc: "The upper bound of init = \"uniform\" or \"sparse\"."},
		{Key: "density", Type: ParamPositive, Doc: "The fraction of conductances init = \"sparse\" draws from [low, high], at most 1; the others are low."},
		{Key: "seed", Type: ParamSeed, Default: "1", Doc: "The seed of init = \"uniform\" or \"sparse\"."},
		{Key: "g", Type: ParamPositive, Unit: "S", Doc: "The conductance of init = \"constant\"."},
		{Key: "wire_r", Type: ParamNonNegative, Unit: "ohm", Default: "0", Doc: "The resistance of every wire segment (0: ideal wires)."},
	},
	Build: buildCrossbar,
}

// initKeys are the keys each init rule allows, and matrix none of.
var initKeys = map[string][]string{"": nil, "uniform": {"low", "high", "seed"}, "sparse": {"low", "high", "density", "seed"}, "constant": {"g"}}

func buildCrossbar(name string, a *Args) (Element, error) {
	e := &Crossbar{Name: name, From: a.Nodes("from"), To: a.Nodes("to"), Trainable: a.Bool("trainable")}
	if w := a.Float("wire_r"); w != 0 { // -0 is ideal wires too
		e.WireR = w
	}
	r, c := len(e.From), len(e.To)
	if r == 0 || c == 0 {
		return nil, paramErr("", "crossbar between empty groups")
	}
	if err := a.reserve("", 0, int64(r)*int64(c)); err != nil {
		return nil, err
	}
	if e.WireR > 0 {
		// The internal nodes: wire_r asks for them.
		if err := a.reserve("wire_r", 2*int64(r)*int64(c), 0); err != nil {
			return nil, err
		}
	}
	hasM, hasI := a.Has("matrix"), a.Has("init")
	rule := a.String("init")
	for _, k := range []string{"low", "high", "density", "seed", "g"} {
		if !a.Has(k) || contains(initKeys[rule], k) {
			continue
		}
		if !hasI {
			return nil, paramErr(k, "%s is not allowed with matrix (it belongs to an init rule)", k)
		}
		return nil, paramErr(k, "%s is not allowed with init = %q", k, rule)
	}
	data := make([]float64, r*c)
	switch {
	case hasM && hasI:
		return nil, paramErr("", "both matrix and init given: give exactly one")
	case hasM:
		m := a.Matrix("matrix")
		if mr, mc := m.Dims(); mr != r || mc != c {
			return nil, paramErr("matrix", "matrix has shape [%d, %d], want [%d, %d] (len(from), len(to))", mr, mc, r, c)
		}
		for k := range data {
			g := m.At(k/c, k%c)
			if !(g > 0) || math.IsInf(g, 0) {
				return nil, paramErr("matrix", "conductance [%d, %d] is %v, want a positive finite number of siemens", k/c, k%c, g)
			}
			data[k] = g
		}
	case rule == "uniform" || rule == "sparse":
		if !a.Has("low") || !a.Has("high") {
			return nil, paramErr("", "init = %q needs low and high (siemens)", rule)
		}
		low, high := a.Float("low"), a.Float("high")
		if low > high {
			return nil, paramErr("low", "low = %g is above high = %g", low, high)
		}
		density := 1.0
		if rule == "sparse" {
			if !a.Has("density") {
				return nil, paramErr("", "init = \"sparse\" needs density (the fraction of conductances drawn from [low, high])")
			}
			if density = a.Float("density"); density > 1 {
				return nil, paramErr("density", "density = %g is above 1", density)
			}
		}
		seed := int64(1)
		if a.Has("seed") {
			seed = a.Int("seed")
		}
		rng := rand.New(rand.NewPCG(uint64(seed), 0))
		for k := range data {
			if rule == "sparse" && rng.Float64() >= density {
				data[k] = low
				continue
			}
			data[k] = low + (high-low)*rng.Float64()
		}
	case rule == "constant":
		if !a.Has("g") {
			return nil, paramErr("", "init = \"constant\" needs g (siemens)")
		}
		for k := range data {
			data[k] = a.Float("g")
		}
	default:
		return nil, paramErr("", "neither matrix nor init given: give exactly one")
	}
	e.G = mat.NewDense(r, c, data)
	return e, nil
}

// RowNode returns the name of the internal node of the row wire at cell
// (i, j) of a crossbar with wire resistance: "NAME.r[i][j]".
func (e *Crossbar) RowNode(i, j int) string { return fmt.Sprintf("%s.r[%d][%d]", e.Name, i, j) }

// ColNode returns the name of the internal node of the column wire at cell
// (i, j) of a crossbar with wire resistance: "NAME.c[i][j]".
func (e *Crossbar) ColNode(i, j int) string { return fmt.Sprintf("%s.c[%d][%d]", e.Name, i, j) }

// Wired reports whether the crossbar has wire resistance, and so internal
// nodes.
func (e *Crossbar) Wired() bool { return e.WireR != 0 }

// InternalNodes returns the names of the internal nodes of a crossbar with
// wire resistance: the row nodes RowNode(i, j) in row-major order, then the
// column nodes ColNode(i, j) in row-major order. It returns nil for ideal
// wires.
func (e *Crossbar) InternalNodes() []string {
	if !e.Wired() {
		return nil
	}
	m, n := len(e.From), len(e.To)
	out := make([]string, 0, 2*m*n)
	for i := range m {
		for j := range n {
			out = append(out, e.RowNode(i, j))
		}
	}
	for i := range m {
		for j := range n {
			out = append(out, e.ColNode(i, j))
		}
	}
	return out
}

func (e *Crossbar) Label() string { return e.Name }
func (e *Crossbar) Terminals() []string {
	return append(append([]string(nil), e.From...), e.To...)
}
func (e *Crossbar) Kind() *Kind { return CrossbarKind }

// Fields writes the conductances as a matrix, whatever rule drew them.
func (e *Crossbar) Fields() ([]Field, error) {
	if e.G == nil {
		return nil, fmt.Errorf("no conductance matrix")
	}
	if r, c := e.G.Dims(); r != len(e.From) || c != len(e.To) {
		return nil, fmt.Errorf("conductance matrix is %dx%d, want %dx%d", r, c, len(e.From), len(e.To))
	}
	f := []Field{{"from", e.From}, {"to", e.To}}
	if e.Trainable {
		f = append(f, Field{"trainable", true})
	}
	f = append(f, Field{"matrix", e.G})
	if e.WireR != 0 {
		f = append(f, Field{"wire_r", e.WireR})
	}
	return f, nil
}

// Parts are an 'R' part per nonzero conductance, named "I_J" for cell
// (I, J), between From[I] and To[J] or, with wire resistance, between
// the cell's row and column nodes; with wire resistance they follow a
// part per wire segment: "r_I_J", the row wire's segment that ends at
// cell (I, J), coming from From[I] (J = 0) or cell (I, J-1), and
// "c_I_J", the column wire's segment that starts at cell (I, J), going to
// cell (I+1, J) or To[J] (last row).
func (e *Crossbar) Parts() iter.Seq[Part] {
	return func(yield func(Part) bool) {
		m, n := e.G.Dims()
		raw := e.G.RawMatrix()
		// The names of a row's parts are cut from one string: a crossbar
		// has a part per cell, and a string each would cost an
		// allocation each.
		var names cellNames
		part := func(name string, a, b string, g float64) bool {
			return yield(Part{Type: 'R', Name: name, Nodes: [2]string{a, b}, Value: g})
		}
		if !e.Wired() {
			for i := range m {
				names.row("", i, n)
				for j, g := range raw.Data[i*raw.Stride : i*raw.Stride+n] {
					if g != 0 && !part(names.name(j), e.From[i], e.To[j], g) {
						return
					}
				}
			}
			return
		}
		gw := 1 / e.WireR
		for i := range m {
			names.row("r_", i, n)
			for j := range n {
				a := e.From[i]
				if j > 0 {
					a = e.RowNode(i, j-1)
				}
				if !part(names.name(j), a, e.RowNode(i, j), gw) {
					return
				}
			}
		}
		for i := range m {
			names.row("c_", i, n)
			for j := range n {
				b := e.To[j]
				if i+1 < m {
					b = e.ColNode(i+1, j)
				}
				if !part(names.name(j), e.ColNode(i, j), b, gw) {
					return
				}
			}
		}
		for i := range m {
			names.row("", i, n)
			for j := range n {
				if g := raw.Data[i*raw.Stride+j]; g != 0 && !part(names.name(j), e.RowNode(i, j), e.ColNode(i, j), g) {
					return
				}
			}
		}
	}
}

// cellNames makes the part names of a crossbar's rows.
type cellNames struct {
	cols []string // "_0", "_1", ...
	buf  []byte
	ends []int
	s    string
}

// row makes the names prefix+"I_J" of row i's n cells; name returns them.
func (c *cellNames) row(prefix string, i, n int) {
	if len(c.cols) != n {
		c.cols = make([]string, n)
		for j := range c.cols {
			c.cols[j] = "_" + strconv.Itoa(j)
		}
	}
	buf, ends := c.buf[:0], c.ends[:0]
	buf = append(buf, prefix...)
	buf = strconv.AppendInt(buf, int64(i), 10)
	head := len(buf)
	for j, col := range c.cols {
		if j > 0 {
			buf = append(buf, buf[:head]...)
		}
		buf = append(buf, col...)
		ends = append(ends, len(buf))
	}
	c.buf, c.ends, c.s = buf, ends, string(buf)
}

// name returns the name of cell j of the last row made.
func (c *cellNames) name(j int) string {
	start := 0
	if j > 0 {
		start = c.ends[j-1]
	}
	return c.s[start:c.ends[j]]
}

// IsTrainable reports whether learning may change the conductances.
func (e *Crossbar) IsTrainable() bool { return e.Trainable }

// Sides returns From and To.
func (e *Crossbar) Sides() (a, b []string) { return e.From, e.To }

// ConductancesTo copies G into dst, row-major.
func (e *Crossbar) ConductancesTo(dst []float64) {
	r, c := e.G.Dims()
	mat.NewDense(r, c, dst).Copy(e.G)
}

// SetConductances sets G from g, row-major.
func (e *Crossbar) SetConductances(g []float64) {
	r, c := e.G.Dims()
	e.G.Copy(mat.NewDense(r, c, g))
}

// ConductanceData returns G's entries, row-major: the storage the
// circuit reads, so writing it changes the crossbar.
func (e *Crossbar) ConductanceData() []float64 {
	r, c := e.G.Dims()
	raw := e.G.RawMatrix()
	if raw.Stride != c {
		return nil
	}
	return raw.Data[:r*c]
}

// SetConductanceRows sets rows lo, lo+1, ... of G from g, row-major; g
// holds a whole number of rows.
func (e *Crossbar) SetConductanceRows(lo int, g []float64) {
	_, c := e.G.Dims()
	raw := e.G.RawMatrix()
	for i := 0; i < len(g); i += c {
		copy(raw.Data[(lo+i/c)*raw.Stride:(lo+i/c)*raw.Stride+c], g[i:i+c])
	}
}

// Conductance returns a pointer to G's entry k, row-major.
func (e *Crossbar) Conductance(k int) *float64 {
	_, c := e.G.Dims()
	raw := e.G.RawMatrix()
	return &raw.Data[(k/c)*raw.Stride+k%c]
}

// CellNodes returns From[i] and To[j], or with wire resistance the cell's
// row and column nodes.
func (e *Crossbar) CellNodes(i, j int) (a, b string) {
	if e.Wired() {
		return e.RowNode(i, j), e.ColNode(i, j)
	}
	return e.From[i], e.To[j]
}

func (e *Crossbar) Check() error {
	if e.G == nil {
		return &Error{Element: e.Name, Msg: "no conductance matrix"}
	}
	r, c := e.G.Dims()
	if r != len(e.From) || c != len(e.To) {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("conductance matrix is %dx%d, want %dx%d", r, c, len(e.From), len(e.To))}
	}
	if !(e.WireR >= 0) || math.IsInf(e.WireR, 0) {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("wire resistance %v ohms, want a finite number >= 0", e.WireR)}
	}
	return nil
}

func (e *Crossbar) Stamp(st Stamper) { st.Crossbar(e) }

func contains[T comparable](s []T, v T) bool {
	for _, w := range s {
		if w == v {
			return true
		}
	}
	return false
}

func (e *Crossbar) element() {}

// CrossbarWires calls seg(a, b) for every wire segment of a crossbar with
// wire resistance, in the geometry Crossbar.WireR describes, given the
// indices (in any numbering) of its periphery nodes from (len m) and to
// (len n) and of its cells' row and column nodes r and c (len m*n,
// row-major): row wire i runs from from[i] to cell (i, 0), then from cell
// (i, j) to cell (i, j+1); column wire j from cell (i, j) to cell (i+1, j),
// then from cell (m-1, j) to to[j]. It panics if the lengths disagree.
func CrossbarWires(from, to, r, c []int, seg func(a, b int)) {
	m, n := len(from), len(to)
	if len(r) != m*n || len(c) != m*n {
		panic(fmt.Sprintf("circuit: CrossbarWires: %d and %d cell nodes for a %dx%d crossbar", len(r), len(c), m, n))
	}
	for i := range m {
		seg(from[i], r[i*n])
		for j := 0; j+1 < n; j++ {
			seg(r[i*n+j], r[i*n+j+1])
		}
	}
	for j := range n {
		for i := 0; i+1 < m; i++ {
			seg(c[i*n+j], c[(i+1)*n+j])
		}
		seg(c[(m-1)*n+j], to[j])
	}
}
