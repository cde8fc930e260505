package importer_test

import (
	"fmt"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/spice/importer"
)

func ExampleImport() {
	deck := `Divider
.param r = 1k
Vin IN 0 DC 10
R1 in out {r}
R2 OUT 0 '3*r' ; three times R1
.op
.end
`
	d, err := importer.Import(strings.NewReader(deck), "divider.cir")
	if err != nil {
		fmt.Println(err)
		return
	}
	sys, err := mna.Compile(d.Circuit)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := solver.Newton(sys, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	v := sys.VoltagesTo(nil, res.X)
	for _, n := range d.Nodes {
		i, _ := sys.NodeIndex(n)
		fmt.Printf("%s = %.4g V\n", n, v[i])
	}
	for _, n := range d.Notes {
		fmt.Println(n)
	}
	// Output:
	// IN = 10 V
	// out = 7.5 V
	// divider.cir:6: skipped .op: an analysis; eqsim simulate and eqsim verify choose their own
}

func ExampleImport_subcircuit() {
	deck := `Two cells
.subckt cell a b params: r=1k
R1 a mid {r}
R2 mid b {r}
.ends cell
V1 in 0 1
X1 in out cell
X2 out 0 cell r=2k
`
	d, err := importer.Import(strings.NewReader(deck), "cells.cir")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range d.Circuit.Elements {
		fmt.Println(e.Label(), e.Terminals())
	}
	// Output:
	// V1 [in 0]
	// X1.R1 [in X1.mid]
	// X1.R2 [X1.mid out]
	// X2.R1 [out X2.mid]
	// X2.R2 [X2.mid 0]
}

func ExampleImport_error() {
	deck := "Amplifier\nV1 in 0 1\nR1 in b 10k\nQ1 c b 0 npn1\n"
	_, err := importer.Import(strings.NewReader(deck), "amp.cir")
	fmt.Println(err)
	// Output:
	// amp.cir:4: card "Q1 c b 0 npn1": eqsim cannot represent BJTs (Q)
}
