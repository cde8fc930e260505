// Package netlist reads and writes circuits as TOML netlists. Package
// spice writes them as SPICE decks.
//
// # Element cards
//
// A netlist is a TOML file. Version 1 of the format has these cards, as
// the "Netlist format" section of the repository's README documents them
// (a test checks that it documents every key of every element kind):
//
//	title = "XOR on a 2-4-1 diode network"   # optional
//
//	[options]                # optional
//	temp = 300.15            # kelvin, default 300.15; sets the diodes' thermal voltage
//	tnom = 300.15            # kelvin, default temp: the diode parameters hold at tnom
//	node_capacitance = 1e-12 # farad, default 1e-12, on every free node (transient only)
//
//	[models.d1]
//	type = "diode"           # the only model type
//	is = 1e-14               # saturation current, amperes, default 1e-14
//	n = 1.0                  # emission coefficient, default 1; rs is not supported
//
//	[[resistor]]
//	name = "R1"
//	nodes = ["a", "b"]
//	r = "10k"                # ohms, or g = 1e-4 siemens: exactly one of r, g
//	trainable = true         # default false
//
//	[[diode]]                # nodes: anode, cathode
//	name = "D1"
//	nodes = ["a", "b"]
//	model = "d1"
//
//	[[vsource]]              # V(p) - V(n) = v, volts
//	name = "V1"
//	nodes = ["p", "n"]
//	v = 0.5
//
//	[[isource]]              # i amperes flow from p through the source to n
//	name = "I1"
//	nodes = ["p", "n"]
//	i = 1e-6
//
//	[[vcvs]]                 # V(p) - V(n) = gain*(V(cp) - V(cn))
//	name = "E1"
//	nodes = ["p", "n"]
//	control = ["cp", "cn"]
//	gain = 4.0
//
//	[[cccs]]                 # gain times the current of vsource control, from p through the source to n
//	name = "F1"
//	nodes = ["p", "n"]
//	control = "V1"
//	gain = 0.25
//
//	[[capacitor]]
//	name = "C1"
//	nodes = ["a", "0"]
//	c = "1p"                 # farads
//
// Node "0", alias "gnd", is ground. Every numeric value may be a TOML
// number or a string with a SPICE scale suffix, read by ParseValue: "10k",
// "2.2u", "1meg"; "m" is milli. Unit letters after the suffix ("10kohm")
// are rejected.
//
// # Blocks
//
// Layered networks are written with blocks that stand for many elements:
//
//	[[group]]                # a vector of nodes h[0] ... h[99]
//	name = "h"
//	size = 100
//
//	[[input]]                # data-driven grounded voltage sources; also a group
//	name = "x"
//	size = 784               # number of features
//	encoding = "differential"  # or "single" (the default)
//	amplitude = 1.0          # volts per unit of feature value, default 1
//	values = "x0.npy"        # optional: .npy of size float64, or an inline array; default zeros
//
//	[[crossbar]]             # a conductance from every node of from to every node of to
//	name = "W1"
//	from = "x"               # a group or input, or a list of them: ["x", "b"]
//	to = "h"                 # a group or input, or a list of them
//	trainable = true         # default false
//	matrix = "W1.npy"        # an .npy float64 matrix [len(from), len(to)] of siemens
//	# or, instead of matrix:
//	# init = "uniform"       # with low, high (siemens) and seed (default 1)
//	# init = "constant"      # with g (siemens)
//	wire_r = 0               # ohms per wire segment, default 0 (ideal wires)
//
//	[[rectifier]]            # a diode pair on every node of a group
//	name = "RH"
//	group = "h"
//	model = "d1"
//	high = "vhi"             # diode from each node (anode) to high (cathode)
//	low = "vlo"              # diode from low (anode) to each node (cathode)
//	is_spread = 0            # standard deviation of ln(IS) across the diodes, default 0
//	n_spread = 0             # relative standard deviation of N, default 0, at most 0.3
//	seed = 1                 # seed of the variation, default 1
//
//	[[amplifier]]            # bidirectional: forward VCVS, backward CCCS of gain 1/gain
//	name = "A1"
//	from = "h"
//	to = "ha"                # both groups, of the same size
//	gain = 4.0
//	gain_error = 0           # relative standard deviation of each channel's gain, default 0, at most 0.3
//	offset = 0               # standard deviation of each channel's output offset, volts, default 0
//	seed = 1                 # seed of the variation, default 1
//
// A group named h of size n has the nodes "h[0]" to "h[n-1]", and cards
// may use them: nodes = ["h[3]", "0"]. A node name with brackets must be
// the node of a declared group or input, written with a plain decimal
// index in range. An input of size n with differential encoding has 2n
// nodes: x[i] is held at +amplitude*values[i] and x[n+i] at
// -amplitude*values[i]; with single encoding x[i] is held at
// amplitude*values[i]. Element names are unique across all cards and
// blocks; group and input names are unique among groups and inputs.
// Names and node names may not be empty nor contain spaces or control
// characters.
//
// A crossbar's from or to may list several groups and inputs, whose nodes
// are concatenated in order: from = ["x", "b"] with a group b of one node
// held at 1 V by a vsource gives every node of to a trainable bias
// conductance, in the last row of the matrix. A group may appear once in a
// list.
//
// The uniform init rule draws G[i][j] = low + (high-low)*u with u from
// math/rand/v2's PCG seeded with (seed, 0), row by row (i over from, j over
// to), so a seed gives the same matrix everywhere. Conductances must be
// positive and finite, and 0 < low <= high.
//
// Sidecar .npy files are read relative to the netlist's directory. They
// must hold float64 (or float32) numbers, in C or Fortran order; a crossbar
// matrix has shape (len(from), len(to)) and input values shape (size,).
// The netlist holds at most MaxNodes nodes in groups and inputs and
// MaxWeights crossbar conductances in all.
//
// Every element card is read and written from its kind's descriptor,
// circuit.Kind: its keys, their types and Build, and the element's
// Fields. A new element kind needs no change in this package; see
// docs/adding-an-element.md in the repository.
//
// # Circuit nonidealities
//
// Temperature: with tnom different from temp every diode's saturation
// current is scaled from tnom to temp as SPICE scales it with its default
// EG = 1.11 eV and XTI = 3 (circuit.DiodeModel.SaturationCurrent); the
// thermal voltage always follows temp. Without tnom nothing is scaled.
//
// Wire resistance: a crossbar with wire_r > 0 has resistive row and column
// wires and its cells on internal nodes "NAME.r[i][j]" and "NAME.c[i][j]"
// (see circuit.Crossbar for the geometry): row wire i is driven from
// from[i] and passes the cells (i, 0), (i, 1), ...; column wire j passes
// the cells (0, j), (1, j), ... and ends at to[j]; a segment of wire_r ohms
// lies between neighbouring cells and between each wire's periphery node
// and its nearest cell. The internal nodes are ordinary nodes: SPICE
// export (package spice) and eqsim verify include them. A netlist with a
// wired crossbar is not a layered network, so the dense Newton solver
// solves it: keep wired crossbars small (2*len(from)*len(to) internal
// nodes). Trainers measure the drops at the periphery, V(from[i]) -
// V(to[j]), as hardware does.
//
// Diode variation: each diode k of a rectifier (two per node: the diode to
// high, then the diode from low) draws IS_k = IS*exp(is_spread*z) and N_k =
// N*(1 + n_spread*z'), z and z' standard normal truncated to [-3, 3], once,
// from PCG streams seeded with seed (circuit.DiodeVariation).
//
// Amplifier variation: each channel i draws its gain gain*(1 +
// gain_error*z) and its output offset offset*z' volts
// (circuit.AmplifierVariation): V(to[i]) = gain_i*V(from[i]) + offset_i,
// and the backward mirror returns 1/gain_i of the current. The nominal
// gain stays the calibration that the trainer's scales use.
//
// Temperature, diode variation and amplifier variation keep a layered
// network layered: the fast solver handles them.
//
// A netlist stores the recipes (keys and seeds), not the drawn values;
// WriteFile writes the keys back, and refuses per-device values in a
// circuit that its recipe does not draw.
//
// # Training
//
// Two optional sections say how the network is trained (see package eqprop
// and `eqsim train`):
//
//	[output]
//	group = "o"                 # the group whose nodes are the outputs, in order
//	readout = "single"          # or "differential": nodes k and K+k are the (+, -) pair of class k
//	target_high = 1.0           # volts: the target of the correct class's node (default 1)
//	target_low = 0.0            # volts: the target of the others (default 0)
//
//	[training]                  # every key is optional
//	dataset = "mnist"           # mnist | fashion-mnist | xor | csv
//	train_file = "train.csv"    # csv only, relative to the netlist's folder
//	test_file = "test.csv"      # csv only, optional: else every 5th row of train_file is held out
//	subset = 0                  # the first N training samples only (0: all)
//	test_subset = 0             # the first N test samples only (0: all)
//	input = "x"                 # the [[input]] the features drive (default: the only input)
//	epochs = 10
//	batch_size = 20
//	estimator = "centered"      # positive | negative | centered | chl | coupled
//	nudge = "current"           # current (Kendall) | conductance (Scellier)
//	beta = "1u"                 # siemens, the nudge strength
//	eta = 0.5                   # coupled learning's clamping factor, in (0, 1]
//	learning_rate = 1e-12       # S^2/V^2
//	g_min = "1n"                # siemens: trained conductances stay in [g_min, g_max]
//	g_max = "100u"
//	seed = 1                    # shuffling; 0 means the default, 1
//	workers = 0                 # goroutines relaxing samples (0: all cores); results do not depend on it
//
//	[training.learning_rates]   # per trainable crossbar or resistor, overriding learning_rate
//	W1 = 1e-12
//
//	[training.device]           # optional: the trained conductances are devices (package eqprop/device)
//	kind = "ideal"              # ideal | constant | linear | soft_bounds | exp | pow
//	g_min = "1n"                # siemens: the devices' bounds (both absent: [training]'s g_min, g_max)
//	g_max = "100u"
//	dw_min = "100n"             # siemens: the step of one pulse (default (g_max - g_min)/1000)
//	up_down = 0.0               # up/down asymmetry: up steps times 1+up_down, down steps 1-up_down
//	gamma = 0.0                 # slope of linear steps, exponent of pow steps
//	a = 0.0                     # amplitude and rate of exp steps
//	b = 0.0
//	dw_min_dtod = 0.0           # device-to-device relative spreads of dw_min, g_min, g_max
//	g_min_dtod = 0.0
//	g_max_dtod = 0.0
//	up_down_dtod = 0.0          # device-to-device absolute spread of up_down
//	dw_min_std = 0.0            # write noise: relative spread of each pulse's step
//	levels = 0                  # conductance levels, equally spaced in [g_min, g_max] (0: continuous)
//	stuck_fraction = 0.0        # fraction of devices that never move
//	stuck_at = "gmin"           # gmin | gmax | random
//	max_pulses = 0              # cap of pulses per update and device (0: enough to cross the range 10 times)
//	on_off = 100                # on/off ratio g_max/g_min (> 1): g_min = g_max/on_off, g_max being
//	                            # this table's or else [training]'s; not together with g_min
//
//	[training.sense]            # optional: read-out nonidealities of every measured voltage
//	noise = "1m"                # volts: std of Gaussian read noise added to each reading [0: none]
//	adc_bits = 10               # ADC resolution, 1 to 24 bits [absent: no ADC]
//	adc_min = "-1"              # volts: the ADC's input range; needed with adc_bits, and only then
//	adc_max = 1
//
// on_off is a shorthand for the bounds: it sets g_min = g_max/on_off. The
// netlist is written back with the g_min and g_max it resolves to, not
// with on_off (a trained netlist reads back to the same devices).
//
// [training.sense] models the read-out of the measured voltages
// (eqprop.Sensing). Every voltage the trainer reads (the output voltages
// and the voltages of both sides of every trainable block, in every phase,
// and the outputs evaluation classifies and takes the loss of) is read as
// Q(v + noise*z), z standard normal, drawn afresh for each reading. Q is
// the identity without adc_bits; with it, a uniform quantiser with
// 2^adc_bits levels adc_min + k*(adc_max-adc_min)/(2^adc_bits-1) (both ends
// are levels), rounding to the nearest level and clamping values outside
// the range. The noise streams depend only on the seed, the epoch, the
// sample and the phase, so training with noise is still bit-identical for
// any number of workers and across a resumed run.
//
// Without [training.device] the trained conductances are ideal and
// clipped to [g_min, g_max]; an empty [training.device] is an ideal device,
// which trains identically when the initial conductances lie within the
// bounds (the devices clip them before the first batch, not after). The
// equations of every kind and nonideality are in package eqprop/device;
// Parse checks the device parameters as device.New does, with the bounds
// the trainer will use.
//
// The defaults of the [training] keys are those of eqprop.Config (the
// values shown above). [training] needs [output]. Parse checks the keys,
// the words, the ranges, that the group, input and blocks exist (learning
// rates only for trainable crossbars and resistors) and that a
// differential readout has an even number of outputs; whether the data
// set's features fit the input is checked when training starts. WriteFile
// writes both sections back, with relative data file paths made relative
// to the folder of the written netlist.
//
// # Overrides
//
// Override sets a key of a netlist by a dotted path, such as
// "training.device.levels" or "crossbar[W1].wire_r"; ParseOverridden parses
// a netlist with overrides applied, keeping the order of its elements.
// Sweeps (package sweep) vary netlists this way.
//
// # Order and validation
//
// Circuit.Elements lists the elements in the order of their tables in the
// file, and Circuit.Groups the groups and inputs in theirs. Parse rejects
// TOML syntax errors, unknown keys, missing or duplicate names, unknown
// models, model types and groups, bad or out-of-range values, wrong node
// counts, bad node names, a cccs whose control is not a vsource, missing
// or malformed sidecars and empty netlists; it then compiles the circuit
// with circuit.Compile, which rejects loops of voltage sources and nodes
// without a DC path to ground. Every error is an *Error that names the file,
// the line when there is one, and the element, model or group at fault.
//
// # Writing back
//
// WriteFile writes a netlist with its current values, crossbar matrices
// and input values in .npy sidecars, such that ParseFile reads back the
// same circuit bit for bit.
package netlist
