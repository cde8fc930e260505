package run

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/internal/safeio"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
	"github.com/eqsim/eqsim/netlist"
	"github.com/eqsim/eqsim/spice"
)

// Overrides change the settings of a netlist's [training] section. A nil
// field keeps the netlist's value (or eqprop's default).
type Overrides struct {
	// Data is the folder of the IDX files of mnist and fashion-mnist
	// (dataset.Spec.Dir); "" looks in $EQSIM_DATA, then the usual places.
	Data string
	// Subset and TestSubset keep only the first so many training and test
	// samples; 0 keeps all.
	Subset, TestSubset *int
	// InputOffset is subtracted from every feature (see
	// netlist.Training.InputOffset); InputMean, if true, subtracts each
	// feature's mean instead (netlist.Training.InputMean).
	InputOffset *float64
	InputMean   *bool
	// Epochs and BatchSize must be positive.
	Epochs, BatchSize *int
	// Workers is the number of goroutines relaxing samples in parallel
	// (0: all cores); results do not depend on it.
	Workers *int
	// Seed seeds the shuffling and every random draw of the trainer.
	Seed *uint64
	// Beta (siemens) and LearningRate (S^2/V^2) must be positive.
	Beta, LearningRate *float64
	// LRDecay, the factor of the learning rates after each epoch, must be
	// in (0, 1].
	LRDecay *float64
	// WeightDecay (V^2/S^2, see eqprop.Config.WeightDecay) must not be
	// negative (eqprop.Config.Validate says so).
	WeightDecay *float64
	// Shift, the largest move in pixels of a training image (see
	// eqprop.Config.Shift), must not be negative.
	Shift *int
	// Flip mirrors training images (see eqprop.Config.Flip).
	Flip *bool
	// InputDropout, the probability that a training feature is dropped
	// (see eqprop.Config.InputDropout), must be in [0, 1)
	// (eqprop.Config.Validate says so).
	InputDropout *float64
	// Estimator is one of eqprop.TrainingEstimators.
	Estimator *string
	// Backend is one of netlist.Backends.
	Backend *string
	// Dynamics is the method of [training.dynamics], one of
	// dynamics.Methods.
	Dynamics *string
}

// check returns an error for an override out of range.
func (o Overrides) check() error {
	bad := func(p *int, least int) bool { return p != nil && *p < least }
	pos := func(p *float64) bool { return p != nil && !(*p > 0) }
	switch {
	case bad(o.Subset, 0), bad(o.TestSubset, 0):
		return inputf("subsets must not be negative")
	case bad(o.Epochs, 1), bad(o.BatchSize, 1):
		return inputf("epochs and batch size must be positive")
	case o.InputOffset != nil && (math.IsNaN(*o.InputOffset) || math.IsInf(*o.InputOffset, 0)):
		return inputf("input offset (--input-offset) = %g: must be a finite number", *o.InputOffset)
	case bad(o.Workers, 0):
		return inputf("workers must not be negative")
	case bad(o.Shift, 0):
		return inputf("shift (--shift) = %d: must not be negative", *o.Shift)
	case pos(o.Beta), pos(o.LearningRate):
		return inputf("beta and the learning rate must be positive")
	case pos(o.LRDecay) || o.LRDecay != nil && *o.LRDecay > 1:
		return inputf("lr_decay (--lr-decay) = %g: must be in (0, 1]", *o.LRDecay)
	case o.Backend != nil && !slices.Contains(netlist.Backends, *o.Backend):
		return inputf("unknown backend %q (want %s)", *o.Backend, strings.Join(netlist.Backends, " or "))
	}
	return nil
}

// Session is a netlist's network ready to be trained or tested, with its
// settings resolved.
type Session struct {
	// Path names the netlist in messages; it is its file for a run that
	// writes files.
	Path    string
	Netlist *netlist.Netlist
	// Training is the netlist's [training] section with the overrides
	// applied (its defaults when the netlist has none).
	Training netlist.Training
	// Config is the trainer's configuration: the netlist's, with the
	// overrides and the defaults applied.
	Config eqprop.Config
	// Net is the network on eqsim's own solver. Physical is the network
	// that trains and tests: Net, or with the backend "ngspice" a
	// *spice.Ngspice of the same circuit; the two share the circuit's
	// conductances.
	Net      *native.Network
	Physical eqprop.Physical
	// Backend is the backend of Physical, one of netlist.Backends.
	Backend string
	// Spec says where the data set comes from.
	Spec dataset.Spec
	// Train and Test are nil until Load.
	Train, Test *eqprop.Set
}

// Open reads the netlist at path and returns its session with o applied.
// Every error is an *InputError.
func Open(path string, o Overrides) (*Session, error) {
	nl, err := netlist.ParseFile(path)
	if err != nil {
		return nil, &InputError{err}
	}
	if _, err := mna.Compile(nl.Circuit); err != nil {
		return nil, &InputError{fmt.Errorf("%s: %w", path, err)}
	}
	return NewSession(nl, path, o)
}

// NewSession returns the session of a parsed netlist with o applied; path
// names it in messages. Every error is an *InputError but that of the
// backend "ngspice" when ngspice is not installed, for which
// errors.Is(err, spice.ErrNoNgspice) holds: the run cannot be done here,
// though nothing is wrong with its input. A session of the backend
// "ngspice" runs ngspice processes once it relaxes: Close ends them.
func NewSession(nl *netlist.Netlist, path string, o Overrides) (*Session, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if nl.Output == nil {
		return nil, inputf("%s: no [output] section: name the group of output nodes with [output] group = \"...\"", path)
	}
	s := &Session{Path: path, Netlist: nl}
	if nl.Training != nil {
		s.Training = *nl.Training
	} else {
		// No [training] section: its defaults, and the only input.
		for _, e := range nl.Circuit.Elements {
			if in, ok := e.(*circuit.Input); ok {
				if s.Training.Input != "" {
					return nil, inputf("%s: the netlist has several inputs: name the one the features drive in [training] input = \"...\"", path)
				}
				s.Training.Input = in.Name
			}
		}
		if s.Training.Input == "" {
			return nil, inputf("%s: the netlist has no [[input]] for the data's features to drive", path)
		}
	}
	if s.Training.Dataset == "" {
		return nil, inputf("%s: no data set: add [training] dataset = \"mnist\" (or %s)", path, strings.Join(dataset.Names()[1:], ", "))
	}
	set := func(dst, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	set(&s.Training.Subset, o.Subset)
	set(&s.Training.TestSubset, o.TestSubset)
	if o.InputOffset != nil {
		s.Training.InputOffset = *o.InputOffset
	}
	if o.InputMean != nil {
		s.Training.InputMean = *o.InputMean
		if *o.InputMean {
			s.Training.InputOffset = 0
		}
	}
	cfg := nl.TrainingConfig()
	set(&cfg.Epochs, o.Epochs)
	set(&cfg.BatchSize, o.BatchSize)
	set(&cfg.Workers, o.Workers)
	if o.Seed != nil {
		cfg.Seed = *o.Seed
	}
	if o.Estimator != nil {
		cfg.Estimator = *o.Estimator
	}
	if o.Dynamics != nil {
		cfg.Dynamics.Method = *o.Dynamics
	}
	if o.Beta != nil {
		cfg.Beta = *o.Beta
	}
	if o.LearningRate != nil {
		cfg.LearningRate = *o.LearningRate
	}
	if o.LRDecay != nil {
		cfg.LRDecay = *o.LRDecay
	}
	if o.WeightDecay != nil {
		cfg.WeightDecay = *o.WeightDecay
	}
	if o.Shift != nil {
		cfg.Shift = *o.Shift
	}
	if o.Flip != nil {
		cfg.Flip = *o.Flip
	}
	if o.InputDropout != nil {
		cfg.InputDropout = *o.InputDropout
	}
	if err := cfg.Validate(); err != nil {
		return nil, inputf("%s: %v", path, err)
	}
	s.Config = cfg.WithDefaults()
	grp, ok := nl.Circuit.Group(nl.Output.Group)
	if !ok {
		return nil, inputf("%s: [output] group %q is not a group", path, nl.Output.Group)
	}
	var err error
	s.Net, err = native.New(nl.Circuit, native.Config{Input: s.Training.Input, Outputs: grp.Nodes(), Nudge: s.Config.Nudge, Dynamics: s.Config.Dynamics})
	if err != nil {
		return nil, inputf("%s: %v", path, err)
	}
	s.Physical, s.Backend = s.Net, "native"
	if o.Backend != nil {
		s.Training.Backend = *o.Backend
	}
	if s.Training.Backend == "ngspice" {
		if d := s.Config.Dynamics; d.IsTransient() || d.Window > 0 {
			// ngspice's backend solves operating points only.
			return nil, inputf("%s: backend \"ngspice\" runs phases at equilibrium only: [training.dynamics] method %q, integration_time %g s are eqsim's own", path, d.Method, d.Window)
		}
		ng, err := spice.NewNgspice(nl.Circuit, spice.BackendConfig{Input: s.Training.Input, Outputs: grp.Nodes(), Nudge: s.Config.Nudge})
		switch {
		case errors.Is(err, spice.ErrNoNgspice):
			return nil, fmt.Errorf("%s: backend \"ngspice\": %w", path, err)
		case err != nil:
			return nil, inputf("%s: backend \"ngspice\": %v", path, err)
		}
		s.Physical, s.Backend = ng, "ngspice"
	}
	s.Spec = dataset.Spec{
		Name:        s.Training.Dataset,
		Train:       nl.DataPath(s.Training.TrainFile),
		Test:        nl.DataPath(s.Training.TestFile),
		Dir:         o.Data,
		TrainSubset: s.Training.Subset,
		TestSubset:  s.Training.TestSubset,
		Offset:      s.Training.InputOffset,
		OffsetMean:  s.Training.InputMean,
	}
	return s, nil
}

// Close ends what the session's backend runs (ngspice's processes); a
// session of the native backend has nothing to end. The session cannot
// relax afterwards.
func (s *Session) Close() error {
	if c, ok := s.Physical.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Load reads the data set with dataset.Load and checks that it fits the
// network. IDX files that are not found give an error for which
// errors.Is(err, fs.ErrNotExist) holds (its message says how to get
// them); anything else wrong with the data, a CSV file that the netlist
// names and that is missing included, is an *InputError.
func (s *Session) Load() error { return s.LoadWith(dataset.Load) }

// LoadWith is Load with another loader of data sets, one that caches them
// say.
func (s *Session) LoadWith(load func(dataset.Spec) (train, test *eqprop.Set, err error)) error {
	train, test, err := load(s.Spec)
	var se *safeio.Error
	switch {
	case errors.As(err, &se) && se.Kind != safeio.Other:
		// A file the netlist names, or that was found, cannot be read.
		return inputf("%s: %v", s.Path, err)
	case errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err != nil {
		return &InputError{err}
	}
	f := s.Physical.Features()
	if train.Features != f {
		return inputf("%s: data set %s has %d features per sample, but input %q takes %d (its size)", s.Path, train.Name, train.Features, s.Training.Input, f)
	}
	if c := s.Config.Readout.Classes(s.Physical.Outputs()); train.Classes > c {
		return inputf("%s: data set %s has %d classes, but the readout of output group %q (%d nodes) tells only %d", s.Path, train.Name, train.Classes, s.Netlist.Output.Group, s.Physical.Outputs(), c)
	}
	if train.Len() == 0 || test.Len() == 0 {
		return inputf("%s: data set %s has %d training and %d test samples", s.Path, train.Name, train.Len(), test.Len())
	}
	if err := errors.Join(train.CheckShift(s.Config.Shift), train.CheckFlip(s.Config.Flip)); err != nil {
		return inputf("%s: %v", s.Path, err)
	}
	s.Train, s.Test = train, test
	return nil
}

// Settings returns what the result of training depends on, besides the
// netlist.
func (s *Session) Settings() Settings {
	c := s.Config
	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	backend := ""
	if s.Backend != "native" {
		backend = s.Backend
	}
	decay := c.LRDecay
	if decay == 1 {
		decay = 0
	}
	readout := "single"
	if c.Readout.Differential {
		readout = "differential"
	}
	return Settings{
		Dataset: s.Training.Dataset, TrainFile: abs(s.Spec.Train), TestFile: abs(s.Spec.Test),
		Subset: s.Training.Subset, TestSubset: s.Training.TestSubset, InputOffset: s.Training.InputOffset, InputMean: s.Training.InputMean,
		Input: s.Training.Input, Output: s.Netlist.Output.Group, Readout: readout,
		TargetHigh: c.Readout.High, TargetLow: c.Readout.Low,
		Epochs: c.Epochs, BatchSize: c.BatchSize, Estimator: c.Estimator, Nudge: c.Nudge.String(),
		Beta: c.Beta, Eta: c.Eta, LearningRate: c.LearningRate, LearningRates: c.LearningRates, LRDecay: decay, WeightDecay: c.WeightDecay, InputDropout: c.InputDropout, Shift: c.Shift, Flip: c.Flip,
		GMin: c.GMin, GMax: c.GMax, Seed: c.Seed, Workers: c.Workers,
		SenseNoise: c.Sense.Noise, ADCBits: c.Sense.Bits, ADCMin: c.Sense.Min, ADCMax: c.Sense.Max,
		Backend:  backend,
		Dynamics: c.Dynamics.Method, FreeTime: c.Dynamics.FreeTime, NudgeTime: c.Dynamics.NudgeTime, IntegrationTime: c.Dynamics.Window,
	}
}

// Trained returns the netlist to write after training: the circuit with
// its trained conductances and a [training] section with the settings
// the run used (but the netlist's workers).
func (s *Session) Trained() *netlist.Netlist {
	out := *s.Netlist
	tr := s.Training
	tr.Config = s.Config
	tr.Config.Readout = eqprop.Readout{}
	tr.Config.Workers = 0
	if tr.Config.LRDecay == 1 {
		tr.Config.LRDecay = 0 // constant rates: written as before
	}
	if s.Netlist.Training != nil {
		tr.Config.Workers = s.Netlist.Training.Config.Workers
	}
	out.Training = &tr
	return &out
}
