package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/solver"
)

func newSimulate(stdout, stderr io.Writer) *cobra.Command {
	var (
		jsonOut bool
		method  string
		groups  []string
		nodes   []string
		stop    float64
		trace   string
		seed    uint64
	)
	cmd := &cobra.Command{
		Use:   "simulate NETLIST",
		Short: "Print the node voltages at equilibrium",
		Long: `Simulate finds the DC equilibrium of the netlist and prints every node voltage.

--method newton (the default) solves KCL by Newton's method, using the fast
layered solver when the netlist is a layered network; --method transient
integrates the circuit's ODE with its node capacitances until it settles
and also reports the settling time; the layered transient is used where the
network is layered. --stop T integrates to T seconds instead of stopping when
settled; --trace FILE.csv writes the trajectory: a header time,<node>,... (every
node but ground), then the initial state and one row per accepted step. With
[options] thermal_noise = true the transient is one realisation of the
circuit's thermal noise, seeded by --seed (default 1), in fixed steps, to --stop
or to the settling time of the noiseless transient.

With --json the output is one object with converged, status, method,
iterations, residual (amperes), worst_node, power (watts the sources deliver at
the final state), nodes (name -> volts) and, for the transient, settling_time
(seconds), steps and energy (joules the sources delivered until settled, or
until --stop).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if method != "newton" && method != "transient" {
				return badInput("--method must be newton or transient, not %q", method)
			}
			for _, f := range []string{"stop", "trace", "seed"} {
				if cmd.Flags().Changed(f) && method != "transient" {
					return badInput("--%s needs --method transient", f)
				}
			}
			if cmd.Flags().Changed("stop") && !(stop > 0 && stop < math.Inf(1)) {
				return badInput("--stop must be a positive number of seconds, not %g", stop)
			}
			if trace != "" && abs(trace) == abs(args[0]) {
				return badInput("--trace %s would overwrite the netlist", trace)
			}
			_, sys, err := loadNetlist(args[0])
			if err != nil {
				return err
			}
			names, err := selectNodes(sys, groups, nodes)
			if err != nil {
				return err
			}
			var res solver.Result
			var solveErr error
			if method == "transient" {
				if res, solveErr, err = transient(sys, stop, seed, trace, stderr); err != nil {
					return err
				}
			} else {
				res, solveErr = equilibrium(sys, method)
			}
			if res.X == nil {
				return solveErr // nothing was solved
			}
			if err := printSimulation(stdout, stderr, sys, res, names, method == "transient", jsonOut); err != nil {
				return err
			}
			return solveErr
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	cmd.Flags().StringVar(&method, "method", "newton", "solver: newton or transient")
	cmd.Flags().StringSliceVar(&groups, "group", nil, "print only the nodes of these groups (repeatable)")
	cmd.Flags().StringSliceVar(&nodes, "node", nil, "print only these nodes (repeatable)")
	cmd.Flags().Float64Var(&stop, "stop", 0, "transient: integrate to this time in seconds instead of until settled")
	cmd.Flags().StringVar(&trace, "trace", "", "transient: write the trajectory of every node to this CSV file")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "transient: the seed of the thermal noise (with [options] thermal_noise)")
	return cmd
}

// transient runs the transient of simulate: to stop seconds (0: until
// settled), seeded by seed, writing the trajectory to trace if it is not
// empty. err is an error of the trace file; solveErr the solver's.
func transient(sys *mna.System, stop float64, seed uint64, trace string, stderr io.Writer) (res solver.Result, solveErr, err error) {
	set := &solver.TransientSettings{StopTime: stop, Seed: seed}
	if sys.Circuit().ThermalNoise {
		fmt.Fprintf(stderr, "thermal noise on: one realisation, seed %d\n", seed)
	}
	if trace == "" {
		res, solveErr = solver.AutoTransient(sys, nil, set)
		return res, solveErr, nil
	}
	err = writeAtomic(trace, func(w io.Writer) error {
		tw := newTraceWriter(w, sys)
		set.Observe = tw.observe
		res, solveErr = solver.AutoTransient(sys, nil, set)
		return tw.flush()
	})
	if err != nil {
		err = fmt.Errorf("--trace %s: %w", trace, err)
	}
	return res, solveErr, err
}

// printSimulation prints the result of simulate, as JSON or as a table.
func printSimulation(stdout, stderr io.Writer, sys *mna.System, res solver.Result, names []string, tran, jsonOut bool) error {
	v := sys.VoltagesTo(nil, res.X)
	if jsonOut {
		out := simulateJSON{
			Converged:  res.Status == solver.Converged,
			Status:     res.Status.String(),
			Method:     res.Method,
			Iterations: res.Iterations,
			Residual:   res.Residual,
			WorstNode:  res.WorstNode,
			Power:      sys.Power(res.X).Total(),
			Nodes:      map[string]float64{},
		}
		if tran {
			energy := res.Energy.Total()
			out.SettlingTime = &res.SettlingTime
			out.Steps = &res.Steps
			out.Energy = &energy
		}
		for _, n := range names {
			i, _ := sys.NodeIndex(n)
			out.Nodes[n] = v[i]
		}
		return json.NewEncoder(stdout).Encode(out)
	}
	fmt.Fprintf(stderr, "%s: %s in %d iterations, largest KCL residual %.3g A at %s\n",
		res.Method, res.Status, res.Iterations, res.Residual, res.WorstNode)
	fmt.Fprintf(stderr, "the sources deliver %.4g W\n", sys.Power(res.X).Total())
	if tran {
		fmt.Fprintf(stderr, "settled after %.4g s of simulated time (%d steps, %.4g s simulated), %.4g J delivered\n",
			res.SettlingTime, res.Steps, res.Time, res.Energy.Total())
	}
	w := 4
	for _, n := range names {
		w = max(w, len(n))
	}
	fmt.Fprintf(stdout, "%-*s  %s\n", w, "node", "volts")
	for _, n := range names {
		i, _ := sys.NodeIndex(n)
		fmt.Fprintf(stdout, "%-*s  %.12g\n", w, n, v[i])
	}
	return nil
}

type simulateJSON struct {
	Converged    bool               `json:"converged"`
	Status       string             `json:"status"`
	Method       string             `json:"method"`
	Iterations   int                `json:"iterations"`
	Steps        *int               `json:"steps,omitempty"`
	Residual     float64            `json:"residual"`
	WorstNode    string             `json:"worst_node"`
	SettlingTime *float64           `json:"settling_time,omitempty"`
	Power        float64            `json:"power"`
	Energy       *float64           `json:"energy,omitempty"`
	Nodes        map[string]float64 `json:"nodes"`
}

// traceWriter writes a trajectory as CSV: time, then every node but
// ground by name, one row per observed state.
type traceWriter struct {
	w   *csv.Writer
	sys *mna.System
	v   []float64
	row []string
}

func newTraceWriter(w io.Writer, sys *mna.System) *traceWriter {
	t := &traceWriter{w: csv.NewWriter(w), sys: sys, v: make([]float64, len(sys.Nodes())+1)}
	t.w.Write(append([]string{"time"}, sys.Nodes()...))
	return t
}

func (t *traceWriter) observe(tm float64, x []float64) {
	t.sys.VoltagesTo(t.v, x)
	t.row = append(t.row[:0], strconv.FormatFloat(tm, 'g', -1, 64))
	for _, v := range t.v[1:] {
		t.row = append(t.row, strconv.FormatFloat(v, 'g', -1, 64))
	}
	t.w.Write(t.row)
}

func (t *traceWriter) flush() error {
	t.w.Flush()
	return t.w.Error()
}

// selectNodes returns the node names to print: all but ground, or those of
// the named groups and nodes.
func selectNodes(sys *mna.System, groups, nodes []string) ([]string, error) {
	if len(groups) == 0 && len(nodes) == 0 {
		return sys.Nodes(), nil
	}
	var out []string
	c := sys.Circuit()
	for _, g := range groups {
		grp, ok := c.Group(g)
		if !ok {
			var known []string
			for _, g := range c.Groups {
				known = append(known, g.Name)
			}
			return nil, badInput("--group %q: no such group (groups: %s)", g, strings.Join(known, ", "))
		}
		out = append(out, grp.Nodes()...)
	}
	for _, n := range nodes {
		if i, ok := sys.NodeIndex(n); !ok || i == 0 {
			return nil, badInput("--node %q: no such node", n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// equilibrium solves sys by the named method: "newton" by solver.Auto,
// the layered fast path where the network allows it, else the general
// solver.
func equilibrium(sys *mna.System, method string) (solver.Result, error) {
	return solver.Solve(sys, nil, method)
}
