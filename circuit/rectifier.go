package circuit

import (
	"errors"
	"fmt"
	"iter"
	"math"
)

// Rectifier puts a diode pair on every node of a group: a diode from the
// node (anode) to the High rail (cathode), which conducts when the node
// rises above High, and a diode from the Low rail (anode) to the node
// (cathode), which conducts when it falls below Low.
//
// Every diode has Model's parameters unless IS or N say otherwise: diode
// k = 2i is node i's diode to High and k = 2i+1 its diode from Low, and
// IS[k] and N[k], when IS or N is not nil, are its saturation current and
// emission coefficient (device-to-device variation; see Vary). Compile
// reads the diodes' parameters once, as it reads Model.
type Rectifier struct {
	Name      string
	Nodes     []string
	Model     DiodeModel
	High, Low string
	// IS, if not nil, holds the saturation current in amperes of each of
	// the 2*len(Nodes) diodes, in place of Model.IS.
	IS []float64
	// N, if not nil, holds the emission coefficient of each diode, in
	// place of Model.N.
	N []float64
	// Variation is how IS and N were drawn, kept so that a netlist can
	// be written back as its recipe. The solvers read IS and N only.
	Variation DiodeVariation
}

// RectifierKind is the kind of Rectifier, the card [[rectifier]].
var RectifierKind = &Kind{
	Name: "rectifier",
	Doc:  "A diode pair on every node of a group: one to the high rail, one from the low rail.",
	Params: []Param{
		{Key: "group", Type: ParamGroup, Required: true, Doc: "The group whose nodes get the diodes."},
		{Key: "model", Type: ParamModel, Required: true, Doc: "The diodes' model."},
		{Key: "high", Type: ParamNode, Required: true, Doc: "The rail the diodes from the nodes conduct to, above it."},
		{Key: "low", Type: ParamNode, Required: true, Doc: "The rail the diodes to the nodes conduct from, below it."},
		{Key: "is_spread", Type: ParamSpread, Max: MaxISSpread, Default: "0", Doc: "The standard deviation of ln(is) across the diodes."},
		{Key: "n_spread", Type: ParamSpread, Max: MaxRelativeSpread, Default: "0", Doc: "The relative standard deviation of n across the diodes."},
		{Key: "seed", Type: ParamSeed, Default: "1", Doc: "The seed of the diodes' draws."},
	},
	Build: func(name string, a *Args) (Element, error) {
		e := &Rectifier{Name: name, Nodes: a.Nodes("group"), Model: a.Model("model"), High: a.String("high"), Low: a.String("low")}
		v := DiodeVariation{ISSpread: a.Float("is_spread"), NSpread: a.Float("n_spread")}
		v.Seed = variationSeed(a, v != DiodeVariation{})
		e.Vary(v)
		return e, nil
	},
}

// variationSeed returns the seed parameter of a variation: as given, else
// 1 if the variation draws anything and 0 if not, so that a card without
// variation keys has the zero variation.
func variationSeed(a *Args, vary bool) uint64 {
	switch {
	case a.Has("seed"):
		return uint64(a.Int("seed"))
	case vary:
		return 1
	}
	return 0
}

// Diode returns the model of diode k of the rectifier, 0 <= k <
// 2*len(Nodes): Model with IS and N replaced by IS[k] and N[k] where those
// are not nil. Diode 2i goes from node i to High, diode 2i+1 from Low to
// node i.
func (e *Rectifier) Diode(k int) DiodeModel {
	m := e.Model
	if e.IS != nil {
		m.IS = e.IS[k]
	}
	if e.N != nil {
		m.N = e.N[k]
	}
	return m
}

// Vary sets e.Variation to v and draws the parameters of the rectifier's
// diodes from it with v.Draw: IS and N become nil where v's spread is zero.
func (e *Rectifier) Vary(v DiodeVariation) {
	e.Variation = v
	e.IS, e.N = v.Draw(e.Model, 2*len(e.Nodes))
}

// varies reports whether the diodes have parameters of their own.
func (e *Rectifier) varies() bool { return e.IS != nil || e.N != nil }

func (e *Rectifier) Label() string { return e.Name }
func (e *Rectifier) Terminals() []string {
	return append(append([]string(nil), e.Nodes...), e.High, e.Low)
}
func (e *Rectifier) Kind() *Kind { return RectifierKind }

// Fields writes the variation's recipe; it returns an error if the
// diodes' parameters are not what the recipe draws.
func (e *Rectifier) Fields() ([]Field, error) {
	f := []Field{{"group", e.Nodes}, {"model", e.Model}, {"high", e.High}, {"low", e.Low}}
	v := e.Variation
	if err := v.Validate(); err != nil {
		return nil, err
	}
	is, n := v.Draw(e.Model, 2*len(e.Nodes))
	if !sameFloats(is, e.IS) || !sameFloats(n, e.N) {
		return nil, errors.New("its per-diode parameters are not those its variation draws, and only the variation has a netlist form")
	}
	if v != (DiodeVariation{}) {
		if v.ISSpread != 0 {
			f = append(f, Field{"is_spread", v.ISSpread})
		}
		if v.NSpread != 0 {
			f = append(f, Field{"n_spread", v.NSpread})
		}
		f = append(f, Field{"seed", int64(v.Seed)})
	}
	return f, nil
}

// Parts are a 'D' part per diode: "I_hi" from node I to High and "I_lo"
// from Low to node I. Diodes that vary have models of their own, with no
// name.
func (e *Rectifier) Parts() iter.Seq[Part] {
	return func(yield func(Part) bool) {
		own := func(k int) DiodeModel {
			if !e.varies() {
				return e.Model
			}
			m := e.Diode(k)
			m.Name = ""
			return m
		}
		for i, n := range e.Nodes {
			if !yield(Part{Type: 'D', Name: fmt.Sprintf("%d_hi", i), Nodes: [2]string{n, e.High}, Model: own(2 * i)}) ||
				!yield(Part{Type: 'D', Name: fmt.Sprintf("%d_lo", i), Nodes: [2]string{e.Low, n}, Model: own(2*i + 1)}) {
				return
			}
		}
	}
}

func (e *Rectifier) Check() error {
	for _, p := range []struct {
		name string
		v    []float64
	}{{"IS", e.IS}, {"N", e.N}} {
		if p.v == nil {
			continue
		}
		if len(p.v) != 2*len(e.Nodes) {
			return &Error{Element: e.Name, Msg: fmt.Sprintf("%d per-diode %s values for %d diodes", len(p.v), p.name, 2*len(e.Nodes))}
		}
		for k, v := range p.v {
			if !(v > 0) || !finite(v) {
				return &Error{Element: e.Name, Msg: fmt.Sprintf("diode %d: %s = %v, want a positive finite number", k, p.name, v)}
			}
		}
	}
	return nil
}

// Stamp stamps the diodes in order: node i's diode to High, named
// "NAME[i].hi", then its diode from Low, "NAME[i].lo".
func (e *Rectifier) Stamp(st Stamper) {
	for i, nm := range e.Nodes {
		st.Junction(nm, e.High, e.Diode(2*i), fmt.Sprintf("%s[%d].hi", e.Name, i))
		st.Junction(e.Low, nm, e.Diode(2*i+1), fmt.Sprintf("%s[%d].lo", e.Name, i))
	}
}

// sameFloats reports whether a and b hold the same numbers, bit for bit
// (nil and empty alike).
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

func (e *Rectifier) element() {}
