package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/audit"
	"github.com/eqsim/eqsim/run"
)

func newAudit(stdout, stderr io.Writer) *cobra.Command {
	var (
		d       dataFlags
		samples int
		workers int
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "audit NETLIST",
		Short: "Check the network's operating point against the netlist's [limits]",
		Long: `Audit relaxes the free phase of the netlist's network on the samples of
the test set of its [training] data set (the first K with --samples K), or
solves the circuit at its own input values when it has no [training] and
[output] sections, and reports the worst case over them: max_input (V),
max_device_voltage (V, across any trainable conductance), max_device_power
(W), mean_power and max_power (W per inference: what the independent sources
and the amplifiers deliver, which the resistors, crossbars and diodes
dissipate), max_amplifier_output (V), max_diode_reverse (V) and
max_diode_current (A), and a violation for every element that exceeds a
limit of the netlist's [limits] table, naming the limit, the element and the
sample. It also says where the power goes: mean_dissipation is, by element,
the mean power (W) each resistor, crossbar (its wires included), diode,
rectifier and amplifier output resistance dissipates, which sums to
mean_power; the text lists it largest first with each element's share. With
--json the output is one object with these keys, violations, worst (where
each quantity is largest) and more.

Exit status: 0 within the limits, 1 when any is exceeded (or the audit
failed), 2 on bad input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples < 0 || workers < 0 {
				return badInput("--samples and --workers must not be negative")
			}
			o, err := overrides(cmd.Flags(), &d, nil)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			r, err := run.Audit(ctx, args[0], o, samples, workers)
			if err != nil {
				return err
			}
			if jsonOut {
				if err := json.NewEncoder(stdout).Encode(r); err != nil {
					return err
				}
			} else {
				printAudit(stdout, &r)
			}
			if !r.OK() {
				return fmt.Errorf("%s: the operating point exceeds %d of the limits", args[0], len(r.Violations))
			}
			return nil
		},
	}
	d.add(cmd.Flags(), false, true)
	cmd.Flags().IntVar(&samples, "samples", 0, "audit the first K test samples (0: all)")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines relaxing samples in parallel (0: all cores)")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	return cmd
}

// printAudit writes a report as a table: each quantity, its worst value
// and where, and its limit; then the violations.
func printAudit(w io.Writer, r *audit.Report) {
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
		unit := audit.Units[row.key]
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
// prefix: "9.1 mW", "420 µW".
func siWatts(w float64) string {
	a := math.Abs(w)
	for _, p := range []struct {
		scale  float64
		prefix string
	}{{1, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}} {
		if a >= p.scale*0.9995 {
			return fmt.Sprintf("%.3g %sW", w/p.scale, p.prefix)
		}
	}
	return fmt.Sprintf("%.3g W", w)
}
