package circuit

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
)

// Amplifier is a bidirectional amplifier between two groups of equal size:
// for each i a forward VCVS drives To[i] to Gain*V(From[i]) against ground,
// and a backward CCCS draws the current that To[i] delivers, divided by
// Gain, out of From[i]. The layer behind sees the next one through a
// current mirror, as in Kendall et al. 2020.
//
// Gains and Offsets model the channels' gain errors and offsets: channel
// i drives V(To[i]) = Gains[i]*V(From[i]) + Offsets[i] and its mirror
// draws 1/Gains[i] of To[i]'s current out of From[i]. Gain stays the
// nominal gain, the calibration constant that learning rules use. Compile
// reads the gains and offsets once.
//
// Swing and Rout make the channels real parts (see AmplifierChannel): an
// output that saturates smoothly at +-Swing volts,
// Swing*tanh((gain*v + offset)/Swing), and an output resistance of Rout
// ohms. The mirror keeps its ratio 1/gain when the output saturates: it
// passes the learning signal back as if the channel were linear (a
// straight-through estimate), so EqProp's estimate is exact only where
// no channel saturates. Both are off at zero, which leaves the ideal
// amplifier above exactly as it is.
type Amplifier struct {
	Name     string
	From, To []string
	Gain     float64
	// Swing is the output swing in volts, 0 for an ideal output.
	Swing float64
	// Rout is the output resistance in ohms, 0 for none.
	Rout float64
	// Gains, if not nil, holds the actual gain of each channel,
	// dimensionless, in place of Gain.
	Gains []float64
	// Offsets, if not nil, holds each channel's output offset in volts;
	// nil means none.
	Offsets []float64
	// Variation is how Gains and Offsets were drawn, kept so that a
	// netlist can be written back as its recipe. The solvers read Gains
	// and Offsets only.
	Variation AmplifierVariation
}

// AmplifierKind is the kind of Amplifier, the card [[amplifier]].
var AmplifierKind = &Kind{
	Name: "amplifier",
	Doc:  "A bidirectional amplifier between two groups of equal size: to[i] = gain*from[i], and a mirror returns 1/gain of to[i]'s current into from[i].",
	Params: []Param{
		{Key: "from", Type: ParamGroup, Required: true, Doc: "The driving group."},
		{Key: "to", Type: ParamGroup, Required: true, Doc: "The driven group, of the same size."},
		{Key: "gain", Type: ParamNonZero, Required: true, Doc: "The nominal voltage gain."},
		{Key: "swing", Type: ParamNonNegative, Unit: "V", Default: "0", Doc: "The output swing: outputs saturate smoothly at +-swing (0: ideal)."},
		{Key: "rout", Type: ParamNonNegative, Unit: "ohm", Default: "0", Doc: "The output resistance (0: none)."},
		{Key: "gain_error", Type: ParamSpread, Max: MaxRelativeSpread, Default: "0", Doc: "The relative standard deviation of each channel's gain."},
		{Key: "offset", Type: ParamSpread, Max: math.MaxFloat64, Unit: "V", Default: "0", Doc: "The standard deviation of each channel's output offset."},
		{Key: "seed", Type: ParamSeed, Default: "1", Doc: "The seed of the channels' draws."},
	},
	Build: func(name string, a *Args) (Element, error) {
		from, to := a.Nodes("from"), a.Nodes("to")
		if len(from) != len(to) {
			return nil, paramErr("", "groups differ in size: from has %d nodes, to has %d", len(from), len(to))
		}
		e := &Amplifier{Name: name, From: from, To: to, Gain: a.Float("gain"), Swing: a.Float("swing"), Rout: a.Float("rout")}
		v := AmplifierVariation{GainError: a.Float("gain_error"), Offset: a.Float("offset")}
		v.Seed = variationSeed(a, v != AmplifierVariation{})
		e.Vary(v)
		return e, nil
	},
}

// ChannelGain returns the gain of channel i: Gains[i], or Gain if Gains is
// nil.
func (e *Amplifier) ChannelGain(i int) float64 {
	if e.Gains != nil {
		return e.Gains[i]
	}
	return e.Gain
}

// ChannelAt returns channel i as a device: its gain, the nominal gain,
// its offset, the swing and the output resistance.
func (e *Amplifier) ChannelAt(i int) AmplifierChannel {
	return AmplifierChannel{Gain: e.ChannelGain(i), Nominal: e.Gain, Offset: e.Offset(i), Swing: e.Swing, Rout: e.Rout}
}

// Offset returns the output offset of channel i in volts: Offsets[i], or 0
// if Offsets is nil.
func (e *Amplifier) Offset(i int) float64 {
	if e.Offsets != nil {
		return e.Offsets[i]
	}
	return 0
}

// Vary sets e.Variation to v and draws the channels' gains and offsets
// from it with v.Draw: Gains and Offsets become nil where v's spread is
// zero.
func (e *Amplifier) Vary(v AmplifierVariation) {
	e.Variation = v
	e.Gains, e.Offsets = v.Draw(e.Gain, len(e.From))
}

// Channel returns the name of the branch current of channel i, "NAME[i]"
// (see System.Unknown).
func (e *Amplifier) Channel(i int) string { return e.Name + "[" + strconv.Itoa(i) + "]" }

func (e *Amplifier) Label() string { return e.Name }
func (e *Amplifier) Terminals() []string {
	return append(append([]string(nil), e.From...), e.To...)
}
func (e *Amplifier) Kind() *Kind { return AmplifierKind }

// Fields writes the variation's recipe; it returns an error if the
// channels' gains and offsets are not what the recipe draws.
func (e *Amplifier) Fields() ([]Field, error) {
	f := []Field{{"from", e.From}, {"to", e.To}, {"gain", e.Gain}}
	if e.Swing != 0 {
		f = append(f, Field{"swing", e.Swing})
	}
	if e.Rout != 0 {
		f = append(f, Field{"rout", e.Rout})
	}
	v := e.Variation
	if err := v.Validate(); err != nil {
		return nil, err
	}
	gains, offsets := v.Draw(e.Gain, len(e.From))
	if !sameFloats(gains, e.Gains) || !sameFloats(offsets, e.Offsets) {
		return nil, errors.New("its channel gains and offsets are not those its variation draws, and only the variation has a netlist form")
	}
	if v != (AmplifierVariation{}) {
		if v.GainError != 0 {
			f = append(f, Field{"gain_error", v.GainError})
		}
		if v.Offset != 0 {
			f = append(f, Field{"offset", v.Offset})
		}
		f = append(f, Field{"seed", int64(v.Seed)})
	}
	return f, nil
}

// Parts are, for every channel I, three parts named "I": an 'E' of the
// channel's gain from an internal node "I_s" to ground, controlled by
// From[I]; a sense 'V' of minus the channel's offset from "I_s" to To[I],
// so that V(To[I]) = gain*V(From[I]) + offset; and an 'F' of gain 1/gain
// that draws the sensed current out of From[I]. The 'E' part's branch is
// the channel's branch current. With a swing the 'E' part saturates
// (Part.Swing) and holds the offset, and the sense source is 0 V; with an
// output resistance an 'R' part "I" of 1/Rout siemens joins "I_s" to a
// second internal node "I_r", from which the sense source goes to To[I].
func (e *Amplifier) Parts() iter.Seq[Part] {
	return func(yield func(Part) bool) {
		for i := range e.From {
			name := strconv.Itoa(i)
			s := name + "_s"
			g := e.ChannelGain(i)
			ep := Part{Type: 'E', Name: name, Nodes: [2]string{s, Ground}, Internal: [2]bool{true, false},
				Control: [2]string{e.From[i], Ground}, Value: g, Branch: e.Channel(i)}
			off := 0.0
			if o := e.Offset(i); o != 0 {
				off = -o
			}
			if e.Swing != 0 {
				ep.Swing, ep.Offset, off = e.Swing, e.Offset(i), 0
			}
			if !yield(ep) {
				return
			}
			if e.Rout != 0 {
				r := name + "_r"
				if !yield(Part{Type: 'R', Name: name, Nodes: [2]string{s, r}, Internal: [2]bool{true, true}, Value: 1 / e.Rout}) {
					return
				}
				s = r
			}
			if !yield(Part{Type: 'V', Name: name, Nodes: [2]string{s, e.To[i]}, Internal: [2]bool{true, false}, Value: off}) {
				return
			}
			if !yield(Part{Type: 'F', Name: name, Nodes: [2]string{e.From[i], Ground}, Sense: name, Value: 1 / g}) {
				return
			}
		}
	}
}

func (e *Amplifier) Check() error {
	if len(e.From) != len(e.To) {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("groups differ in size: %d and %d", len(e.From), len(e.To))}
	}
	if e.Gain == 0 {
		return &Error{Element: e.Name, Msg: "gain is zero"}
	}
	if !(e.Swing >= 0) || !finite(e.Swing) || !(e.Rout >= 0) || !finite(e.Rout) {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("swing %v V and rout %v ohm, want finite numbers not negative", e.Swing, e.Rout)}
	}
	if e.Gains != nil && len(e.Gains) != len(e.From) {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("%d channel gains for %d channels", len(e.Gains), len(e.From))}
	}
	if e.Offsets != nil && len(e.Offsets) != len(e.From) {
		return &Error{Element: e.Name, Msg: fmt.Sprintf("%d channel offsets for %d channels", len(e.Offsets), len(e.From))}
	}
	for i, g := range e.Gains {
		if g == 0 || !finite(g) {
			return &Error{Element: e.Name, Msg: fmt.Sprintf("channel %d: gain %v, want a nonzero finite number", i, g)}
		}
	}
	for i, v := range e.Offsets {
		if !finite(v) {
			return &Error{Element: e.Name, Msg: fmt.Sprintf("channel %d: offset %v V, want a finite number", i, v)}
		}
	}
	return nil
}

func (e *Amplifier) Stamp(st Stamper) {
	for i := range e.From {
		st.Amplifier(e.From[i], e.To[i], e.ChannelAt(i), e.Channel(i))
	}
}

func (e *Amplifier) element() {}
