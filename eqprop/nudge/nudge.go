package nudge

import (
	"fmt"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop"
)

// Kind says which elements drive the outputs.
type Kind int

const (
	// None adds nothing: a circuit that only relaxes freely.
	None Kind = iota
	// Current adds a current source from ground into each output, for
	// eqprop.NudgeCurrent.
	Current
	// Conductance adds a conductance from each output to a node of its own
	// that a voltage source holds at the target, for
	// eqprop.NudgeConductance.
	Conductance
	// Clamp adds a voltage source on each output, for clamped and coupled
	// phases.
	Clamp
)

func (k Kind) String() string {
	switch k {
	case None:
		return "none"
	case Current:
		return "current"
	case Conductance:
		return "conductance"
	case Clamp:
		return "clamp"
	}
	return "unknown"
}

// Of returns the Kind that nudges as k says.
func Of(k eqprop.NudgeKind) Kind {
	if k == eqprop.NudgeCurrent {
		return Current
	}
	return Conductance
}

// Names of the elements and nodes Add adds; k is the output's index.
const (
	CurrentName     = "eqprop.I[%d]" // current source into output k
	ConductanceName = "eqprop.G[%d]" // conductance from output k to its target node
	TargetName      = "eqprop.Y[%d]" // source holding the target node
	TargetNode      = "eqprop.y[%d]" // target node
	ClampName       = "eqprop.C[%d]" // source clamping output k
)

// Elements are the elements Add added, per output; only those of Kind
// are set.
type Elements struct {
	Kind Kind
	// Currents are Current's sources, in amperes into the outputs.
	Currents []*circuit.ISource
	// Conductances and Targets are Conductance's conductances and the
	// sources holding their far ends.
	Conductances []*circuit.Resistor
	Targets      []*circuit.VSource
	// Clamps are Clamp's sources.
	Clamps []*circuit.VSource
}

// Add appends to c the elements of kind on each of the output nodes and
// returns them. They are appended after c's own elements, in the order of
// outputs. They start at zero: no current, no conductance, 0 V.
func Add(c *circuit.Circuit, outputs []string, kind Kind) *Elements {
	e := &Elements{Kind: kind}
	c.Elements = append(make([]circuit.Element, 0, len(c.Elements)+2*len(outputs)), c.Elements...)
	for k, out := range outputs {
		switch kind {
		case Current:
			i := &circuit.ISource{Name: fmt.Sprintf(CurrentName, k), Nodes: [2]string{circuit.Ground, out}}
			e.Currents = append(e.Currents, i)
			c.Elements = append(c.Elements, i)
		case Conductance:
			y := fmt.Sprintf(TargetNode, k)
			r := &circuit.Resistor{Name: fmt.Sprintf(ConductanceName, k), Nodes: [2]string{out, y}}
			v := &circuit.VSource{Name: fmt.Sprintf(TargetName, k), Nodes: [2]string{y, circuit.Ground}}
			e.Conductances = append(e.Conductances, r)
			e.Targets = append(e.Targets, v)
			c.Elements = append(c.Elements, r, v)
		case Clamp:
			v := &circuit.VSource{Name: fmt.Sprintf(ClampName, k), Nodes: [2]string{out, circuit.Ground}}
			e.Clamps = append(e.Clamps, v)
			c.Elements = append(c.Elements, v)
		}
	}
	return e
}

// Set gives the elements the values of phase p, vout being the outputs
// of the last free equilibrium (volts): a free phase turns the nudge off
// (no current, no conductance); a nudged one injects
// p.Beta*(y − vout) or connects p.Beta siemens to the target y; a clamped
// one holds the outputs at y, a coupled one at vout + p.Eta*(y − vout).
// Set panics if the elements cannot drive p (a nudged phase on clamps,
// say) or p's target has the wrong length.
func (e *Elements) Set(p eqprop.Phase, vout []float64) {
	if p.Kind != eqprop.Free && len(p.Target) != len(vout) {
		panic("nudge: target length differs from the number of outputs")
	}
	switch {
	case p.Kind == eqprop.Free && e.Kind != Clamp:
		for _, i := range e.Currents {
			i.I = 0
		}
		for k, r := range e.Conductances {
			r.G = 0
			e.Targets[k].V = 0
		}
	case p.Kind == eqprop.Nudged && e.Kind == Current:
		for k, i := range e.Currents {
			i.I = p.Beta * (p.Target[k] - vout[k])
		}
	case p.Kind == eqprop.Nudged && e.Kind == Conductance:
		for k, r := range e.Conductances {
			r.G = p.Beta
			e.Targets[k].V = p.Target[k]
		}
	case p.Kind == eqprop.Clamped && e.Kind == Clamp:
		for k, v := range e.Clamps {
			v.V = p.Target[k]
		}
	case p.Kind == eqprop.Coupled && e.Kind == Clamp:
		for k, v := range e.Clamps {
			v.V = vout[k] + p.Eta*(p.Target[k]-vout[k])
		}
	default:
		panic(fmt.Sprintf("nudge: a %s phase on %s elements", p.Kind, e.Kind))
	}
}
