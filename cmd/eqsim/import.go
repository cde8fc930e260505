package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/spice/importer"
)

func newImport(stdout, stderr io.Writer) *cobra.Command {
	imp := &cobra.Command{
		Use:   "import",
		Short: "Import a netlist from another format",
	}
	var out string
	spiceCmd := &cobra.Command{
		Use:   "spice DECK",
		Short: "Write the netlist of a SPICE deck",
		Long: `Import spice reads a SPICE deck in ngspice's dialect (R, C, D with .model, V
and I at DC, linear E and F, .param, .subckt and X, .options temp and tnom)
and writes the netlist of its circuit. Analysis, output and control cards are
skipped with a note on stderr; any other card is bad input (exit status 2,
naming the card and its line) and nothing is written. A deck exported by
eqsim comes back as the circuit exported: its records rebuild crossbars,
rectifiers, amplifiers, inputs and groups. Without -o the netlist goes to
stdout, if it needs no .npy sidecar files.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out != "" && out != "-" && abs(out) == abs(args[0]) {
				return badInput("-o %s would overwrite the deck", out)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return inputError{err}
			}
			defer f.Close()
			d, err := importer.Import(f, args[0])
			if err != nil {
				return inputError{err}
			}
			for _, n := range d.Notes {
				fmt.Fprintln(stderr, "note:", n)
			}
			nl := &netlist.Netlist{Circuit: d.Circuit}
			if out == "" || out == "-" {
				text, err := netlist.Marshal(nl)
				if err != nil {
					return badInput("%s: %v (-o FILE)", args[0], err)
				}
				_, err = stdout.Write(text)
				return err
			}
			err = netlist.WriteFile(out, nl)
			var pe *fs.PathError
			if err != nil && !errors.As(err, &pe) {
				// The circuit has no netlist form.
				return badInput("%s: %v", args[0], err)
			}
			return err
		},
	}
	spiceCmd.Flags().StringVarP(&out, "output", "o", "", "write the netlist (and its .npy sidecars) to this file")
	imp.AddCommand(spiceCmd)
	return imp
}
