package netlist_test

import (
	"errors"
	"fmt"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
)

func ExampleParseValue() {
	for _, s := range []string{"10k", "2.2u", "1meg", "1M", "250m", "10kohm"} {
		v, err := netlist.ParseValue(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s = %g\n", s, v)
	}
	// Output:
	// 10k = 10000
	// 2.2u = 2.2e-06
	// 1meg = 1e+06
	// 1M = 0.001
	// 250m = 0.25
	// bad value "10kohm": unknown suffix "kohm" (want one of f p n u m k meg g t, and no unit letters)
}

func ExampleParse() {
	src := `
[[vsource]]
name = "V1"
nodes = ["in", "0"]
v = 10

[[resistor]]
name = "R1"
nodes = ["in", "mid"]
r = "1k"

[[resistor]]
name = "R2"
nodes = ["mid", "0"]
r = "1k"
`
	nl, err := netlist.Parse([]byte(src), "divider.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range nl.Circuit.Elements {
		if r, ok := e.(*circuit.Resistor); ok {
			fmt.Printf("%s between %s and %s: %g S\n", r.Name, r.Nodes[0], r.Nodes[1], r.G)
		}
	}
	// Output:
	// R1 between in and mid: 0.001 S
	// R2 between mid and 0: 0.001 S
}

func ExampleError() {
	src := `
[[resistor]]
name = "R1"
nodes = ["a", "0"]
r = "10k"
g = 1e-4
`
	_, err := netlist.Parse([]byte(src), "bad.toml")
	var e *netlist.Error
	if errors.As(err, &e) {
		fmt.Println(e.Line, e.Element)
	}
	fmt.Println(err)
	// Output:
	// 2 R1
	// bad.toml:2: resistor "R1": both r and g given: give exactly one
}
