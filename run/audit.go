package run

import (
	"context"
	"fmt"

	"github.com/eqsim/eqsim/audit"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/netlist"
)

// Audit audits the operating point of the netlist at path against its
// [limits] (none: only measured): on its [training] data set's test set
// (the first samples of it, all if samples <= 0; o's Data and TestSubset
// apply) when it has [output] and [training] sections, otherwise at its
// own input values. workers relax samples in parallel (0: all cores).
// Bad input is an *InputError; a data set that is not there gives an
// error for which errors.Is(err, fs.ErrNotExist) holds.
func Audit(ctx context.Context, path string, o Overrides, samples, workers int) (audit.Report, error) {
	nl, err := netlist.ParseFile(path)
	if err != nil {
		return audit.Report{}, &InputError{err}
	}
	var lim audit.Limits
	if nl.Limits != nil {
		lim = *nl.Limits
	}
	if nl.Training == nil || nl.Output == nil {
		r, err := audit.Circuit(nl.Circuit, lim)
		if err != nil {
			return audit.Report{}, fmt.Errorf("%s: %w", path, err)
		}
		return r, nil
	}
	s, err := NewSession(nl, path, o)
	if err != nil {
		return audit.Report{}, err
	}
	if err := s.Load(); err != nil {
		return audit.Report{}, err
	}
	return AuditSession(ctx, s, samples, workers)
}

// AuditSession audits s's network, with its present conductances, on the
// first samples of its test set (all if samples <= 0), against the
// limits of its netlist; its data set must be loaded.
func AuditSession(ctx context.Context, s *Session, samples, workers int) (audit.Report, error) {
	var lim audit.Limits
	if s.Netlist.Limits != nil {
		lim = *s.Netlist.Limits
	}
	if s.Physical != eqprop.Physical(s.Net) {
		// Another backend trained the conductances the native network
		// shares; programming them tells its solvers they changed.
		for k, b := range s.Physical.Blocks() {
			g := make([]float64, b.Rows*b.Cols)
			s.Physical.ConductancesTo(g, k)
			s.Net.Program(k, g)
		}
	}
	r, err := audit.Network(ctx, s.Net, s.Test, samples, workers, lim)
	if err != nil {
		return audit.Report{}, fmt.Errorf("%s: %w", s.Path, err)
	}
	return r, nil
}
