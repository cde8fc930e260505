package audit

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
	"github.com/eqsim/eqsim/solver"
)

// Network audits net on the first samples of set (every sample if
// samples <= 0 or more than the set holds): for each it relaxes the free
// phase from 0 V, as testing does, and measures the operating point. The
// samples are relaxed on workers replicas of net (0: one per core); the
// report does not depend on their number. It returns ctx.Err() if ctx is
// cancelled and an error naming the sample if a relaxation fails.
func Network(ctx context.Context, net *native.Network, set *eqprop.Set, samples, workers int, lim Limits) (Report, error) {
	if err := lim.Validate(); err != nil {
		return Report{}, err
	}
	if set.Features != net.Features() {
		return Report{}, fmt.Errorf("audit: %d features per sample, the network takes %d", set.Features, net.Features())
	}
	n := set.Len()
	if samples > 0 && samples < n {
		n = samples
	}
	if n == 0 {
		return Report{}, fmt.Errorf("audit: no samples")
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	nets := []*native.Network{net}
	for len(nets) < workers {
		c, err := net.Clone()
		if err != nil {
			return Report{}, err
		}
		nets = append(nets, c.(*native.Network))
	}
	ops := make([]sampleOP, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for _, w := range nets {
		wg.Add(1)
		go func(w *native.Network) {
			defer wg.Done()
			var probe *Probe
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				w.Reset()
				w.SetInput(set.Sample(i))
				if err := w.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
					errs[i] = err
					continue
				}
				sys, x := w.System()
				if probe == nil {
					probe = NewProbe(sys)
				}
				ext, diss := probe.Measure(x)
				ops[i] = sampleOP{ext: append([]Extreme(nil), ext...), diss: append([]Dissipation(nil), diss...), power: w.PowerParts()}
			}
		}(w)
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	for i, err := range errs {
		if err != nil {
			return Report{}, fmt.Errorf("audit: sample %d: %w", i, err)
		}
	}
	src := fmt.Sprintf("the first %d samples of %s", n, set.Name)
	if n == set.Len() {
		src = fmt.Sprintf("the %d samples of %s", n, set.Name)
	}
	return report(ops, lim, src), nil
}

// Circuit audits c at the equilibrium with its own input and source
// values: one sample, numbered 0. It returns the compiler's error for a
// circuit that does not compile and the solver's if it finds no
// equilibrium.
func Circuit(c *circuit.Circuit, lim Limits) (Report, error) {
	if err := lim.Validate(); err != nil {
		return Report{}, err
	}
	sys, err := mna.Compile(c)
	if err != nil {
		return Report{}, err
	}
	res, err := solver.Auto(sys, nil)
	if err != nil {
		return Report{}, err
	}
	ext, diss := NewProbe(sys).Measure(res.X)
	op := sampleOP{ext: ext, diss: diss, power: sys.Power(res.X)}
	return report([]sampleOP{op}, lim, "the netlist's own input values"), nil
}
