package audit

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
)

// Worst is where a quantity is largest over the samples audited.
type Worst struct {
	// Value is the quantity's largest value, in its SI unit.
	Value float64 `json:"value"`
	// Element and Device name where it is (see Extreme); both are
	// empty for the power per inference, a property of the circuit.
	Element string `json:"element,omitempty"`
	Device  string `json:"device,omitempty"`
	// Sample is the sample (its index in the set) where it is.
	Sample int `json:"sample"`
}

// Report is the outcome of an audit: the worst case over the samples.
// Its JSON form is what eqsim audit --json prints; a quantity that no
// element has (no amplifiers, say) is 0.
type Report struct {
	// Samples is the number of samples audited; Source says what they
	// are.
	Samples int    `json:"samples"`
	Source  string `json:"source"`
	// MaxInput is the largest magnitude of an input node's voltage, V.
	MaxInput float64 `json:"max_input"`
	// MaxDeviceVoltage is the largest drop across a trainable
	// conductance, V, and MaxDevicePower the largest power one
	// dissipates, W.
	MaxDeviceVoltage float64 `json:"max_device_voltage"`
	MaxDevicePower   float64 `json:"max_device_power"`
	// MeanPower and MaxPower are the mean and largest power per
	// inference over the samples, W: what every source delivers at the
	// free equilibrium, independent sources and amplifiers (output
	// stages and mirrors) together, which at equilibrium the resistors,
	// crossbars and diodes dissipate.
	MeanPower float64 `json:"mean_power"`
	MaxPower  float64 `json:"max_power"`
	// MeanSourcePower and MeanAmplifierPower are MeanPower's parts: the
	// independent sources' (inputs, rails, biases) and the amplifiers'.
	MeanSourcePower    float64 `json:"mean_source_power"`
	MeanAmplifierPower float64 `json:"mean_amplifier_power"`
	// MeanDissipation is, by element name, the mean over the samples of
	// the power in watts the element dissipates at the free equilibrium
	// (see Probe.Measure): resistors, crossbars (their wires included),
	// diodes and rectifiers (their series resistance included), and
	// amplifiers with an output resistance. Its values sum to MeanPower
	// within the solver's tolerance. Elements that dissipate nothing in
	// every sample (an open resistor, a trainer's idle nudge conductance)
	// are left out.
	MeanDissipation map[string]float64 `json:"mean_dissipation"`
	// MaxAmplifierOutput is the largest magnitude of an amplifier
	// output, V.
	MaxAmplifierOutput float64 `json:"max_amplifier_output"`
	// MaxDiodeReverse is the largest reverse voltage across a diode, V,
	// and MaxDiodeCurrent the largest magnitude of a diode's current, A.
	MaxDiodeReverse float64 `json:"max_diode_reverse"`
	MaxDiodeCurrent float64 `json:"max_diode_current"`
	// Violations lists, for every limit and every element that exceeds
	// it, where it does worst: the limit, the element (and device), the
	// value, the sample, and in how many samples it does. Empty when
	// the operating point is within the limits.
	Violations []string `json:"violations"`
	// Worst says where each quantity is largest, by the keys of
	// Limits ("input", "device_voltage", ..., "power").
	Worst map[string]Worst `json:"worst"`
	// Limits are the limits checked.
	Limits Limits `json:"limits"`
}

// OK reports whether no limit is violated.
func (r *Report) OK() bool { return len(r.Violations) == 0 }

// sampleOP is the operating point of one sample.
type sampleOP struct {
	ext   []Extreme
	diss  []Dissipation
	power mna.Power
}

// elemStat is one element's record of a quantity over the samples.
type elemStat struct {
	worst Worst
	over  int // samples in which it exceeds the limit
}

// report accumulates the samples' operating points, in sample order, into
// a Report.
func report(ops []sampleOP, lim Limits, source string) Report {
	r := Report{Samples: len(ops), Source: source, Limits: lim, Violations: []string{}, Worst: map[string]Worst{},
		MeanDissipation: map[string]float64{}}
	type key struct {
		q    Quantity
		elem string
	}
	stats := map[key]*elemStat{}
	var order []key
	power := elemStat{worst: Worst{Value: math.Inf(-1)}}
	for i, op := range ops {
		p := op.power.Total()
		r.MeanPower += p
		r.MeanSourcePower += op.power.Sources
		r.MeanAmplifierPower += op.power.Controlled
		for _, d := range op.diss {
			r.MeanDissipation[d.Element] += d.Power
		}
		if p > power.worst.Value {
			power.worst = Worst{Value: p, Sample: i}
		}
		if lim.Power > 0 && p > lim.Power {
			power.over++
		}
		for _, e := range op.ext {
			k := key{e.Quantity, e.Element}
			st, ok := stats[k]
			if !ok {
				st = &elemStat{worst: Worst{Value: math.Inf(-1)}}
				stats[k] = st
				order = append(order, k)
			}
			if e.Value > st.worst.Value {
				st.worst = Worst{Value: e.Value, Element: e.Element, Device: e.Device, Sample: i}
			}
			if l := lim.of(e.Quantity); l > 0 && e.Value > l {
				st.over++
			}
		}
	}
	if n := float64(len(ops)); n > 0 {
		r.MeanPower /= n
		r.MeanSourcePower /= n
		r.MeanAmplifierPower /= n
		for e, w := range r.MeanDissipation {
			if w == 0 {
				delete(r.MeanDissipation, e)
				continue
			}
			r.MeanDissipation[e] = w / n
		}
		r.MaxPower = power.worst.Value
		r.Worst["power"] = power.worst
	}
	viol := map[string][]string{} // by key
	if power.over > 0 {
		viol["power"] = append(viol["power"], fmt.Sprintf("power = %s W: the circuit draws %s W in sample %d (above the limit in %d of %d samples)",
			num(lim.Power), num(power.worst.Value), power.worst.Sample, power.over, len(ops)))
	}
	maxOf := map[Quantity]*float64{
		InputVoltage: &r.MaxInput, DeviceVoltage: &r.MaxDeviceVoltage, DevicePower: &r.MaxDevicePower,
		AmplifierOutput: &r.MaxAmplifierOutput, DiodeReverse: &r.MaxDiodeReverse, DiodeCurrent: &r.MaxDiodeCurrent,
	}
	for _, k := range order {
		st := stats[k]
		if w, ok := r.Worst[k.q.String()]; !ok || st.worst.Value > w.Value {
			r.Worst[k.q.String()] = st.worst
			*maxOf[k.q] = st.worst.Value
		}
		if st.over == 0 {
			continue
		}
		q := k.q.String()
		viol[q] = append(viol[q], fmt.Sprintf("%s = %s %s: %s%s reaches %s %s in sample %d (above the limit in %d of %d samples)",
			q, num(lim.of(k.q)), k.q.Unit(), st.worst.Element, st.worst.Device, num(st.worst.Value), k.q.Unit(), st.worst.Sample, st.over, len(ops)))
	}
	for _, k := range Keys {
		r.Violations = append(r.Violations, viol[k]...)
	}
	return r
}

// num formats v with 4 significant digits.
func num(v float64) string { return fmt.Sprintf("%.4g", v) }
