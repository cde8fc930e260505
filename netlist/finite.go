package netlist

import (
	"fmt"

	"github.com/eqsim/eqsim/circuit"
)

// checkModelTemperatures fails on the first model, in file order, whose
// saturation current does not survive the scaling from [options] tnom to
// temp: the values are each finite, but their combination is not.
func (p *parser) checkModelTemperatures(c *circuit.Circuit, models []circuit.DiodeModel) {
	temp, tnom := c.Temperature(), c.NominalTemperature()
	var first *Error
	for _, m := range models {
		err := m.CheckTemperature(temp, tnom)
		if err == nil {
			continue
		}
		line := p.loc.Line("models", m.Name)
		if first != nil && first.Line <= line {
			continue
		}
		msg := err.Error()
		if l := p.loc.Line("options"); l > 0 && temp != tnom {
			msg += fmt.Sprintf(" ([options] at line %d)", l)
		}
		first = &Error{File: p.file, Line: line, Kind: "model", Element: m.Name, Msg: msg}
	}
	if first != nil {
		bail(first)
	}
}
