package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
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
	)
	cmd := &cobra.Command{
		Use:   "simulate NETLIST",
		Short: "Print the node voltages at equilibrium",
		Long: `Simulate finds the DC equilibrium of the netlist and prints every node voltage.

--method newton (the default) solves KCL by Newton's method, using the fast
layered solver when the netlist is a layered network; --method transient
integrates the circuit's ODE with its node capacitances until it settles
and also reports the settling time. With --json the output is one object with
converged, status, method, iterations, residual (amperes), worst_node,
settling_time (seconds, transient only) and nodes (name -> volts).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if method != "newton" && method != "transient" {
				return badInput("--method must be newton or transient, not %q", method)
			}
			_, sys, err := loadNetlist(args[0])
			if err != nil {
				return err
			}
			names, err := selectNodes(sys, groups, nodes)
			if err != nil {
				return err
			}
			res, solveErr := equilibrium(sys, method)
			out, solveErr := describeSolve(sys, res, solveErr, names, method)
			if jsonOut {
				if err := json.NewEncoder(stdout).Encode(out); err != nil {
					return err
				}
				return solveErr
			}
			fmt.Fprintf(stderr, "%s: %s in %d iterations, largest KCL residual %.3g A at %s\n",
				res.Method, out.Status, res.Iterations, res.Residual, res.WorstNode)
			if method == "transient" {
				fmt.Fprintf(stderr, "settled after %.4g s of simulated time (%d steps)\n", res.SettlingTime, res.Steps)
			}
			w := 4
			for _, n := range names {
				w = max(w, len(n))
			}
			fmt.Fprintf(stdout, "%-*s  %s\n", w, "node", "volts")
			for _, n := range names {
				fmt.Fprintf(stdout, "%-*s  %.12g\n", w, n, float64(out.Nodes[n]))
			}
			return solveErr
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	cmd.Flags().StringVar(&method, "method", "newton", "solver: newton or transient")
	cmd.Flags().StringSliceVar(&groups, "group", nil, "print only the nodes of these groups (repeatable)")
	cmd.Flags().StringSliceVar(&nodes, "node", nil, "print only these nodes (repeatable)")
	return cmd
}

type simulateJSON struct {
	Converged    bool                 `json:"converged"`
	Status       string               `json:"status"`
	Method       string               `json:"method"`
	Iterations   int                  `json:"iterations"`
	Steps        *int                 `json:"steps,omitempty"`
	Residual     jsonFloat            `json:"residual"`
	WorstNode    string               `json:"worst_node"`
	SettlingTime *jsonFloat           `json:"settling_time,omitempty"`
	Nodes        map[string]jsonFloat `json:"nodes"`
}

// describeSolve returns the result of a solve of sys by method, with the
// voltages of the nodes names, and the error of the command: solveErr,
// or an error if the solve produced a voltage or residual that is not
// finite. Such a result is not converged, its Status says why, and its
// non-finite numbers encode as null.
func describeSolve(sys *mna.System, res solver.Result, solveErr error, names []string, method string) (simulateJSON, error) {
	v := sys.VoltagesTo(nil, res.X)
	index := func(n string) int { i, _ := sys.NodeIndex(n); return i }
	out := simulateJSON{
		Converged:  res.Status == solver.Converged,
		Status:     res.Status.String(),
		Method:     res.Method,
		Iterations: res.Iterations,
		Residual:   jsonFloat(res.Residual),
		WorstNode:  res.WorstNode,
		Nodes:      map[string]jsonFloat{},
	}
	if method == "transient" {
		st := jsonFloat(res.SettlingTime)
		out.SettlingTime = &st
		out.Steps = &res.Steps
	}
	for _, n := range names {
		out.Nodes[n] = jsonFloat(v[index(n)])
	}
	if why := nonFinite(res.Residual, res.WorstNode, sys.Nodes(), v, index); why != "" {
		// The solver may stop on a singular matrix or report convergence
		// at NaN: either way the result says why.
		if out.Converged {
			out.Status = solver.Diverged.String()
		}
		out.Status, out.Converged = out.Status+": "+why, false
		if solveErr == nil {
			solveErr = fmt.Errorf("%s: %s", res.Method, out.Status)
		}
	}
	return out, solveErr
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
