package netlist

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/device"
	"github.com/eqsim/eqsim/eqprop/native"
)

// trainHead is a small trainable network: an input x of 2 differential
// features, a bias group b pinned by a source, hidden h, outputs o.
const trainHead = `[models.d1]
type = "diode"

[[input]]
name = "x"
size = 2
encoding = "differential"

[[group]]
name = "b"
size = 1

[[group]]
name = "h"
size = 3

[[group]]
name = "o"
size = 2

[[vsource]]
name = "VB"
nodes = ["b[0]", "0"]
v = 1

[[crossbar]]
name = "W1"
from = ["x", "b"]
to = "h"
trainable = true
init = "constant"
g = "1u"

[[crossbar]]
name = "W2"
from = "h"
to = "o"
trainable = true
init = "uniform"
low = "1u"
high = "2u"

[[crossbar]]
name = "F"
from = "o"
to = "b"
init = "constant"
g = "1n"

[[resistor]]
name = "RT"
nodes = ["h[0]", "0"]
g = "1u"
trainable = true

[[resistor]]
name = "RL"
nodes = ["o[0]", "0"]
r = "1meg"
`

const trainFull = trainHead + `
[output]
group = "o"
readout = "differential"
target_high = 0.5
target_low = "-100m"

[training]
dataset = "CSV"
train_file = "data/train.csv"
test_file = "/abs/test.csv"
subset = 100
test_subset = 50
input_offset = -0.25
input = "x"
backend = "ngspice"
epochs = 3
batch_size = 4
estimator = "chl"
nudge = "conductance"
beta = "2u"
eta = 0.25
learning_rate = 3e-12
lr_decay = 0.75
weight_decay = 5e4
input_dropout = 0.2
shift = 2
flip = true
g_min = "2n"
g_max = "50u"
seed = 7
workers = 2

[training.learning_rates]
W1 = 1e-12
"RT" = 0
`

func TestParseTraining(t *testing.T) {
	nl, err := Parse([]byte(trainFull), filepath.Join("some", "dir", "net.toml"))
	if err != nil {
		t.Fatal(err)
	}
	wantOut := &Output{Group: "o", Readout: eqprop.Readout{Differential: true, High: 0.5, Low: -0.1}}
	if !reflect.DeepEqual(nl.Output, wantOut) {
		t.Errorf("output %+v, want %+v", nl.Output, wantOut)
	}
	want := &Training{
		Dataset: "csv", TrainFile: "data/train.csv", TestFile: "/abs/test.csv",
		Subset: 100, TestSubset: 50, InputOffset: -0.25, Input: "x", Backend: "ngspice",
		Config: eqprop.Config{
			Epochs: 3, BatchSize: 4, Estimator: "chl", Nudge: eqprop.NudgeConductance,
			Beta: 2e-6, Eta: 0.25, LearningRate: 3e-12, LRDecay: 0.75, WeightDecay: 5e4, InputDropout: 0.2, Shift: 2, Flip: true, GMin: 2e-9, GMax: 50e-6, Seed: 7, Workers: 2,
			LearningRates: map[string]float64{"W1": 1e-12, "RT": 0},
		},
	}
	if !reflect.DeepEqual(nl.Training, want) {
		t.Errorf("training\n%+v, want\n%+v", nl.Training, want)
	}
	if got, want := nl.DataPath(nl.Training.TrainFile), filepath.Join("some", "dir", "data", "train.csv"); got != want {
		t.Errorf("DataPath(train) = %q, want %q", got, want)
	}
	if got := nl.DataPath(nl.Training.TestFile); got != "/abs/test.csv" {
		t.Errorf("DataPath(test) = %q", got)
	}
	cfg := nl.TrainingConfig()
	if cfg.Readout != wantOut.Readout || cfg.Beta != 2e-6 {
		t.Errorf("TrainingConfig = %+v", cfg)
	}
	cfg.LearningRates["W1"] = 5
	if nl.Training.Config.LearningRates["W1"] != 1e-12 {
		t.Errorf("TrainingConfig shares its learning rates with the netlist")
	}

	// The crossbar from a list of groups: x's 4 nodes, then b's.
	w1 := nl.Circuit.Element("W1").(*circuit.Crossbar)
	wantFrom := []string{"x[0]", "x[1]", "x[2]", "x[3]", "b[0]"}
	if !reflect.DeepEqual(w1.From, wantFrom) {
		t.Errorf("W1.From = %v, want %v", w1.From, wantFrom)
	}
	if r, c := w1.G.Dims(); r != 5 || c != 3 {
		t.Errorf("W1 is %dx%d, want 5x3", r, c)
	}
}

// TestParseTrainingDefaults: every key of [training] is optional, and the
// only input is the one the features drive.
func TestParseTrainingDefaults(t *testing.T) {
	nl, err := Parse([]byte(trainHead+"[output]\ngroup = \"o\"\n[training]\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (&Output{Group: "o", Readout: eqprop.Readout{High: 1, Low: 0}}); !reflect.DeepEqual(nl.Output, want) {
		t.Errorf("output %+v, want %+v", nl.Output, want)
	}
	if want := (&Training{Input: "x"}); !reflect.DeepEqual(nl.Training, want) {
		t.Errorf("training %+v, want %+v", nl.Training, want)
	}
	d := nl.TrainingConfig().WithDefaults()
	if d.Epochs != 10 || d.Beta != 1e-6 || d.Estimator != eqprop.Centered || d.Readout.High != 1 {
		t.Errorf("defaults: %+v", d)
	}

	nl, err = Parse([]byte(trainHead), "")
	if err != nil {
		t.Fatal(err)
	}
	if nl.Output != nil || nl.Training != nil {
		t.Errorf("a netlist without the sections has %+v, %+v", nl.Output, nl.Training)
	}
}

// trainErrors are cases appended to trainHead unless they start with "!";
// the line marked #! is the one the error must name.
var trainErrors = []struct {
	name, src string
	want      []string
}{
	{"output unknown key", "[output]\ngroup = \"o\"\nreadot = \"single\" #!\n", []string{"output", `unknown key "readot"`, `did you mean "readout"`}},
	{"output missing group", "[output] #!\nreadout = \"single\"\n", []string{"missing group"}},
	{"output unknown group", "[output]\ngroup = \"out\" #!\n", []string{`no group or input named "out"`}},
	{"output bad readout", "[output]\ngroup = \"o\"\nreadout = \"diff\" #!\n", []string{`unknown readout "diff"`, "differential"}},
	{"output odd differential", "[output]\ngroup = \"h\"\nreadout = \"differential\" #!\n", []string{"even number of outputs", `"h" has 3 nodes`}},
	{"output targets", "[output]\ngroup = \"o\"\ntarget_high = 0 #!\n", []string{"target_high", "above target_low"}},
	{"output not a table", "!output = 3 #!\n" + trainHead, []string{"output must be a table"}},
	{"training without output", "[training] #!\nepochs = 2\n", []string{"training", "[output]"}},
	{"training unknown key", "[output]\ngroup = \"o\"\n[training]\nepoch = 3 #!\n", []string{"training", `unknown key "epoch"`, `did you mean "epochs"`}},
	{"training estimator", "[output]\ngroup = \"o\"\n[training]\nestimator = \"centred\" #!\n", []string{`unknown estimator "centred"`, `did you mean "centered"`}},
	{"training nudge", "[output]\ngroup = \"o\"\n[training]\nnudge = \"voltage\" #!\n", []string{`unknown nudge "voltage"`}},
	{"training backend", "[output]\ngroup = \"o\"\n[training]\nbackend = \"ngspce\" #!\n", []string{`unknown backend "ngspce"`, `did you mean "ngspice"`}},
	{"training dataset", "[output]\ngroup = \"o\"\n[training]\ndataset = \"mnsit\" #!\n", []string{`unknown data set "mnsit"`, `did you mean "mnist"`}},
	{"training csv without file", "[output]\ngroup = \"o\"\n[training]\ndataset = \"csv\" #!\n", []string{"needs train_file"}},
	{"training file without csv", "[output]\ngroup = \"o\"\n[training]\ndataset = \"xor\"\ntrain_file = \"a.csv\" #!\n", []string{"only for dataset = \"csv\""}},
	{"training unknown input", "[output]\ngroup = \"o\"\n[training]\ninput = \"y\" #!\n", []string{`no [[input]] named "y"`, "inputs: x"}},
	{"training epochs", "[output]\ngroup = \"o\"\n[training]\nepochs = 0 #!\n", []string{"epochs must be positive"}},
	{"training epochs float", "[output]\ngroup = \"o\"\n[training]\nepochs = 2.5 #!\n", []string{"epochs must be an integer"}},
	{"training batch", "[output]\ngroup = \"o\"\n[training]\nbatch_size = -1 #!\n", []string{"batch_size must be positive"}},
	{"training workers", "[output]\ngroup = \"o\"\n[training]\nworkers = -2 #!\n", []string{"workers must not be negative"}},
	{"training subset", "[output]\ngroup = \"o\"\n[training]\nsubset = -5 #!\n", []string{"subset must not be negative"}},
	{"training beta", "[output]\ngroup = \"o\"\n[training]\nbeta = \"-1u\" #!\n", []string{"beta must be positive"}},
	{"training beta suffix", "[output]\ngroup = \"o\"\n[training]\nbeta = \"1uS\" #!\n", []string{"beta"}},
	{"training eta", "[output]\ngroup = \"o\"\n[training]\neta = 1.5 #!\n", []string{"eta must be in (0, 1]"}},
	{"training lr_decay", "[output]\ngroup = \"o\"\n[training]\nlr_decay = 1.25 #!\n", []string{"lr_decay must be in (0, 1]"}},
	{"training weight_decay", "[output]\ngroup = \"o\"\n[training] #!\nweight_decay = -2e4\n", []string{"weight_decay = -20000: must be a number not below 0"}},
	{"training input_dropout", "[output]\ngroup = \"o\"\n[training] #!\ninput_dropout = 1\n", []string{"input_dropout = 1: must be in [0, 1)"}},
	{"training input_offset", "[output]\ngroup = \"o\"\n[training]\ninput_offset = \"gray\" #!\n", []string{"input_offset"}},
	{"training input_offset nan", "[output]\ngroup = \"o\"\n[training]\ninput_offset = nan #!\n", []string{"input_offset must be finite"}},
	{"training shift", "[output]\ngroup = \"o\"\n[training]\nshift = -1 #!\n", []string{"shift must not be negative"}},
	{"training lr", "[output]\ngroup = \"o\"\n[training]\nlearning_rate = 0 #!\n", []string{"learning_rate must be positive"}},
	{"training gmin above gmax", "[output]\ngroup = \"o\"\n[training]\ng_min = \"1m\" #!\n", []string{"g_max = 0.0001 S must be above g_min = 0.001 S"}},
	{"training seed", "[output]\ngroup = \"o\"\n[training]\nseed = -1 #!\n", []string{"seed must not be negative"}},
	{"training rates unknown block", "[output]\ngroup = \"o\"\n[training]\n[training.learning_rates]\nW3 = 1e-12 #!\n",
		[]string{`learning rate for "W3"`, "trainable blocks: W1, W2, RT", `did you mean "W1"`}},
	{"training rates not trainable", "[output]\ngroup = \"o\"\n[training]\n[training.learning_rates]\nW1 = 1e-12\nF = 1e-12 #!\n", []string{`"F"`, "not trainable"}},
	{"training rates negative", "[output]\ngroup = \"o\"\n[training]\n[training.learning_rates]\nW2 = -1 #!\n", []string{"must not be negative"}},
	{"training rates not a table", "[output]\ngroup = \"o\"\n[training]\nlearning_rates = 3 #!\n", []string{"learning_rates must be a table"}},
	{"training device unknown key", "[output]\ngroup = \"o\"\n[training]\n[training.device]\nkind = \"constant\"\ndw_mn = \"1n\" #!\n",
		[]string{"training", `unknown key "dw_mn"`, `did you mean "dw_min"`}},
	{"training device kind", "[output]\ngroup = \"o\"\n[training]\n[training.device]\nkind = \"softbounds\" #!\n", []string{`unknown device kind "softbounds"`, `did you mean "soft_bounds"`}},
	{"training device levels", "[output]\ngroup = \"o\"\n[training]\n[training.device]\nlevels = 1 #!\n", []string{"levels = 1", "at least 2"}},
	{"training device dw_min", "[output]\ngroup = \"o\"\n[training]\n[training.device]\ng_max = \"10u\"\ndw_min = \"20u\" #!\n", []string{"dw_min = 2e-05 S exceeds the range"}},
	{"training device bounds from training", "[output]\ngroup = \"o\"\n[training]\ng_max = \"1u\"\n[training.device]\ndw_min = \"2u\" #!\n", []string{"dw_min = 2e-06 S exceeds the range"}},
	{"training device stuck_at", "[output]\ngroup = \"o\"\n[training]\n[training.device]\nstuck_fraction = 0.1\nstuck_at = \"middle\" #!\n", []string{`stuck_at = "middle"`}},
	{"training device not a table", "[output]\ngroup = \"o\"\n[training]\ndevice = \"ideal\" #!\n", []string{"device must be a table"}},
	{"training device on_off and g_min", "[output]\ngroup = \"o\"\n[training]\n[training.device]\ng_min = \"1u\"\ng_max = \"10u\"\non_off = 10 #!\n", []string{"g_min or on_off", "not both"}},
	{"training device on_off below 1", "[output]\ngroup = \"o\"\n[training]\n[training.device]\non_off = 0.5 #!\n", []string{"on_off = 0.5", "above 1"}},
	{"training device on_off 1", "[output]\ngroup = \"o\"\n[training]\n[training.device]\ng_max = \"10u\"\non_off = 1 #!\n", []string{"on_off = 1", "above 1"}},
	{"training device on_off not a number", "[output]\ngroup = \"o\"\n[training]\n[training.device]\non_off = \"ten\" #!\n", []string{"on_off"}},
	{"training device on_off dw_min", "[output]\ngroup = \"o\"\n[training]\n[training.device]\ng_max = \"10u\"\non_off = 2\ndw_min = \"6u\" #!\n", []string{"dw_min = 6e-06 S exceeds the range g_max - g_min = 5e-06 S"}},
	{"training sense unknown key", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nnoise = \"1m\"\nadc_bit = 8 #!\n", []string{"training", `unknown key "adc_bit"`, `did you mean "adc_bits"`}},
	{"training sense not a table", "[output]\ngroup = \"o\"\n[training]\nsense = 1e-3 #!\n", []string{"sense must be a table", "[training.sense]"}},
	{"training sense noise negative", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nnoise = \"-1m\" #!\n", []string{"noise must not be negative", "-0.001 V"}},
	{"training sense noise bad", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nnoise = \"1mV\" #!\n", []string{"noise"}},
	{"training sense bits 0", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nadc_bits = 0 #!\nadc_min = 0\nadc_max = 1\n", []string{"adc_bits = 0", "1 to 24"}},
	{"training sense bits 25", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nadc_min = 0\nadc_max = 1\nadc_bits = 25 #!\n", []string{"adc_bits = 25", "1 to 24"}},
	{"training sense bits float", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nadc_bits = 8.0 #!\n", []string{"adc_bits must be an integer"}},
	{"training sense bits without range", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nadc_bits = 8 #!\nadc_min = \"-1\"\n", []string{"adc_bits needs adc_min and adc_max"}},
	{"training sense range without bits", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nnoise = 0\nadc_max = 1 #!\n", []string{"adc_max needs adc_bits"}},
	{"training sense range reversed", "[output]\ngroup = \"o\"\n[training]\n[training.sense]\nadc_bits = 4\nadc_max = \"-500m\" #!\nadc_min = \"500m\"\n", []string{"adc_max = -0.5 V must be above adc_min = 0.5 V"}},
	{"training several inputs", "[[input]]\nname = \"z\"\nsize = 1\n[output]\ngroup = \"o\"\n[training] #!\n", []string{"several inputs (x, z)", "input ="}},
	{"training no input", "![[group]]\nname = \"o\"\nsize = 1\n[[resistor]]\nname = \"R\"\nnodes = [\"o[0]\", \"0\"]\nr = 1\n[output]\ngroup = \"o\"\n[training] #!\n", []string{"no [[input]]"}},
	{"crossbar list unknown group", "[[crossbar]]\nname = \"W9\"\nfrom = [\"x\", \"q\"] #!\nto = \"h\"\ninit = \"constant\"\ng = 1\n", []string{`crossbar "W9"`, `from[1]: no group or input named "q"`}},
	{"crossbar list twice", "[[crossbar]]\nname = \"W9\"\nfrom = \"h\"\nto = [\"o\", \"o\"] #!\ninit = \"constant\"\ng = 1\n", []string{`to lists "o" twice`}},
	{"crossbar list empty", "[[crossbar]]\nname = \"W9\"\nfrom = [] #!\nto = \"h\"\ninit = \"constant\"\ng = 1\n", []string{"non-empty array"}},
	{"crossbar list not strings", "[[crossbar]]\nname = \"W9\"\nfrom = [\"x\", 3] #!\nto = \"h\"\ninit = \"constant\"\ng = 1\n", []string{"from[1] must be a group"}},
}

func TestTrainingErrors(t *testing.T) {
	for _, tc := range trainErrors {
		t.Run(tc.name, func(t *testing.T) {
			src := trainHead + tc.src
			if strings.HasPrefix(tc.src, "!") {
				src = tc.src[1:]
			}
			path := "/tmp/bad.toml"
			_, err := Parse([]byte(src), path)
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			msg := err.Error()
			t.Log(msg)
			if want := fmt.Sprintf("%s:%d: ", path, lineOf(src)); !strings.HasPrefix(msg, want) {
				t.Errorf("error %q does not start with %q", msg, want)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestRoundTripTraining writes a netlist with both sections and a crossbar
// from two groups into another folder and reads it back: the same circuit
// and sections, and the data file still found.
func TestRoundTripTraining(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "in", "net.toml")
	if err := os.MkdirAll(filepath.Join(root, "in", "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte(trainFull), 0o644); err != nil {
		t.Fatal(err)
	}
	nl, err := ParseFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// Train a little.
	w1 := nl.Circuit.Element("W1").(*circuit.Crossbar)
	w1.G.Set(4, 2, 1.0/3*1e-6)
	out := filepath.Join(root, "out", "deep", "trained.toml")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	back, text := writeBack(t, "trained", nl, out)
	if !strings.Contains(string(text), `from = ["x", "b"]`) {
		t.Errorf("W1's from is not written as a list:\n%s", text)
	}
	if d := Diff(nl.Circuit, back.Circuit); d != "" {
		t.Errorf("circuit differs: %s", d)
	}
	if !reflect.DeepEqual(nl.Output, back.Output) {
		t.Errorf("output %+v, read back %+v", nl.Output, back.Output)
	}
	// The relative data file moved with the netlist; the absolute one did not.
	if got, want := back.Training.TrainFile, "../../in/data/train.csv"; got != want {
		t.Errorf("train_file written as %q, want %q", got, want)
	}
	a, _ := filepath.Abs(nl.DataPath(nl.Training.TrainFile))
	b, _ := filepath.Abs(back.DataPath(back.Training.TrainFile))
	if a != b {
		t.Errorf("train_file resolves to %s, read back %s", a, b)
	}
	tr := *back.Training
	tr.TrainFile = nl.Training.TrainFile
	if !reflect.DeepEqual(nl.Training, &tr) {
		t.Errorf("training %+v, read back %+v", nl.Training, back.Training)
	}
	// The caller's netlist is unchanged by the rebasing.
	if nl.Training.TrainFile != "data/train.csv" {
		t.Errorf("WriteFile changed the netlist's train_file to %q", nl.Training.TrainFile)
	}
}

// TestRoundTripDevice: a [training.device] table with every key, SPICE
// suffixes included, reads into Config.Device and writes back to the same
// parameters; an empty table is an ideal device, not none.
func TestRoundTripDevice(t *testing.T) {
	const dev = `[output]
group = "o"
[training]
g_min = "10n"
[training.device]
kind = "exp"
g_min = "100n"
g_max = "10u"
dw_min = "10n"
up_down = -0.1
gamma = 0.5
a = 0.1
b = 2
dw_min_dtod = 0.3
up_down_dtod = 0.01
g_min_dtod = 0.05
g_max_dtod = 0.02
dw_min_std = 0.2
levels = 32
stuck_fraction = 0.01
stuck_at = "random"
max_pulses = 500
`
	nl, err := Parse([]byte(trainHead+dev), "")
	if err != nil {
		t.Fatal(err)
	}
	want := device.Params{Kind: "exp", GMin: 100e-9, GMax: 10e-6, DwMin: 10e-9, UpDown: -0.1, Gamma: 0.5, A: 0.1, B: 2,
		DwMinDtoD: 0.3, UpDownDtoD: 0.01, GMinDtoD: 0.05, GMaxDtoD: 0.02, DwMinStd: 0.2, Levels: 32,
		StuckFraction: 0.01, StuckAt: "random", MaxPulses: 500}
	if d := nl.Training.Config.Device; d == nil || *d != want {
		t.Fatalf("device %+v, want %+v", d, want)
	}
	c := nl.TrainingConfig()
	if c.Device == nl.Training.Config.Device || *c.Device != want {
		t.Errorf("TrainingConfig's device %p %+v is not a copy of %p", c.Device, c.Device, nl.Training.Config.Device)
	}
	for _, src := range []string{dev, "[output]\ngroup = \"o\"\n[training]\n[training.device]\n"} {
		nl, err := Parse([]byte(trainHead+src), "")
		if err != nil {
			t.Fatal(err)
		}
		if nl.Training.Config.Device == nil {
			t.Fatalf("no device parsed from\n%s", src)
		}
		back, text := writeBack(t, "device", nl, filepath.Join(t.TempDir(), "d.toml"))
		if d := diffSections(nl, back); d != "" {
			t.Errorf("read back: %s\n%s", d, text)
		}
		if !strings.Contains(string(text), "[training.device]") {
			t.Errorf("no [training.device] written:\n%s", text)
		}
	}
}

// TestDeviceOnOff: on_off sets the device's g_min to g_max/on_off, with
// g_max from the device table, else from [training], else the default;
// the netlist writes back the bounds it resolves to.
func TestDeviceOnOff(t *testing.T) {
	for _, tc := range []struct {
		name, src  string
		gmin, gmax float64
	}{
		{"device g_max", "[training]\ng_max = \"50u\"\n[training.device]\nkind = \"constant\"\ng_max = \"10u\"\non_off = 20\n", 0.5e-6, 10e-6},
		{"training g_max", "[training]\ng_min = \"1n\"\ng_max = \"50u\"\n[training.device]\non_off = \"1k\"\n", 50e-9, 50e-6},
		{"default g_max", "[training]\n[training.device]\non_off = 4\n", 1e-4 / 4, 1e-4},
		{"huge ratio", "[training]\n[training.device]\ng_max = \"3u\"\non_off = 1e300\n", 3e-306, 3e-6},
	} {
		nl, err := Parse([]byte(trainHead+"[output]\ngroup = \"o\"\n"+tc.src), "")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		d := nl.Training.Config.Device
		if math.Abs(d.GMin/tc.gmin-1) > 1e-15 || d.GMax != tc.gmax {
			t.Errorf("%s: device bounds [%g, %g] S, want [%g, %g]", tc.name, d.GMin, d.GMax, tc.gmin, tc.gmax)
		}
		back, text := writeBack(t, tc.name, nl, filepath.Join(t.TempDir(), "d.toml"))
		if d := diffSections(nl, back); d != "" {
			t.Errorf("%s: read back: %s\n%s", tc.name, d, text)
		}
		if strings.Contains(string(text), "on_off") || !strings.Contains(string(text), "\ng_min = ") {
			t.Errorf("%s: on_off is not written as the g_min it resolves to:\n%s", tc.name, text)
		}
		if _, err := eqprop.NewTrainer(mustNativeFor(t, nl), nl.TrainingConfig()); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// mustNativeFor builds the eqprop network of a netlist made of trainHead.
func mustNativeFor(t *testing.T, nl *Netlist) *native.Network {
	t.Helper()
	g, _ := nl.Circuit.Group("o")
	n, err := native.New(nl.Circuit, native.Config{Input: nl.Training.Input, Outputs: g.Nodes()})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRoundTripSense: [training.sense] reads into Config.Sense, SPICE
// suffixes included, and writes back to the same settings; an empty
// table, or none, reads voltages exactly.
func TestRoundTripSense(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      eqprop.Sensing
	}{
		{"all", "noise = \"1.5m\"\nadc_bits = 10\nadc_min = \"-500m\"\nadc_max = 0.5\n", eqprop.Sensing{Noise: 1.5e-3, Bits: 10, Min: -0.5, Max: 0.5}},
		{"noise", "noise = 2e-4\n", eqprop.Sensing{Noise: 2e-4}},
		{"adc from 0", "adc_bits = 24\nadc_min = 0\nadc_max = \"3.3\"\n", eqprop.Sensing{Bits: 24, Max: 3.3}},
		{"zero noise", "noise = 0\n", eqprop.Sensing{}},
		{"empty", "", eqprop.Sensing{}},
		{"none", "!", eqprop.Sensing{}},
	} {
		src := trainHead + "[output]\ngroup = \"o\"\n[training]\nepochs = 2\n"
		if tc.src != "!" {
			src += "[training.sense]\n" + tc.src
		}
		nl, err := Parse([]byte(src), "")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := nl.Training.Config.Sense; got != tc.want {
			t.Errorf("%s: sense %+v, want %+v", tc.name, got, tc.want)
		}
		if got := nl.TrainingConfig().Sense; got != tc.want {
			t.Errorf("%s: TrainingConfig's sense %+v, want %+v", tc.name, got, tc.want)
		}
		back, text := writeBack(t, tc.name, nl, filepath.Join(t.TempDir(), "s.toml"))
		if d := diffSections(nl, back); d != "" {
			t.Errorf("%s: read back: %s\n%s", tc.name, d, text)
		}
		if written := strings.Contains(string(text), "[training.sense]"); written != (tc.want != eqprop.Sensing{}) {
			t.Errorf("%s: [training.sense] written: %v\n%s", tc.name, written, text)
		}
	}
}

// TestWriteTrainingProgrammatic: sections built in code, with an empty map
// of learning rates and no input named, write and read back.
func TestWriteTrainingProgrammatic(t *testing.T) {
	nl, err := Parse([]byte(trainHead), "")
	if err != nil {
		t.Fatal(err)
	}
	nl.Output = &Output{Group: "o", Readout: eqprop.Readout{High: 1}}
	nl.Training = &Training{Dataset: "xor", Config: eqprop.Config{Epochs: 2, LearningRates: map[string]float64{}}}
	out := filepath.Join(t.TempDir(), "p.toml")
	back, _ := writeBack(t, "programmatic", nl, out)
	if back.Training.Input != "x" || back.Training.Config.Epochs != 2 || back.Training.Dataset != "xor" {
		t.Errorf("read back %+v", back.Training)
	}

	// A [training] without [output] cannot be written.
	nl.Output = nil
	if err := WriteFile(filepath.Join(t.TempDir(), "q.toml"), nl); err == nil || !strings.Contains(err.Error(), "[output]") {
		t.Errorf("WriteFile of training without output: %v", err)
	}
	// Nor an output whose group is not declared.
	nl.Output = &Output{Group: "nope", Readout: eqprop.Readout{High: 1}}
	if err := WriteFile(filepath.Join(t.TempDir(), "r.toml"), nl); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("WriteFile of an output of an unknown group: %v", err)
	}
}

// TestWriteCrossbarGroups: a programmatic crossbar whose nodes are several
// whole groups is written as a list, and one whose nodes are not is an
// error.
func TestWriteCrossbarGroups(t *testing.T) {
	nl, err := Parse([]byte(trainHead), "")
	if err != nil {
		t.Fatal(err)
	}
	w2 := nl.Circuit.Element("W2").(*circuit.Crossbar)
	for _, tc := range []struct {
		to   []string
		want string // in the text, or in the error if it starts with "error: "
	}{
		{[]string{"o[0]", "o[1]", "b[0]", "h[0]", "h[1]", "h[2]"}, `to = ["o", "b", "h"]`},
		{[]string{"o[0]", "o[1]", "b[0]", "h[0]"}, "error: the nodes from \"h[0]\""},
		{[]string{"o[0]", "o[1]", "o[0]", "o[1]"}, "error: group \"o\" appears twice"},
		{[]string{"o[1]", "o[0]"}, "error: node 0 is \"o[1]\", not \"o[0]\""},
	} {
		w2.To = tc.to
		w2.G = matrixOnes(3, len(tc.to))
		out := filepath.Join(t.TempDir(), "w.toml")
		err := WriteFile(out, nl)
		if e, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), e) {
				t.Errorf("to %v: error %v, want %q", tc.to, err, e)
			}
			continue
		}
		if err != nil {
			t.Errorf("to %v: %v", tc.to, err)
			continue
		}
		text, _ := os.ReadFile(out)
		if !strings.Contains(string(text), tc.want) {
			t.Errorf("to %v: text lacks %q:\n%s", tc.to, tc.want, text)
		}
	}
}

func matrixOnes(r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			m.Set(i, j, 1e-6)
		}
	}
	return m
}

// FuzzParseTraining fuzzes netlists with [output] and [training] sections:
// Parse never panics, and what it accepts writes back to the same circuit
// and sections.
func FuzzParseTraining(f *testing.F) {
	f.Add([]byte(trainFull))
	f.Add([]byte(trainHead + "[output]\ngroup = \"o\"\n[training]\n"))
	f.Add([]byte(trainHead + "output = {group = \"o\", readout = \"differential\"}\ntraining = {dataset = \"xor\", learning_rates = {W1 = 1}}\n"))
	f.Add([]byte(trainHead + "[output]\ngroup = \"o\"\n[training]\n[training.device]\non_off = 30\n[training.sense]\nnoise = \"1m\"\nadc_bits = 8\nadc_min = -1\nadc_max = 1\n"))
	for _, tc := range trainErrors {
		f.Add([]byte(trainHead + tc.src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		nl, err := Parse(data, "/fuzz/net.toml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" {
				t.Fatalf("error %v is a %T, not an *Error with a message", err, err)
			}
			return
		}
		back, text := renderBack(t, nl, "/fuzz")
		if d := Diff(nl.Circuit, back.Circuit); d != "" {
			t.Fatalf("circuit differs: %s\n%s", d, text)
		}
		if d := diffSections(nl, back); d != "" {
			t.Fatalf("sections differ: %s\n%s", d, text)
		}
	})
}

// TestInputMean: input_offset = "mean" reads as InputMean, without an
// offset, and writes back as itself.
func TestInputMean(t *testing.T) {
	nl, err := Parse([]byte(trainHead+"[output]\ngroup = \"o\"\n[training]\ninput_offset = \"mean\"\n"), "net.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !nl.Training.InputMean || nl.Training.InputOffset != 0 {
		t.Fatalf("input mean %v, offset %v", nl.Training.InputMean, nl.Training.InputOffset)
	}
	back, text := writeBack(t, "mean", nl, filepath.Join(t.TempDir(), "net.toml"))
	if !strings.Contains(string(text), `input_offset = "mean"`) || !reflect.DeepEqual(back.Training, nl.Training) {
		t.Errorf("read back %+v from:\n%s", back.Training, text)
	}
}
