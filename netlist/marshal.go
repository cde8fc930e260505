package netlist

import (
	"fmt"
	"sort"
	"strings"
)

// Marshal returns nl as the text of a TOML netlist, for a netlist that
// needs no .npy sidecar files: it returns an error, naming them, if it
// does (crossbars and inputs with values), and, as WriteFile does, if the
// text would not parse back to the same circuit and sections.
func Marshal(nl *Netlist) ([]byte, error) {
	if nl == nil || nl.Circuit == nil {
		return nil, fmt.Errorf("netlist: Marshal of a nil netlist")
	}
	text, side, err := render(nl, "netlist")
	if err != nil {
		return nil, fmt.Errorf("netlist: %w", err)
	}
	if len(side) > 0 {
		names := make([]string, len(side))
		for i, s := range side {
			names[i] = strings.TrimSuffix(strings.TrimPrefix(s.name, "netlist."), ".npy")
		}
		sort.Strings(names)
		return nil, fmt.Errorf("netlist: it needs .npy sidecar files, for the values of %s: write it to a file", strings.Join(names, ", "))
	}
	back, err := parse(text, "", func(name string) ([]byte, error) {
		return nil, fmt.Errorf("%s is not among the written files", name)
	})
	if err != nil {
		return nil, fmt.Errorf("netlist: the text would not parse: %w", err)
	}
	if d := Diff(nl.Circuit, back.Circuit); d != "" {
		return nil, fmt.Errorf("netlist: the text would not reproduce the circuit: %s", d)
	}
	if d := diffSections(nl, back); d != "" {
		return nil, fmt.Errorf("netlist: the text would not reproduce its sections: %s", d)
	}
	return text, nil
}
