package importer

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// modelDef is a .model card.
type modelDef struct {
	name   string // as written
	typ    string // lower case: d, npn, nmos, ...
	card   *importCard
	params []deckParam
}

// parseModel reads `.model NAME TYPE [(] name=value ... [)]` into def. Models
// of types other than D are kept, with a note, so that a diode naming one
// gets a clear error.
func (im *importer) parseModel(card *importCard, toks []deckToken, def *subcktDef) error {
	if len(toks) < 3 || toks[1].expr || toks[1].eq || toks[2].expr || toks[2].eq {
		return im.cardError(card, "", "a .model card needs a name and a type: .model NAME D(IS=... N=...)")
	}
	pos, params, err := splitParams(toks[3:])
	if err != nil {
		return im.cardError(card, "", err.Error())
	}
	if len(pos) > 0 {
		return im.cardError(card, "", fmt.Sprintf("unexpected %s: model parameters are name=value", pos[0].s))
	}
	m := &modelDef{name: toks[1].s, typ: strings.ToLower(toks[2].s), card: card, params: params}
	key := strings.ToLower(m.name)
	if prev, dup := def.models[key]; dup {
		return im.cardError(card, "", fmt.Sprintf("model %s is defined twice (first at line %d)", m.name, prev.card.line))
	}
	def.models[key] = m
	if m.typ != "d" {
		im.note(card, "model %s of type %s is for devices eqsim cannot simulate", m.name, toks[2].s)
	}
	return nil
}

// diodeParam is how Import treats one diode model parameter of ngspice.
type diodeParam struct {
	// set stores a supported parameter in the model, whose value must be
	// positive (or zero, with zero). A parameter with set nil is parsed
	// but not supported yet: a value other than def is an error "NAME is
	// not supported yet".
	set  func(m *circuit.DiodeModel, v float64)
	zero bool
	// def is the SPICE default; NaN means "not given", so that any
	// value is an error (BV: no breakdown unless given).
	def float64
	// tempOnly marks a parameter that changes the diode only away from
	// its nominal temperature: a value other than def is an error only
	// when the circuit's temperature differs from tnom.
	tempOnly bool
	// ignored says why the parameter does not matter to eqsim (charge
	// storage and noise); it is accepted with a note.
	ignored string
}

const (
	noCharge = "junction capacitance and transit time are not modelled by eqsim (DC is unaffected)"
	noNoise  = "flicker noise is not modelled by eqsim"
	unused   = "it matters only with a parameter eqsim does not support"
)

// diodeParams are ngspice's diode model parameters by lower-case name
// (ngspice 39, level 1), aliases included.
var diodeParams = map[string]diodeParam{
	"is":  {set: func(m *circuit.DiodeModel, v float64) { m.IS = v }},
	"js":  {set: func(m *circuit.DiodeModel, v float64) { m.IS = v }},
	"n":   {set: func(m *circuit.DiodeModel, v float64) { m.N = v }},
	"rs":  {set: func(m *circuit.DiodeModel, v float64) { m.RS = v }, zero: true},
	"bv":  {set: func(m *circuit.DiodeModel, v float64) { m.BV = v }},
	"ibv": {set: func(m *circuit.DiodeModel, v float64) { m.IBV = v }},
	"ib":  {set: func(m *circuit.DiodeModel, v float64) { m.IBV = v }},
	// Other currents that shape the DC characteristic.
	"ikf": {def: 0}, "ik": {def: 0}, "ikr": {def: 0},
	"jsw": {def: 0}, "jtun": {def: 0}, "jtunsw": {def: 0},
	"level": {def: 1}, "tlev": {def: 0}, "tlevc": {def: 0},
	"eg":  {def: circuit.DiodeEG, tempOnly: true},
	"xti": {def: circuit.DiodeXTI, tempOnly: true},
	// Coefficients of parameters above.
	// eqsim's breakdown has NBV = N and no temperature coefficients.
	"nbv": {def: math.NaN()}, "trs": {def: 0}, "trs1": {def: 0}, "trs2": {def: 0},
	"tbv1": {def: 0}, "tbv2": {def: 0},
	"ns": {ignored: unused}, "ntun": {ignored: unused},
	"xtitun": {ignored: unused}, "keg": {ignored: unused}, "pj": {ignored: unused},
	"tcv": {ignored: unused},
	// Charge storage.
	"tt": {ignored: noCharge}, "ttt1": {ignored: noCharge}, "ttt2": {ignored: noCharge},
	"cjo": {ignored: noCharge}, "cj0": {ignored: noCharge}, "cj": {ignored: noCharge},
	"vj": {ignored: noCharge}, "pb": {ignored: noCharge}, "m": {ignored: noCharge},
	"mj": {ignored: noCharge}, "tm1": {ignored: noCharge}, "tm2": {ignored: noCharge},
	"cjp": {ignored: noCharge}, "cjsw": {ignored: noCharge}, "php": {ignored: noCharge},
	"mjsw": {ignored: noCharge}, "fc": {ignored: noCharge}, "fcs": {ignored: noCharge},
	"cta": {ignored: noCharge}, "ctc": {ignored: noCharge}, "ctp": {ignored: noCharge},
	"tpb": {ignored: noCharge}, "tvj": {ignored: noCharge}, "tphp": {ignored: noCharge},
	"kf": {ignored: noNoise}, "af": {ignored: noNoise},
	"fv_max": {ignored: "safe-operating-area limits are not checked by import"},
	"bv_max": {ignored: "safe-operating-area limits are not checked by import"},
}

// diodeUse is a diode model evaluated in one frame.
type diodeUse struct {
	m    circuit.DiodeModel
	area float64 // the model's default area factor
	err  error
}

// diodeModel returns the diode model named name as seen from frame f,
// evaluated in the frame of the definition that holds it; a model defined
// inside a subcircuit is named after the instance ("X1.dmod").
func (im *importer) diodeModel(f *importFrame, name string) (*diodeUse, error) {
	key := strings.ToLower(name)
	var def *subcktDef
	var md *modelDef
	for d := f.def; d != nil; d = d.parent {
		if m, ok := d.models[key]; ok {
			def, md = d, m
			break
		}
	}
	if md == nil {
		return nil, fmt.Errorf("unknown model %s", name)
	}
	if md.typ != "d" {
		return nil, fmt.Errorf("model %s (line %d) is of type %s, not a diode model (D)", md.name, md.card.line, md.typ)
	}
	owner := f.frameOf(def)
	if owner.diodes == nil {
		owner.diodes = map[string]*diodeUse{}
	}
	if u, ok := owner.diodes[key]; ok {
		return u, u.err
	}
	u := im.evalDiodeModel(owner, md)
	owner.diodes[key] = u
	return u, u.err
}

// evalDiodeModel evaluates the parameters of md in frame f.
func (im *importer) evalDiodeModel(f *importFrame, md *modelDef) *diodeUse {
	u := &diodeUse{m: circuit.DiodeModel{Name: f.prefix + md.name, IS: 1e-14, N: 1}, area: 1}
	fail := func(format string, args ...any) *diodeUse {
		u.err = im.cardError(md.card, f.where(), fmt.Sprintf(format, args...))
		return u
	}
	var ignored []string
	for _, p := range md.params {
		v, err := f.scope.eval(p.val, im)
		if err != nil {
			var located *ImportError
			if errors.As(err, &located) {
				u.err = located
				return u
			}
			return fail("%s: %v", p.key, err)
		}
		name := strings.ToUpper(p.key)
		switch p.key {
		case "tnom", "tref":
			if k := v + celsiusToKelvin; k != im.tnom {
				return fail("%s=%g differs from the circuit's nominal temperature (%g °C): eqsim has one nominal temperature (.options tnom)", name, v, im.tnom-celsiusToKelvin)
			}
			continue
		case "area":
			if !(v > 0) {
				return fail("AREA must be positive, not %g", v)
			}
			u.area = v
			continue
		}
		dp, ok := diodeParams[p.key]
		switch {
		case !ok:
			return fail("unknown diode model parameter %s", name)
		case dp.set != nil:
			if !(v > 0 || dp.zero && v == 0) {
				return fail("%s must be positive, not %g", name, v)
			}
			dp.set(&u.m, v)
		case dp.ignored != "":
			ignored = append(ignored, name)
		case dp.tempOnly && v != dp.def:
			if im.temp != im.tnom {
				return fail("%s=%g is not supported yet away from the nominal temperature (eqsim's diodes have EG=%g, XTI=%g)", name, v, circuit.DiodeEG, circuit.DiodeXTI)
			}
			ignored = append(ignored, name)
		case v != dp.def: // NaN: any value
			return fail("%s is not supported yet", name)
		}
	}
	if len(ignored) > 0 {
		im.note(md.card, "model %s: ignored %s", u.m.Name, strings.Join(ignored, " "))
	}
	return u
}
