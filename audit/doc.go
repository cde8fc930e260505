// Package audit checks a circuit's operating point against the limits of
// a chip that could be built: the largest input voltage, the largest drop
// across and power in any trainable conductance (RRAM and PCM cells read
// at a few hundred millivolts), the power per inference, the amplifiers'
// output swing, and the diodes' reverse voltage (within their breakdown)
// and current.
//
// An audit relaxes the network's free phase on samples of a data set (or
// solves the circuit with its own input values) and reports the worst
// case over them (Report): per quantity its largest value and where it
// is (element, device, sample), the mean and largest power, and a
// violation for every limit (Limits) that some element exceeds, naming
// the limit, the element and the sample. Power is what the sources
// deliver, independent sources and amplifiers together (mna.Power's
// Total): at an equilibrium, what the resistors, crossbars and diodes
// dissipate. Where it goes the report says too: the mean power each
// element dissipates (Report.MeanDissipation).
//
// A Probe reads a compiled system's devices (mna.System.Devices) and
// finds, at any state, the extreme of every quantity (Quantity) over each
// element's devices (Extreme) and the power each element dissipates
// (Dissipation).
//
// The package reads no files: the netlist face parses a netlist's
// [limits] table into Limits, and commands load the data.
package audit
