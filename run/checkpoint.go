package run

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/npy"
	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/netlist"
)

// checkpointVersion is the version of the checkpoint format; a checkpoint
// of another version is refused.
const checkpointVersion = 1

// checkpointFile is the checkpoint's state in its folder, beside the .npy
// files of the conductances.
const checkpointFile = "state.json"

// Checkpoint is the state of an unfinished or finished run, enough to
// continue it to the result of a run never interrupted: state.json in the
// checkpoint folder.
type Checkpoint struct {
	Version int `json:"version"`
	// Seq counts the checkpoints written in the folder; it names the
	// conductance files, so that a new checkpoint never overwrites the
	// files of the one its state.json still names.
	Seq           int      `json:"seq"`
	Netlist       string   `json:"netlist"`
	NetlistSHA256 string   `json:"netlist_sha256"`
	Settings      Settings `json:"settings"`

	// The trainer's state; see eqprop.State.
	Epoch   int     `json:"epoch"`
	Batch   int     `json:"batch"`
	LossSum float64 `json:"loss_sum"`
	Errors  int     `json:"errors"`
	Seen    int     `json:"seen"`
	// EnergySum (J) and ChipTimeSum (s) are eqprop.State.Cost; absent
	// when zero, as in checkpoints written before they existed.
	EnergySum   float64 `json:"energy_sum,omitempty"`
	ChipTimeSum float64 `json:"chip_time_sum,omitempty"`
	// Blocks name the .npy file of every block's conductances, in the
	// folder of state.json.
	Blocks []checkpointBlock `json:"blocks"`

	// Seconds is the wall time of the run so far, across resumes.
	Seconds float64 `json:"seconds"`
	// Rows are the metrics of the finished epochs; Pending, if not nil,
	// holds the training metrics of the last finished epoch, whose test
	// was interrupted.
	Rows    []Metrics `json:"rows"`
	Pending *Metrics  `json:"pending,omitempty"`
}

type checkpointBlock struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
	Cols int    `json:"cols"`
	File string `json:"file"`
}

// checkpointOutputs updates ck to the state s of a trainer of blocks and
// returns the files of the checkpoint, named in the run folder (under
// CheckpointDir): the conductances of every block and state.json. The
// conductance files of a checkpoint are named by its Seq, so that they
// never replace those of another.
func checkpointOutputs(ck *Checkpoint, s eqprop.State, blocks []eqprop.Block) ([]safeio.Output, error) {
	ck.Version = checkpointVersion
	ck.Seq++
	ck.Epoch, ck.Batch, ck.LossSum, ck.Errors, ck.Seen = s.Epoch, s.Batch, s.LossSum, s.Errors, s.Seen
	ck.EnergySum, ck.ChipTimeSum = s.Cost.Energy, s.Cost.Time
	ck.Blocks = ck.Blocks[:0]
	var out []safeio.Output
	for k, b := range blocks {
		name := fmt.Sprintf("g%d.%d.npy", k, ck.Seq)
		out = append(out, safeio.Bytes(path.Join(CheckpointDir, name), npy.Encode([]int{b.Rows, b.Cols}, s.Conductances[k])))
		ck.Blocks = append(ck.Blocks, checkpointBlock{Name: b.Name, Rows: b.Rows, Cols: b.Cols, File: name})
	}
	// Not indented: the state holds every epoch's metrics, and indenting
	// them at every commit cost a run of many short epochs more than its
	// training (XOR: 0.96 s of 5.5 s of CPU time, pprof).
	state, err := json.Marshal(ck)
	if err != nil {
		return nil, fmt.Errorf("the checkpoint's state: %w", err)
	}
	return append(out, safeio.Bytes(path.Join(CheckpointDir, checkpointFile), append(state, '\n'))), nil
}

// ErrNoCheckpoint says that a folder holds no checkpoint.
var ErrNoCheckpoint = errors.New("no checkpoint")

// ReadCheckpoint reads the checkpoint in dir (a run's output folder joined
// with CheckpointDir) and the conductances it names, and checks that they
// are whole and consistent. A folder without state.json gives an error
// wrapping ErrNoCheckpoint. A checkpoint that cannot be trusted (its
// state.json or a conductance file missing, not a regular file, too large,
// garbage, truncated, of another version, with numbers that are not
// finite or out of range, or metrics that do not match its epoch) gives
// an *InputError that names the file and says what is wrong; other errors
// are the system's.
func ReadCheckpoint(dir string) (*Checkpoint, eqprop.State, error) {
	var s eqprop.State
	p := filepath.Join(dir, checkpointFile)
	b, err := safeio.ReadFile(p, safeio.MaxState)
	var se *safeio.Error
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, s, fmt.Errorf("%w: %s does not exist", ErrNoCheckpoint, p)
	case errors.As(err, &se) && se.Kind != safeio.Other:
		return nil, s, &InputError{fmt.Errorf("checkpoint %w", err)}
	case err != nil:
		return nil, s, err
	}
	ck, err := parseCheckpoint(b)
	if err != nil {
		return nil, s, &InputError{fmt.Errorf("checkpoint %s: %w", p, err)}
	}
	s = eqprop.State{Epoch: ck.Epoch, Batch: ck.Batch, LossSum: ck.LossSum, Errors: ck.Errors, Seen: ck.Seen,
		Cost: eqprop.Cost{Energy: ck.EnergySum, Time: ck.ChipTimeSum}}
	for _, blk := range ck.Blocks {
		a, err := readConductances(filepath.Join(dir, blk.File), blk)
		if err != nil {
			return nil, s, err
		}
		s.Conductances = append(s.Conductances, a)
	}
	return ck, s, nil
}

// readConductances reads the conductances of blk from the .npy file p.
func readConductances(p string, blk checkpointBlock) ([]float64, error) {
	bad := func(format string, args ...any) error {
		return &InputError{fmt.Errorf("checkpoint %s: %s", p, fmt.Sprintf(format, args...))}
	}
	a, err := npy.ReadFile(p, blk.Rows*blk.Cols)
	var (
		ne *npy.Error
		se *safeio.Error
	)
	switch {
	case errors.As(err, &se) && se.Kind != safeio.Other:
		return nil, &InputError{fmt.Errorf("checkpoint %w", se)}
	case errors.As(err, &ne):
		return nil, bad("%v", err)
	case err != nil:
		return nil, err
	case len(a.Shape) != 2 || a.Shape[0] != blk.Rows || a.Shape[1] != blk.Cols:
		return nil, bad("conductances of shape %v, want %dx%d", a.Shape, blk.Rows, blk.Cols)
	}
	for i, g := range a.Data {
		if !finite(g) || g < 0 {
			return nil, bad("conductance %d of block %q is %v S", i, blk.Name, g)
		}
	}
	return a.Data, nil
}

// parseCheckpoint decodes state.json and checks that it is whole and
// consistent in itself: one JSON object of known fields, of this version,
// with finite numbers in range, metric rows for epochs 1, 2, ... up to
// its epoch, and conductance files named in the checkpoint folder.
func parseCheckpoint(b []byte) (*Checkpoint, error) {
	ck := &Checkpoint{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ck); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("not a checkpoint's state: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not a checkpoint's state: data after its JSON object")
	}
	if ck.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint version %d, this eqsim reads version %d", ck.Version, checkpointVersion)
	}
	switch {
	case ck.Seq < 1:
		return nil, fmt.Errorf("sequence number %d", ck.Seq)
	case ck.Epoch < 0, ck.Batch < 0, ck.Errors < 0, ck.Seen < 0, ck.Errors > ck.Seen:
		return nil, fmt.Errorf("epoch %d, batch %d, errors %d of %d samples", ck.Epoch, ck.Batch, ck.Errors, ck.Seen)
	case !finite(ck.LossSum) || ck.LossSum < 0, !finite(ck.Seconds) || ck.Seconds < 0:
		return nil, fmt.Errorf("loss sum %v V^2, %v seconds", ck.LossSum, ck.Seconds)
	case !finite(ck.EnergySum) || ck.EnergySum < 0, !finite(ck.ChipTimeSum) || ck.ChipTimeSum < 0:
		return nil, fmt.Errorf("energy sum %v J, chip time sum %v s", ck.EnergySum, ck.ChipTimeSum)
	}
	for i, r := range ck.Rows {
		if r.Epoch != i+1 {
			return nil, fmt.Errorf("metric row %d is of epoch %d", i+1, r.Epoch)
		}
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("epoch %d: %w", r.Epoch, err)
		}
	}
	done := len(ck.Rows)
	if ck.Pending != nil {
		if ck.Pending.Epoch != done+1 || ck.Batch != 0 {
			return nil, fmt.Errorf("the untested epoch %d does not follow its %d metric rows (batch %d)", ck.Pending.Epoch, done, ck.Batch)
		}
		if err := ck.Pending.check(); err != nil {
			return nil, fmt.Errorf("epoch %d: %w", ck.Pending.Epoch, err)
		}
		done++
	}
	if ck.Epoch != done {
		return nil, fmt.Errorf("epoch %d does not match its %d metric rows: the state and its metrics are of different runs or damaged", ck.Epoch, done)
	}
	if len(ck.Blocks) == 0 {
		return nil, errors.New("no conductance blocks")
	}
	files := map[string]bool{}
	for _, blk := range ck.Blocks {
		switch {
		case blk.Rows < 1 || blk.Cols < 1 || blk.Rows > netlist.MaxWeights/blk.Cols:
			return nil, fmt.Errorf("block %q of %dx%d conductances", blk.Name, blk.Rows, blk.Cols)
		case blk.File == "" || blk.File != filepath.Base(blk.File) || blk.File[0] == '.' || files[blk.File]:
			return nil, fmt.Errorf("block %q: conductance file %q (want a file of the checkpoint folder, one per block)", blk.Name, blk.File)
		}
		files[blk.File] = true
	}
	return ck, nil
}
