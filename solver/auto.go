package solver

import (
	"errors"
	"fmt"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver/layered"
)

// DC is the one place where a DC solver is chosen for a system: the
// layered fast path (Layered) when the system is a layered network, the
// general solver (Newton) otherwise, and the general solver as well when
// the layered one fails to converge on a layered network. Keep a DC for
// repeated solves of one system: it keeps the layered solver's
// factorizations and warm starts.
//
// A DC is not safe for concurrent use.
type DC struct {
	sys *mna.System
	set Settings
	lay *Layered // nil: not layered
	why error    // why the system is not layered
	gen *engine  // the general solver, made on first use
}

// NewDC returns a DC solver for sys with the given settings (nil means
// the defaults). Newton's continuation methods are as set says;
// set.MaxSize bounds the general solver as for Newton.
func NewDC(sys *mna.System, set *Settings) *DC {
	d := &DC{sys: sys}
	if set != nil {
		d.set = *set
	}
	lay, err := layered.New(sys, d.set.Shared)
	if err != nil {
		d.why = err
		return d
	}
	lay.Settings = d.set
	d.lay = lay
	return d
}

// Layered returns the layered solver, or nil and the reason why the
// system is not a layered network.
func (d *DC) Layered() (*Layered, error) { return d.lay, d.why }

// CheckSize returns nil if the system can be solved: it is layered, or
// the general solver takes it (any size with the sparse Jacobian; at most
// Settings.MaxSize unknowns with DenseJacobian). The error then says both
// why it is not layered and how large it is.
func (d *DC) CheckSize() error {
	if d.lay != nil {
		return nil
	}
	var se *SizeError
	if err := checkSize(d.sys, d.set.WithDefaults()); errors.As(err, &se) {
		return &notSolvableError{size: se, why: d.why}
	}
	return nil
}

// Solve finds the equilibrium from x0 (nil means a cold start from 0 V;
// x0 is not modified) and returns it.
func (d *DC) Solve(x0 []float64) (Result, error) {
	return d.SolveTo(make([]float64, d.sys.Size()), x0)
}

// SolveTo is Solve writing the solution into dst, len sys.Size(), which
// becomes the Result's X. On a layered network it allocates nothing unless
// the layered solver fails and the general one takes over.
func (d *DC) SolveTo(dst, x0 []float64) (Result, error) {
	if d.lay != nil {
		res, err := d.lay.SolveTo(dst, x0)
		if err == nil {
			return res, nil
		}
	}
	d.sys.UpdatePins()
	if x0 != nil && len(x0) != d.sys.Size() {
		panic(fmt.Sprintf("solver: len(x0) = %d, want %d", len(x0), d.sys.Size()))
	}
	if err := checkSize(d.sys, d.set.WithDefaults()); err != nil {
		return Result{}, err
	}
	if d.gen == nil {
		d.gen = newEngine(d.sys, d.set.WithDefaults(), nil)
	}
	res, err := d.gen.newton(x0)
	if len(res.X) == len(dst) {
		copy(dst, res.X)
		res.X = dst
	}
	return res, err
}

// InternalTo writes into x, a solution of the system, the voltages of the
// internal nodes of crossbars with wire resistance, which the layered
// solver leaves out with Settings.SkipInternal (see Layered.InternalTo).
// The general solver computes them with the rest: then it does nothing.
func (d *DC) InternalTo(x []float64) {
	if d.lay != nil {
		d.lay.InternalTo(x)
	}
}

// Power returns the power in watts that the sources deliver at x, a
// solution SolveTo wrote: Layered.Power on a layered network, whose
// wired crossbars need no internal voltages in x, and mna.System.Power
// otherwise.
func (d *DC) Power(x []float64) mna.Power {
	if d.lay != nil {
		return d.lay.Power(x)
	}
	return d.sys.Power(x)
}

// Refresh tells the solver that conductances of the system's crossbars
// changed (see Layered.Refresh).
func (d *DC) Refresh() { d.RefreshSums(nil) }

// RefreshSums is Refresh with the sums of the crossbars in known given
// (see mna.Layering.RefreshSums); only the layered solver uses them.
func (d *DC) RefreshSums(known []mna.Sums) {
	if d.lay != nil {
		d.lay.RefreshSums(known)
	}
}

// Auto finds the DC equilibrium of sys from x0 with the solver NewDC
// chooses and default settings: the layered fast path where sys is
// layered, Newton otherwise.
func Auto(sys *mna.System, x0 []float64) (Result, error) {
	return NewDC(sys, nil).Solve(x0)
}

// AutoTransient is the one place where a transient solver is chosen for
// a system, as NewDC chooses a DC solver (see DC.TransientTo, which keeps
// the layered solver for repeated transients): Layered.Transient where
// sys is a layered network whose capacitances are diagonal in the layered
// solver's unknowns (no capacitor between two free nodes), Transient
// otherwise. Its arguments and Result are theirs (x0 in the system's
// ordering of unknowns, nil for 0 V; set nil for the defaults).
func AutoTransient(sys *mna.System, x0 []float64, set *TransientSettings) (Result, error) {
	return NewDC(sys, nil).TransientTo(make([]float64, sys.Size()), x0, set)
}

// Solve finds the equilibrium of sys with the named method, "newton" (the
// DC operating point, by Auto) or "transient" (by AutoTransient with
// default settings). It returns an error for any other method.
func Solve(sys *mna.System, x0 []float64, method string) (Result, error) {
	switch method {
	case "newton":
		return Auto(sys, x0)
	case "transient":
		return AutoTransient(sys, x0, nil)
	}
	return Result{}, fmt.Errorf("solver: unknown method %q (want newton or transient)", method)
}

// notSolvableError says that a system is too large for the general solver
// and why the layered one cannot take it.
type notSolvableError struct {
	size *SizeError
	why  error
}

func (e *notSolvableError) Error() string {
	return fmt.Sprintf("the circuit has %d unknowns, too many for the dense Newton solver (at most %d), and the layered solver cannot take it: %v",
		e.size.Size, e.size.Max, e.why)
}

func (e *notSolvableError) Unwrap() []error { return []error{e.size, e.why} }
