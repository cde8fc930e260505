package netlist

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eqsim/eqsim/internal/tomlloc"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/dataset"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/device"
	"github.com/eqsim/eqsim/eqprop/dynamics"
	"github.com/eqsim/eqsim/internal/bitdiff"
)

// Output is the [output] section: which nodes are the network's outputs and
// how they are read.
type Output struct {
	// Group is the name of the group, or input, whose nodes are the
	// outputs, in order.
	Group string
	// Readout maps class labels to target voltages and output voltages to
	// classes. Parse fills in the defaults: single-ended, High 1 V, Low 0 V.
	Readout eqprop.Readout
}

// Training is the [training] section: the data set and the settings of
// eqprop training.
type Training struct {
	// Dataset is the data set's name in lower case, one of
	// dataset.Names(), or "" if the section names none.
	Dataset string
	// TrainFile and TestFile are the CSV files of a "csv" data set as
	// written, relative to the netlist's folder unless absolute (see
	// Netlist.DataPath). TestFile may be empty.
	TrainFile, TestFile string
	// Subset and TestSubset, when positive, keep only the first so many
	// training and test samples.
	Subset, TestSubset int
	// InputOffset, the key input_offset, is subtracted from every feature
	// before the features drive the input (dataset.Spec.Offset), in the
	// features' units: the input then holds amplitude*(feature -
	// InputOffset) volts. 0 (the default) leaves the features as they are.
	InputOffset float64
	// InputMean, input_offset = "mean", subtracts from each feature
	// instead its own mean over the training set (dataset.Spec.OffsetMean).
	InputMean bool
	// Input is the name of the [[input]] element the features drive. Parse
	// sets it to the netlist's only input when the section does not name
	// one.
	Input string
	// Backend is the physical system that solves the phases, one of
	// Backends, or "" (the key is absent): "native", eqsim's own solver.
	Backend string
	// Config holds the settings given in the section; its zero fields mean
	// eqprop's defaults (see eqprop.Config.WithDefaults). Its Readout is
	// not used: the readout is the Output's.
	Config eqprop.Config
}

// DataPath resolves a data file path of the [training] section: relative
// paths are taken relative to the netlist's folder.
func (nl *Netlist) DataPath(name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	dir := "."
	if nl.Path != "" {
		dir = filepath.Dir(nl.Path)
	}
	return filepath.Join(dir, name)
}

// TrainingConfig returns the eqprop settings of the netlist: those of the
// [training] section with the readout of [output], zero fields meaning
// the defaults.
func (nl *Netlist) TrainingConfig() eqprop.Config {
	var c eqprop.Config
	if nl.Training != nil {
		c = nl.Training.Config
	}
	if c.LearningRates != nil {
		lr := make(map[string]float64, len(c.LearningRates))
		for k, v := range c.LearningRates {
			lr[k] = v
		}
		c.LearningRates = lr
	}
	if c.Device != nil {
		d := *c.Device
		c.Device = &d
	}
	c.Readout = eqprop.Readout{}
	if nl.Output != nil {
		c.Readout = nl.Output.Readout
	}
	return c
}

// Backends are the values of [training] backend: "native" solves the
// phases with eqsim's solver, "ngspice" in ngspice (spice.Ngspice).
var Backends = []string{"native", "ngspice"}

var (
	outputKeys   = []string{"group", "readout", "target_high", "target_low"}
	trainingKeys = []string{
		"dataset", "train_file", "test_file", "subset", "test_subset", "input_offset", "input",
		"epochs", "batch_size", "estimator", "nudge", "beta", "eta", "learning_rate", "lr_decay", "shift", "flip",
		"input_dropout", "weight_decay", "g_min", "g_max", "seed", "workers", "learning_rates", "device", "sense", "backend", "dynamics",
	}
	deviceKeys = []string{
		"kind", "g_min", "g_max", "on_off", "dw_min", "up_down", "gamma", "a", "b",
		"dw_min_dtod", "up_down_dtod", "g_min_dtod", "g_max_dtod", "dw_min_std",
		"levels", "stuck_fraction", "stuck_at", "max_pulses",
	}
	senseKeys = []string{"noise", "adc_bits", "adc_min", "adc_max", "integration_time"}
)

// section returns the table of a top-level section, or nil if the netlist
// has none.
func (p *parser) section(top *table, key string) *table {
	v, ok := top.m[key]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		top.fail(key, "%s must be a table: write [%s]", key, key)
	}
	return &table{p: p, m: m, path: []string{key}, kind: key, line: p.loc.Line(key)}
}

// parseOutput reads the [output] section.
func (p *parser) parseOutput(t *table) *Output {
	t.checkKeys(outputKeys)
	g := t.group("group")
	o := &Output{Group: g.Name, Readout: eqprop.Readout{High: 1, Low: 0}}
	if s, ok := t.str("readout"); ok {
		switch s {
		case "single":
		case "differential":
			o.Readout.Differential = true
		default:
			t.fail("readout", "unknown readout %q (want \"single\" or \"differential\")", s)
		}
	}
	if o.Readout.Differential && g.Size%2 != 0 {
		t.fail("readout", "a differential readout needs an even number of outputs: %s %q has %d nodes", g.kind, g.Name, g.Size)
	}
	if v, ok := t.value("target_high"); ok {
		o.Readout.High = v
	}
	if v, ok := t.value("target_low"); ok {
		o.Readout.Low = v
	}
	if !(o.Readout.High > o.Readout.Low) {
		key := "target_low"
		if _, ok := t.m["target_high"]; ok {
			key = "target_high"
		}
		t.fail(key, "target_high = %g V must be above target_low = %g V", o.Readout.High, o.Readout.Low)
	}
	return o
}

// parseTraining reads the [training] section; it needs [output] and the
// netlist's elements.
func (p *parser) parseTraining(t *table, out *Output, elems []circuit.Element) *Training {
	t.checkKeys(trainingKeys)
	if out == nil {
		t.fail("", "training needs an [output] section naming the group of output nodes")
	}
	tr := &Training{}
	if s, ok := t.str("dataset"); ok {
		name := strings.ToLower(strings.TrimSpace(s))
		if !contains(dataset.Names(), name) {
			t.fail("dataset", "unknown data set %q (want one of %s)%s", s, strings.Join(dataset.Names(), ", "), tomlloc.Suggest(name, dataset.Names()))
		}
		tr.Dataset = name
	}
	for _, k := range []string{"train_file", "test_file"} {
		s, ok := t.str(k)
		if !ok {
			continue
		}
		if s == "" {
			t.fail(k, "%s is empty: give the path of a CSV file", k)
		}
		if tr.Dataset != "csv" {
			t.fail(k, "%s is only for dataset = \"csv\"", k)
		}
		if k == "train_file" {
			tr.TrainFile = s
		} else {
			tr.TestFile = s
		}
	}
	if tr.Dataset == "csv" && tr.TrainFile == "" {
		t.fail("dataset", "dataset = \"csv\" needs train_file (features then label per row)")
	}
	tr.Subset = t.count("subset", 0)
	tr.TestSubset = t.count("test_subset", 0)
	if s, ok := t.m["input_offset"].(string); ok && s == "mean" {
		tr.InputMean = true
	} else {
		tr.InputOffset, _ = t.value("input_offset")
	}

	inputs := inputNames(elems)
	if s, ok := t.str("input"); ok {
		if !contains(inputs, s) {
			t.fail("input", "no [[input]] named %q (inputs: %s)%s", s, listOrNone(inputs), suggestName(s, inputs))
		}
		tr.Input = s
	} else {
		switch len(inputs) {
		case 0:
			t.fail("", "the netlist has no [[input]] for the data's features to drive")
		case 1:
			tr.Input = inputs[0]
		default:
			t.fail("", "the netlist has several inputs (%s): say which one the features drive with input = \"...\"", strings.Join(inputs, ", "))
		}
	}

	tr.Backend = t.backend()

	c := &tr.Config
	c.Epochs = t.count("epochs", 1)
	c.BatchSize = t.count("batch_size", 1)
	c.Workers = t.count("workers", 0)
	c.Shift = t.count("shift", 0)
	c.Flip, _ = t.boolean("flip")
	if v, ok := t.value("input_dropout"); ok {
		c.InputDropout = v // eqprop.Config.Validate refuses one outside [0, 1)
	}
	if s, ok := t.str("estimator"); ok {
		if !contains(eqprop.TrainingEstimators, s) {
			t.fail("estimator", "unknown estimator %q (want one of %s)%s", s, strings.Join(eqprop.TrainingEstimators, ", "), tomlloc.Suggest(s, eqprop.TrainingEstimators))
		}
		c.Estimator = s
	}
	if s, ok := t.str("nudge"); ok {
		switch s {
		case "current":
			c.Nudge = eqprop.NudgeCurrent
		case "conductance":
			c.Nudge = eqprop.NudgeConductance
		default:
			t.fail("nudge", "unknown nudge %q (want \"current\" or \"conductance\")", s)
		}
	}
	for _, f := range []floatKey{{"beta", &c.Beta}, {"g_min", &c.GMin}, {"g_max", &c.GMax}} {
		if v, ok := t.positive(f.key); ok {
			*f.x = v
		}
	}
	if v, ok := t.fraction("eta", ""); ok {
		c.Eta = v
	}
	parseRate(t, c)
	if d := c.WithDefaults(); d.GMax <= d.GMin {
		key := "g_max"
		if _, ok := t.m["g_max"]; !ok {
			key = "g_min"
		}
		t.fail(key, "g_max = %g S must be above g_min = %g S", d.GMax, d.GMin)
	}
	if s, ok := t.integer("seed"); ok {
		if s < 0 {
			t.fail("seed", "seed must not be negative")
		}
		c.Seed = uint64(s)
	}
	if v, ok := t.m["learning_rates"]; ok {
		c.LearningRates = p.parseRates(t, v, elems)
	}
	if v, ok := t.m["device"]; ok {
		c.Device = p.parseDevice(t, v, c.WithDefaults())
	}
	p.parseMeasurement(t, c)
	if err := c.Validate(); err != nil {
		t.fail("", "%v", err)
	}
	return tr
}

// backend reads the optional backend key: one of Backends, or "".
func (t *table) backend() string {
	s, ok := t.str("backend")
	if ok && !contains(Backends, s) {
		t.fail("backend", "unknown backend %q (want \"native\" or \"ngspice\")%s", s, tomlloc.Suggest(s, Backends))
	}
	return s
}

// inputNames returns the names of the inputs among elems, the elements
// whose values the features of a data set may drive: eqprop drives
// inputs only.
func inputNames(elems []circuit.Element) []string {
	var names []string
	for _, e := range elems {
		if e.Kind() == circuit.InputKind {
			names = append(names, e.Label())
		}
	}
	return names
}

// count reads an optional integer of at least least; 0 if it is absent.
func (t *table) count(key string, least int64) int {
	n, ok := t.integer(key)
	if !ok {
		return 0
	}
	if n < least {
		if least == 1 {
			t.fail(key, "%s must be positive, got %d", key, n)
		}
		t.fail(key, "%s must not be negative, got %d", key, n)
	}
	if n > math.MaxInt32 {
		t.fail(key, "%s = %d is too large", key, n)
	}
	return int(n)
}

// floatKey is a number of a section and its TOML key.
type floatKey struct {
	key string
	x   *float64
}

// deviceFloats lists the numbers of [training.device] that are read and
// written as they are.
func deviceFloats(d *device.Params) []floatKey {
	return []floatKey{
		{"g_min", &d.GMin}, {"g_max", &d.GMax}, {"dw_min", &d.DwMin}, {"up_down", &d.UpDown},
		{"gamma", &d.Gamma}, {"a", &d.A}, {"b", &d.B}, {"dw_min_dtod", &d.DwMinDtoD},
		{"up_down_dtod", &d.UpDownDtoD}, {"g_min_dtod", &d.GMinDtoD}, {"g_max_dtod", &d.GMaxDtoD},
		{"dw_min_std", &d.DwMinStd}, {"stuck_fraction", &d.StuckFraction},
	}
}

// parseRate reads [training]'s learning_rate, lr_decay and weight_decay into c.
func parseRate(t *table, c *eqprop.Config) {
	if v, ok := t.positive("learning_rate"); ok {
		c.LearningRate = v
	}
	if v, ok := t.fraction("lr_decay", " (the factor of the learning rates after each epoch)"); ok {
		c.LRDecay = v
	}
	if v, ok := t.value("weight_decay"); ok {
		c.WeightDecay = v
	}
}

// parseRates reads [training.learning_rates]: block name -> learning rate.
func (p *parser) parseRates(t *table, v any, elems []circuit.Element) map[string]float64 {
	m, ok := v.(map[string]any)
	if !ok {
		t.fail("learning_rates", "learning_rates must be a table: write [training.learning_rates]")
	}
	sub := &table{p: p, m: m, path: []string{"training", "learning_rates"}, kind: "training", line: p.loc.Line("training", "learning_rates")}
	var blocks []string
	trainable := map[string]bool{}
	for _, e := range elems {
		b, ok := e.(circuit.Trainable)
		if !ok {
			continue
		}
		trainable[e.Label()] = b.IsTrainable()
		if b.IsTrainable() {
			blocks = append(blocks, e.Label())
		}
	}
	names := sortedKeys(m)
	sort.SliceStable(names, func(i, j int) bool {
		return p.loc.Exact("training", "learning_rates", names[i]) < p.loc.Exact("training", "learning_rates", names[j])
	})
	rates := make(map[string]float64, len(m))
	for _, name := range names {
		tr, ok := trainable[name]
		switch {
		case !ok:
			sub.fail(name, "learning rate for %q: no block of that name that learning may change (trainable blocks: %s)%s", name, listOrNone(blocks), suggestName(name, blocks))
		case !tr:
			sub.fail(name, "learning rate for %q: it is not trainable (add trainable = true to it)", name)
		}
		x := sub.number(m[name], "learning rate of "+name, name)
		if x < 0 {
			sub.fail(name, "learning rate of %s must not be negative, got %v", name, x)
		}
		rates[name] = x
	}
	return rates
}

// parseDevice reads [training.device], the device model of the trained
// conductances, and validates it as the trainer will use it, with the
// bounds of c (defaults applied) when it gives none.
//
// The key on_off, the on/off ratio g_max/g_min (dimensionless, > 1),
// sets g_min = g_max/on_off, with g_max the table's or else c.GMax (the
// [training] g_max or its default), which then becomes the device's g_max
// too; giving both g_min and on_off is an error. on_off is not kept: the
// device's Params hold, and the netlist is written back with, the g_min
// and g_max it resolves to.
func (p *parser) parseDevice(t *table, v any, c eqprop.Config) *device.Params {
	m, ok := v.(map[string]any)
	if !ok {
		t.fail("device", "device must be a table: write [training.device]")
	}
	sub := &table{p: p, m: m, path: []string{"training", "device"}, kind: "training", line: p.loc.Line("training", "device")}
	sub.checkKeys(deviceKeys)
	d := &device.Params{}
	if s, ok := sub.str("kind"); ok {
		if !contains(device.Kinds, s) {
			sub.fail("kind", "unknown device kind %q (want one of %s)%s", s, strings.Join(device.Kinds, ", "), tomlloc.Suggest(s, device.Kinds))
		}
		d.Kind = s
	}
	for _, f := range deviceFloats(d) {
		if x, ok := sub.value(f.key); ok {
			*f.x = x
		}
	}
	if r, ok := sub.value("on_off"); ok {
		if _, ok := m["g_min"]; ok {
			sub.fail("on_off", "give g_min or on_off (g_min = g_max/on_off), not both")
		}
		if !(r > 1) {
			sub.fail("on_off", "on_off = %v: the on/off ratio g_max/g_min must be above 1", r)
		}
		if _, ok := m["g_max"]; !ok {
			d.GMax = c.GMax
		}
		d.GMin = d.GMax / r
	}
	d.Levels = sub.count("levels", 0)
	d.MaxPulses = sub.count("max_pulses", 0)
	if s, ok := sub.str("stuck_at"); ok {
		d.StuckAt = s
	}
	q := *d
	if q.GMin == 0 && q.GMax == 0 {
		q.GMin, q.GMax = c.GMin, c.GMax
	}
	if _, err := device.New(q, 1, 0); err != nil {
		// The messages start "device: key = ...": point at that key.
		msg := strings.TrimPrefix(err.Error(), "device: ")
		key, _, _ := strings.Cut(msg, " ")
		if _, ok := m[key]; !ok {
			key = ""
		}
		sub.fail(key, "%s", msg)
	}
	return d
}

// parseSense reads [training.sense], the read-out of measured voltages:
// noise (V, the read noise's standard deviation), adc_bits (1 to 24) and
// adc_min and adc_max (V), the ADC's range, which adc_bits needs and which
// need adc_bits, and integration_time (s), the measurement window, which
// goes to d.Window. An empty table reads voltages exactly.
func (p *parser) parseSense(t *table, v any, d *dynamics.Settings) eqprop.Sensing {
	m, ok := v.(map[string]any)
	if !ok {
		t.fail("sense", "sense must be a table: write [training.sense]")
	}
	sub := &table{p: p, m: m, path: []string{"training", "sense"}, kind: "training", line: p.loc.Line("training", "sense")}
	sub.checkKeys(senseKeys)
	parseIntegrationTime(sub, d)
	var s eqprop.Sensing
	if x, ok := sub.value("noise"); ok {
		if x < 0 {
			sub.fail("noise", "noise must not be negative, got %v V", x)
		}
		s.Noise = x
	}
	bits, hasBits := sub.integer("adc_bits")
	if hasBits && (bits < 1 || bits > 24) {
		sub.fail("adc_bits", "adc_bits = %d: the ADC's resolution must be 1 to 24 bits", bits)
	}
	s.Bits = int(bits)
	lo, hasLo := sub.value("adc_min")
	hi, hasHi := sub.value("adc_max")
	switch {
	case hasBits && !(hasLo && hasHi):
		sub.fail("adc_bits", "adc_bits needs adc_min and adc_max, the ADC's input range in volts")
	case !hasBits && (hasLo || hasHi):
		key := "adc_min"
		if !hasLo {
			key = "adc_max"
		}
		sub.fail(key, "%s needs adc_bits, the ADC's resolution", key)
	case hasBits && !(lo < hi):
		sub.fail("adc_max", "adc_max = %v V must be above adc_min = %v V", hi, lo)
	}
	s.Min, s.Max = lo, hi
	if err := s.Validate(); err != nil {
		sub.fail("", "%v", err)
	}
	return s
}

// suggestName is suggest for names, which may have capitals.
func suggestName(name string, names []string) string {
	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(n)
	}
	s := tomlloc.Suggest(name, lower)
	for i, l := range lower {
		if s == fmt.Sprintf(" (did you mean %q?)", l) {
			return fmt.Sprintf(" (did you mean %q?)", names[i])
		}
	}
	return s
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// rebase returns t with its relative data file paths, relative to the
// folder from, made relative to the folder to (absolute if they cannot
// be).
func (t *Training) rebase(from, to string) *Training {
	c := *t
	move := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		abs, err := filepath.Abs(filepath.Join(from, p))
		if err != nil {
			return p
		}
		absTo, err := filepath.Abs(to)
		if err != nil {
			return abs
		}
		rel, err := filepath.Rel(absTo, abs)
		if err != nil {
			return abs
		}
		return filepath.ToSlash(rel)
	}
	c.TrainFile, c.TestFile = move(t.TrainFile), move(t.TestFile)
	return &c
}

// renderTraining writes the [output] and [training] sections.
func (w *writer) renderTraining(o *Output, t *Training) error {
	if t != nil && o == nil {
		return fmt.Errorf("a [training] section needs an [output] section")
	}
	if o != nil {
		if _, ok := w.groups[o.Group]; !ok {
			return fmt.Errorf("output: no group or input named %q", o.Group)
		}
		r := o.Readout
		kind := "single"
		if r.Differential {
			kind = "differential"
		}
		w.printf("\n[output]\ngroup = %s\nreadout = %q\ntarget_high = %s\ntarget_low = %s\n",
			quote(o.Group), kind, formatNumber(r.High), formatNumber(r.Low))
	}
	if t == nil {
		return nil
	}
	c := t.Config
	w.printf("\n[training]\n")
	if t.Dataset != "" {
		w.printf("dataset = %s\n", quote(t.Dataset))
	}
	if t.TrainFile != "" {
		w.printf("train_file = %s\n", quote(t.TrainFile))
	}
	if t.TestFile != "" {
		w.printf("test_file = %s\n", quote(t.TestFile))
	}
	ints := []struct {
		key string
		v   int
	}{{"subset", t.Subset}, {"test_subset", t.TestSubset}}
	for _, kv := range ints {
		if kv.v != 0 {
			w.printf("%s = %d\n", kv.key, kv.v)
		}
	}
	if t.InputMean {
		w.printf("input_offset = \"mean\"\n")
	} else if t.InputOffset != 0 {
		w.printf("input_offset = %s\n", formatNumber(t.InputOffset))
	}
	if t.Input != "" {
		w.printf("input = %s\n", quote(t.Input))
	}
	if t.Backend != "" {
		w.printf("backend = %s\n", quote(t.Backend))
	}
	ints = []struct {
		key string
		v   int
	}{{"epochs", c.Epochs}, {"batch_size", c.BatchSize}, {"shift", c.Shift}}
	for _, kv := range ints {
		if kv.v != 0 {
			w.printf("%s = %d\n", kv.key, kv.v)
		}
	}
	if c.Flip {
		w.printf("flip = true\n")
	}
	if c.Estimator != "" {
		w.printf("estimator = %s\n", quote(c.Estimator))
	}
	w.printf("nudge = %q\n", c.Nudge.String())
	floats := []floatKey{{"beta", &c.Beta}, {"eta", &c.Eta}, {"learning_rate", &c.LearningRate}, {"weight_decay", &c.WeightDecay},
		{"input_dropout", &c.InputDropout}, {"g_min", &c.GMin}, {"g_max", &c.GMax}}
	for _, f := range floats {
		if *f.x != 0 {
			w.printf("%s = %s\n", f.key, formatNumber(*f.x))
		}
	}
	if c.LRDecay != 0 && c.LRDecay != 1 {
		// Constant rates stay unwritten: a trained netlist reads as before.
		w.printf("lr_decay = %s\n", formatNumber(c.LRDecay))
	}
	if c.Seed != 0 {
		if c.Seed > math.MaxInt64 {
			return fmt.Errorf("training: seed %d does not fit a TOML integer", c.Seed)
		}
		w.printf("seed = %d\n", c.Seed)
	}
	if c.Workers != 0 {
		w.printf("workers = %d\n", c.Workers)
	}
	if len(c.LearningRates) > 0 {
		w.printf("\n[training.learning_rates]\n")
		for _, name := range sortedKeys(c.LearningRates) {
			w.printf("%s = %s\n", tomlKey(name), formatNumber(c.LearningRates[name]))
		}
	}
	w.renderDevice(c.Device)
	w.renderSense(c.Sense, c.Dynamics.Window)
	w.renderDynamics(c.Dynamics)
	return nil
}

// renderDevice writes [training.device], if d is not nil.
func (w *writer) renderDevice(d *device.Params) {
	if d != nil {
		w.printf("\n[training.device]\n")
		if d.Kind != "" {
			w.printf("kind = %s\n", quote(d.Kind))
		}
		for _, f := range deviceFloats(d) {
			if math.Float64bits(*f.x) != 0 {
				w.printf("%s = %s\n", f.key, formatNumber(*f.x))
			}
		}
		if d.Levels != 0 {
			w.printf("levels = %d\n", d.Levels)
		}
		if d.StuckAt != "" {
			w.printf("stuck_at = %s\n", quote(d.StuckAt))
		}
		if d.MaxPulses != 0 {
			w.printf("max_pulses = %d\n", d.MaxPulses)
		}
	}
}

// renderSense writes [training.sense] with the measurement window, if
// any of it is set.
func (w *writer) renderSense(s eqprop.Sensing, window float64) {
	// Bits, not ==, so that a noise of -0 is written and reads back as -0.
	if s.Bits != 0 || math.Float64bits(s.Noise)|math.Float64bits(s.Min)|math.Float64bits(s.Max)|math.Float64bits(window) != 0 {
		w.printf("\n[training.sense]\n")
		if math.Float64bits(window) != 0 {
			w.printf("integration_time = %s\n", formatNumber(window))
		}
		if math.Float64bits(s.Noise) != 0 {
			w.printf("noise = %s\n", formatNumber(s.Noise))
		}
		if s.Bits != 0 {
			w.printf("adc_bits = %d\n", s.Bits)
		}
		if s.Bits != 0 || math.Float64bits(s.Min) != 0 || math.Float64bits(s.Max) != 0 {
			w.printf("adc_min = %s\nadc_max = %s\n", formatNumber(s.Min), formatNumber(s.Max))
		}
	}
}

// diffSections returns "" if a and b have the same [output] and [training]
// sections, else the first difference.
// An empty map of learning rates is the same as none, and an empty Input
// in a is the same as the one Parse picks.
func diffSections(a, b *Netlist) string {
	if d := bitdiff.Values("output", a.Output, b.Output); d != "" {
		return d
	}
	norm := func(t *Training, ref *Training) *Training {
		if t == nil {
			return nil
		}
		c := *t
		if len(c.Config.LearningRates) == 0 {
			c.Config.LearningRates = nil
		}
		if c.Input == "" && ref != nil {
			c.Input = ref.Input
		}
		return &c
	}
	ta, tb := norm(a.Training, b.Training), norm(b.Training, nil)
	return bitdiff.Values("training", ta, tb)
}
