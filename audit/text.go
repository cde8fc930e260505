package audit

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// WriteText writes the report as text, what eqsim audit prints: a table
// of each quantity, its worst value and where, and its limit; the mean
// power per inference and which elements dissipate it, largest first;
// then the violations, or "within the limits".
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "operating point over %s:\n", r.Source)
	rows := []struct {
		key, name string
		v         float64
	}{
		{"input", "max input", r.MaxInput},
		{"device_voltage", "max device voltage", r.MaxDeviceVoltage},
		{"device_power", "max device power", r.MaxDevicePower},
		{"power", "max power per inference", r.MaxPower},
		{"amplifier_output", "max amplifier output", r.MaxAmplifierOutput},
		{"diode_reverse", "max diode reverse voltage", r.MaxDiodeReverse},
		{"diode_current", "max diode current", r.MaxDiodeCurrent},
	}
	for _, row := range rows {
		wst, ok := r.Worst[row.key]
		if !ok {
			continue
		}
		unit := Units[row.key]
		where := fmt.Sprintf("sample %d", wst.Sample)
		if wst.Element != "" {
			where = fmt.Sprintf("%s%s, %s", wst.Element, wst.Device, where)
		}
		limit := "no limit"
		if l := *r.Limits.Field(row.key); l > 0 {
			limit = fmt.Sprintf("limit %.4g %s", l, unit)
		}
		fmt.Fprintf(w, "  %-26s %11.4g %s  (%s; %s)\n", row.name, row.v, unit, where, limit)
	}
	fmt.Fprintf(w, "  %-26s %11.4g W  (sources %.4g W, amplifiers %.4g W)\n", "mean power per inference", r.MeanPower, r.MeanSourcePower, r.MeanAmplifierPower)
	if line := dissipationLine(r.MeanDissipation); line != "" {
		fmt.Fprintf(w, "  dissipated: %s\n", line)
	}
	if r.OK() {
		fmt.Fprintln(w, "within the limits")
		return
	}
	fmt.Fprintf(w, "%d violations:\n  %s\n", len(r.Violations), strings.Join(r.Violations, "\n  "))
}

// dissipationLine lists the mean power each element dissipates, largest
// first (elements of equal power by name), with its share of their sum:
// "DE 9.1 mW (58%), DI 4 mW (25%), ...". Beyond the 8 largest, the rest
// are summed as "N others". It returns "" for none.
func dissipationLine(diss map[string]float64) string {
	const shown = 8
	type elem struct {
		name string
		w    float64
	}
	var es []elem
	for name, w := range diss {
		es = append(es, elem{name, w})
	}
	slices.SortFunc(es, func(a, b elem) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var sum float64 // summed in sorted order, not the map's
	for _, e := range es {
		sum += e.w
	}
	if len(es) > shown+1 {
		rest := elem{name: fmt.Sprintf("%d others", len(es)-shown)}
		for _, e := range es[shown:] {
			rest.w += e.w
		}
		es = append(es[:shown], rest)
	}
	parts := make([]string, len(es))
	for i, e := range es {
		share := fmt.Sprintf("%.0f%%", 100*e.w/sum)
		if s := 100 * e.w / sum; math.Abs(s) < 0.5 {
			share = fmt.Sprintf("%.1g%%", s)
		}
		parts[i] = fmt.Sprintf("%s %s (%s)", e.name, siWatts(e.w), share)
	}
	return strings.Join(parts, ", ")
}

// siWatts formats a power in watts with 3 significant digits and an SI
// prefix: "1.32 kW", "9.1 mW", "420 µW".
func siWatts(w float64) string {
	a := math.Abs(w)
	for _, p := range []struct {
		scale  float64
		prefix string
	}{{1e6, "M"}, {1e3, "k"}, {1, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}} {
		if a >= p.scale*0.9995 {
			return fmt.Sprintf("%.3g %sW", w/p.scale, p.prefix)
		}
	}
	return fmt.Sprintf("%.3g W", w)
}
