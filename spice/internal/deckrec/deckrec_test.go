package deckrec

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/netlist"
)

// TestElementRoundTrip writes the record of every element of the example
// netlists as a line, parses it and builds the element again: bit for bit
// the same, a crossbar's matrix taken from its cells.
func TestElementRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatal("no examples", err)
	}
	kinds := map[string]bool{}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "sweep-") {
			continue
		}
		nl, err := netlist.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := nl.Circuit
		for _, e := range c.Elements {
			r, err := NewElement(e, "card", "", c.Groups)
			if err != nil {
				t.Fatalf("%s: %s: %v", f, e.Label(), err)
			}
			line, err := Line(ElementPrefix, r)
			if err != nil {
				t.Fatal(err)
			}
			var back Element
			if err := Parse(strings.TrimPrefix(line, ElementPrefix), &back); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			cell := func(i, j int) (float64, bool) {
				x, ok := e.(*circuit.Crossbar)
				if !ok {
					return 0, false
				}
				return x.G.At(i, j), true
			}
			k, args, err := back.Args(c.Groups, cell)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			el, err := k.Build(back.Name, args)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			a := &circuit.Circuit{Elements: []circuit.Element{e}}
			b := &circuit.Circuit{Elements: []circuit.Element{el}}
			if d := circuit.Diff(a, b); d != "" {
				t.Errorf("%s %s: %s", f, e.Label(), d)
			}
			kinds[k.Name] = true
		}
	}
	for _, k := range circuit.Kinds() {
		if !kinds[k.Name] && k.Name != "capacitor" && k.Name != "isource" {
			t.Errorf("no example has a %s", k.Name)
		}
	}
}

// TestElementArgsErrors reads records that do not describe an element.
func TestElementArgsErrors(t *testing.T) {
	groups := []circuit.Group{{Name: "h", Size: 2}}
	for _, tc := range []struct{ text, want string }{
		{`{"kind":"inductor","name":"L1","fields":{}}`, `unknown kind "inductor"`},
		{`{"kind":"resistor","name":"","fields":{}}`, "no name"},
		{`{"kind":"resistor","name":"R1","fields":{"nodes":["a","b"]}}`, "neither r nor g"},
		{`{"kind":"resistor","name":"R1","fields":{"nodes":["a","b"],"g":-1}}`, "g must be positive"},
		{`{"kind":"resistor","name":"R1","fields":{"nodes":["a","b"],"q":1}}`, `no parameter "q"`},
		{`{"kind":"resistor","name":"R1","fields":{"g":1}}`, "missing nodes"},
		{`{"kind":"rectifier","name":"D","fields":{"group":{"groups":["x"]},"model":{"Name":"d","IS":1e-14,"N":1},"high":"a","low":"b"}}`, `no group "x"`},
		{`{"kind":"rectifier","name":"D","fields":{"group":{"groups":["h"]},"model":{"Name":"d","IS":1e-14,"N":1,"RQ":3},"high":"a","low":"b"}}`, "unknown field"},
		{`{"kind":"crossbar","name":"W","fields":{"from":{"groups":["h"]},"to":{"nodes":["o"]},"matrix":{"rows":2,"cols":1}}}`, "no card of cell (0, 0)"},
	} {
		var r Element
		if err := Parse(tc.text, &r); err != nil {
			t.Fatalf("%s: %v", tc.text, err)
		}
		k, a, err := r.Args(groups, func(i, j int) (float64, bool) { return 0, false })
		if err == nil && k != nil {
			_, err = k.Build(r.Name, a)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.text, err, tc.want)
		}
	}
}
