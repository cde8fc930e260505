package eqprop

// PhaseKind says how the outputs are driven while the system relaxes.
type PhaseKind int

const (
	// Free leaves the outputs floating.
	Free PhaseKind = iota
	// Nudged pushes the outputs toward the target with strength Beta, in
	// the manner of the system's nudge kind.
	Nudged
	// Clamped holds every output at the target voltage (contrastive
	// Hebbian learning).
	Clamped
	// Coupled holds every output at V_out + Eta*(y - V_out), V_out from the
	// last free equilibrium (coupled learning).
	Coupled
)

func (k PhaseKind) String() string {
	switch k {
	case Free:
		return "free"
	case Nudged:
		return "nudged"
	case Clamped:
		return "clamped"
	case Coupled:
		return "coupled"
	}
	return "unknown"
}

// NudgeKind says how a nudged phase pushes the outputs.
type NudgeKind int

const (
	// NudgeCurrent injects currents Beta*(y - V_out) into the outputs, V_out
	// from the last free equilibrium, held fixed while the system relaxes
	// (Kendall et al. 2020). Beta is in siemens.
	NudgeCurrent NudgeKind = iota
	// NudgeConductance joins every output through a conductance Beta
	// siemens to a source at its target (Scellier 2024). It adds
	// Beta/2*||V_out - y||^2 to the energy.
	NudgeConductance
)

func (k NudgeKind) String() string {
	if k == NudgeConductance {
		return "conductance"
	}
	return "current"
}

// Phase describes one relaxation.
type Phase struct {
	Kind PhaseKind
	// Beta is the nudge strength in siemens for Nudged phases; it may be
	// negative.
	Beta float64
	// Eta is the coupling factor of Coupled phases, dimensionless.
	Eta float64
	// Target holds the target voltage of every output, in volts.
	Target []float64
}

// Block describes a block of trainable conductances: a Rows×Cols matrix,
// row-major, whose entry (i, j) joins side A node i to side B node j. A
// single trainable resistor is a 1×1 block.
type Block struct {
	Name       string
	Rows, Cols int
	// Scale multiplies the block's drop-squared differences to make them
	// the loss gradient: the product of the squared voltage gains of the
	// amplifiers between the block and the outputs (1 without amplifiers).
	Scale float64
}

// Measurement is what can be read off a system at equilibrium. The
// trainer reads every Measurement through Config.Sense (see Sensing).
type Measurement struct {
	// Outputs are the output voltages in volts.
	Outputs []float64
	// A and B hold, for every block, the voltages of its two sides: the
	// drop across conductance (i, j) of block k is A[k][i] - B[k][j] volts.
	// A crossbar's drop matrix is the difference of two vectors, so the
	// measurement stores the vectors, not Rows×Cols drops.
	A, B [][]float64
}

// NewMeasurement returns a Measurement sized for blocks and nOut outputs.
func NewMeasurement(blocks []Block, nOut int) *Measurement {
	m := &Measurement{Outputs: make([]float64, nOut), A: make([][]float64, len(blocks)), B: make([][]float64, len(blocks))}
	for k, b := range blocks {
		m.A[k] = make([]float64, b.Rows)
		m.B[k] = make([]float64, b.Cols)
	}
	return m
}

// CopyFrom makes m a copy of src, which must have the same shape.
func (m *Measurement) CopyFrom(src *Measurement) {
	copy(m.Outputs, src.Outputs)
	for k := range m.A {
		copy(m.A[k], src.A[k])
		copy(m.B[k], src.B[k])
	}
}

// Physical is a network that learns, seen only through what can be set and
// measured on it. Implementations are not safe for concurrent use; Clone
// gives a replica for another goroutine that shares the conductances.
type Physical interface {
	// Features returns the number of input features and Outputs the number
	// of output nodes.
	Features() int
	Outputs() int
	// Blocks describes the trainable conductances.
	Blocks() []Block
	// SetInput sets the input features (dimensionless; the system maps
	// them to voltages).
	SetInput(x []float64)
	// Relax drives the outputs as p says and lets the system settle. The
	// first relaxation after SetInput must be Free; the others start from
	// that free equilibrium. It returns an error if the system does not
	// settle.
	Relax(p Phase) error
	// Measure reads the equilibrium of the last Relax into m.
	Measure(m *Measurement)
	// ConductancesTo copies the conductances of block k, in siemens, into
	// dst (Rows*Cols, row-major).
	ConductancesTo(dst []float64, k int)
	// Program writes the conductances of block k, in siemens. Clones see
	// the change; Program must not run while a clone relaxes.
	Program(k int, g []float64)
	// Clone returns a replica with its own inputs, outputs drive and
	// workspace that shares the conductances with the receiver.
	Clone() (Physical, error)
}

// InPlace is implemented by a Physical whose trainable conductances the
// trainer may change where the network reads them, rather than in a copy
// it then programs: one copy of a large crossbar in the caches instead of
// two, and no copying after every update.
type InPlace interface {
	// ConductanceData returns block k's conductances in siemens,
	// row-major, as the network stores them, or nil if they are not
	// stored so. The caller may write them while no clone relaxes and
	// must then call Programmed.
	ConductanceData(k int) []float64
	// Programmed tells the network and its clones that block k's
	// conductances changed in place, and gives their sums in siemens
	// along each row (rows, one per row) and each column (cols), which
	// the network may keep until the next change instead of reading the
	// whole block again.
	Programmed(k int, rows, cols []float64)
}

// Batched is implemented by a Physical whose replicas can share, among
// the samples of a batch, the part of their relaxations that reads their
// largest crossbars: the products of the inputs' voltages with the rows
// of the crossbars they drive. The trainer records the batch's samples
// (BatchInput), has each worker compute its share of the products of all
// of them (BatchStripes: the stripes of rows mna.Share gives it, the
// ones whose conductances it also updates, so that every core reads and
// writes only its own rows), then tells each replica whose products its
// next relaxation uses (UseBatch). The relaxations give bit for bit what
// they give without it.
type Batched interface {
	// BatchInput records x as the features of sample s of the batch.
	BatchInput(s int, x []float64)
	// BatchStripes computes worker r of w's share of the products of
	// the first n samples recorded. Calls for different r may run at
	// once, on different replicas.
	BatchStripes(n, r, w int)
	// UseBatch makes the receiver's next relaxation of sample s's
	// features use its products.
	UseBatch(s int)
}

// RowProgrammer is implemented by a Physical that can program some rows of
// a block by themselves, as a crossbar array is written row by row. The
// trainer then programs each band of rows as soon as it has updated it,
// from several goroutines at once, rather than the whole block after the
// update.
type RowProgrammer interface {
	// ProgramRows writes rows lo, lo+1, ... of block k's conductances,
	// in siemens, from g, which holds a whole number of rows, row-major.
	// Calls for disjoint rows may run at once; none may run while a
	// clone relaxes. Clones see the change as with Program.
	ProgramRows(k, lo int, g []float64)
}
