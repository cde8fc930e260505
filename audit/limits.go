package audit

import (
	"fmt"
	"math"
)

// Limits are the limits of a chip, each in SI units; zero means no limit.
// They are the keys of a netlist's [limits] table.
type Limits struct {
	// Input bounds the magnitude of every input node's voltage, V.
	Input float64 `json:"input,omitempty"`
	// DeviceVoltage bounds the magnitude of the drop across every
	// trainable conductance, V.
	DeviceVoltage float64 `json:"device_voltage,omitempty"`
	// DevicePower bounds the power every trainable conductance
	// dissipates, W.
	DevicePower float64 `json:"device_power,omitempty"`
	// Power bounds the power per inference: what the sources deliver at
	// a sample's free equilibrium, W.
	Power float64 `json:"power,omitempty"`
	// AmplifierOutput bounds the magnitude of every amplifier output, V.
	AmplifierOutput float64 `json:"amplifier_output,omitempty"`
	// DiodeReverse bounds every diode's reverse voltage, V.
	DiodeReverse float64 `json:"diode_reverse,omitempty"`
	// DiodeCurrent bounds the magnitude of every diode's current, A.
	DiodeCurrent float64 `json:"diode_current,omitempty"`
}

// Keys are the keys of the [limits] table, in the order a netlist writes
// them.
var Keys = []string{"input", "device_voltage", "device_power", "power", "amplifier_output", "diode_reverse", "diode_current"}

// Units are the SI units of the keys, by key.
var Units = map[string]string{"input": "V", "device_voltage": "V", "device_power": "W", "power": "W",
	"amplifier_output": "V", "diode_reverse": "V", "diode_current": "A"}

// Field returns a pointer to the limit of the given key, or nil for an
// unknown key.
func (l *Limits) Field(key string) *float64 {
	switch key {
	case "input":
		return &l.Input
	case "device_voltage":
		return &l.DeviceVoltage
	case "device_power":
		return &l.DevicePower
	case "power":
		return &l.Power
	case "amplifier_output":
		return &l.AmplifierOutput
	case "diode_reverse":
		return &l.DiodeReverse
	case "diode_current":
		return &l.DiodeCurrent
	}
	return nil
}

// Validate returns an error naming the first limit that is negative or not
// finite.
func (l Limits) Validate() error {
	for _, k := range Keys {
		if v := *l.Field(k); !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("limit %s = %v, want a finite number of %s, not negative", k, v, Units[k])
		}
	}
	return nil
}

// of returns the limit on quantity q.
func (l *Limits) of(q Quantity) float64 { return *l.Field(q.String()) }
