package importer

import (
	"math"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// source reads an independent source: `Vname n+ n- [[DC] value] [AC [mag
// [phase]]] [DISTOF1 ...] [PULSE(...) | SIN(...) | EXP(...) | PWL(...) |
// SFFM(...)]`, also with dc=value. eqsim keeps its DC value. A source
// with a transient function but no DC value gets the function's value at
// t = 0, which is what ngspice's operating point uses; one with neither
// gets 0, as in ngspice; both with a note.
func (e *elementCard) source(isV bool) (circuit.Element, error) {
	what := "a current source"
	if isV {
		what = "a voltage source"
	}
	nodes, err := e.nodes(2, what)
	if err != nil {
		return nil, err
	}
	var dc, t0 float64
	haveDC, fn := false, ""
	var fnArgs []float64
	// numbers returns the values of up to max numeric fields from pos[i].
	numbers := func(i, max int) ([]float64, error) {
		var out []float64
		for ; i < len(e.pos) && len(out) < max; i++ {
			t := e.pos[i]
			if !t.expr && !looksNumeric(t.s) {
				break
			}
			v, err := e.value(t)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	for i := 0; i < len(e.pos); {
		t := e.pos[i]
		kw := strings.ToLower(t.s)
		if t.expr {
			kw = ""
		}
		switch {
		case kw == "" || looksNumeric(t.s):
			if haveDC {
				return nil, e.errorf("unexpected value %s: the DC value is given already", t.s)
			}
			if dc, err = e.value(t); err != nil {
				return nil, err
			}
			haveDC = true
			i++
		case kw == "dc":
			if haveDC {
				return nil, e.errorf("the DC value is given twice")
			}
			if i+1 >= len(e.pos) {
				return nil, e.errorf("DC without a value")
			}
			if dc, err = e.value(e.pos[i+1]); err != nil {
				return nil, err
			}
			haveDC = true
			i += 2
		case kw == "ac", kw == "distof1", kw == "distof2":
			args, err := numbers(i+1, 2)
			if err != nil {
				return nil, err
			}
			e.note("ignored %s: it matters only to small-signal analyses", t.s)
			i += 1 + len(args)
		case kw == "pulse", kw == "sin", kw == "exp", kw == "pwl", kw == "sffm":
			if fn != "" {
				return nil, e.errorf("two transient functions, %s and %s", fn, kw)
			}
			fn = kw
			if fnArgs, err = numbers(i+1, 1<<30); err != nil {
				return nil, err
			}
			i += 1 + len(fnArgs)
		case kw == "am", kw == "trnoise", kw == "trrandom", kw == "external", kw == "port":
			return nil, e.errorf("eqsim cannot represent %s sources", strings.ToUpper(kw))
		default:
			return nil, e.errorf("unexpected %s", t.s)
		}
	}
	td := 0.0
	for _, p := range e.params {
		x, err := e.value(p.val)
		if err != nil {
			return nil, err
		}
		switch {
		case p.key == "dc":
			if haveDC {
				return nil, e.errorf("the DC value is given twice")
			}
			dc, haveDC = x, true
		case p.key == "ac":
			e.note("ignored ac=: it matters only to small-signal analyses")
		case fn == "pwl" && p.key == "td":
			td = x
		case fn == "pwl" && p.key == "r":
		default:
			return nil, e.errorf("parameter %s is not supported", p.key)
		}
	}
	if fn != "" {
		if t0, err = e.atZero(fn, fnArgs, td); err != nil {
			return nil, err
		}
	}
	switch {
	case haveDC:
	case fn != "":
		dc = t0
		e.note("no DC value: %s's value at t = 0, %g, as ngspice's operating point uses", strings.ToUpper(fn), t0)
	default:
		e.note("no DC value: 0, as in ngspice")
	}
	if !finite(dc) {
		return nil, e.errorf("value %g is not finite", dc)
	}
	if isV {
		return &circuit.VSource{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, V: dc}, nil
	}
	return &circuit.ISource{Name: e.name, Nodes: [2]string{nodes[0], nodes[1]}, I: dc}, nil
}

// atZero returns the value at t = 0 of a transient function of ngspice
// with arguments a; td delays a PWL.
func (e *elementCard) atZero(fn string, a []float64, td float64) (float64, error) {
	arg := func(i int) float64 {
		if i < len(a) {
			return a[i]
		}
		return 0
	}
	deg := math.Pi / 180
	switch fn {
	case "pulse", "exp": // V1 ...
		if len(a) < 1 {
			return 0, e.errorf("%s without arguments", strings.ToUpper(fn))
		}
		return a[0], nil
	case "sin": // VO VA FREQ TD THETA PHASE
		if len(a) < 2 {
			return 0, e.errorf("SIN needs at least VO and VA")
		}
		return a[0] + a[1]*math.Sin(arg(5)*deg), nil
	case "sffm": // VO VA FC MDI FS PHASEC PHASES
		if len(a) < 2 {
			return 0, e.errorf("SFFM needs at least VO and VA")
		}
		return a[0] + a[1]*math.Sin(arg(5)*deg+arg(3)*math.Sin(arg(6)*deg)), nil
	}
	// PWL: pairs of time and value, held before the first and after the
	// last.
	if len(a) < 2 || len(a)%2 != 0 {
		return 0, e.errorf("PWL needs pairs of time and value")
	}
	t := -td
	if t <= a[0] {
		return a[1], nil
	}
	for k := 2; k < len(a); k += 2 {
		t0, v0, t1, v1 := a[k-2], a[k-1], a[k], a[k+1]
		if t1 < t0 {
			return 0, e.errorf("PWL times must not decrease")
		}
		if t <= t1 {
			if t1 == t0 {
				return v1, nil
			}
			return v0 + (v1-v0)*(t-t0)/(t1-t0), nil
		}
	}
	return a[len(a)-1], nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
