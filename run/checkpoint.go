package run

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/atomicfile"
	"github.com/eqsim/eqsim/internal/npy"
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

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// writeCheckpoint writes ck and the conductances of s into dir: the .npy
// files first, each atomically, then state.json, then it removes the
// files of earlier checkpoints.
func writeCheckpoint(dir string, ck *Checkpoint, s eqprop.State, blocks []eqprop.Block) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ck.Version = checkpointVersion
	ck.Seq++
	ck.Epoch, ck.Batch, ck.LossSum, ck.Errors, ck.Seen = s.Epoch, s.Batch, s.LossSum, s.Errors, s.Seen
	ck.EnergySum, ck.ChipTimeSum = s.Cost.Energy, s.Cost.Time
	ck.Blocks = ck.Blocks[:0]
	keep := map[string]bool{checkpointFile: true}
	for k, b := range blocks {
		name := fmt.Sprintf("g%d.%d.npy", k, ck.Seq)
		if err := npy.WriteFile(filepath.Join(dir, name), []int{b.Rows, b.Cols}, s.Conductances[k]); err != nil {
			return err
		}
		ck.Blocks = append(ck.Blocks, checkpointBlock{Name: b.Name, Rows: b.Rows, Cols: b.Cols, File: name})
		keep[name] = true
	}
	err := atomicfile.Write(filepath.Join(dir, checkpointFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(ck)
	})
	if err != nil {
		return err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if n := e.Name(); !keep[n] && (strings.HasSuffix(n, ".npy") || strings.HasPrefix(n, ".")) {
			os.Remove(filepath.Join(dir, n))
		}
	}
	return nil
}

// ErrNoCheckpoint says that a folder holds no checkpoint.
var ErrNoCheckpoint = errors.New("no checkpoint")

// ReadCheckpoint reads the checkpoint in dir (a run's output folder joined
// with CheckpointDir) and the conductances it names. A folder without
// state.json gives an error wrapping ErrNoCheckpoint.
func ReadCheckpoint(dir string) (*Checkpoint, eqprop.State, error) {
	var s eqprop.State
	path := filepath.Join(dir, checkpointFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, s, fmt.Errorf("%w: %s does not exist", ErrNoCheckpoint, path)
	}
	if err != nil {
		return nil, s, err
	}
	ck := &Checkpoint{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ck); err != nil {
		return nil, s, fmt.Errorf("%s: %w", path, err)
	}
	if ck.Version != checkpointVersion {
		return nil, s, fmt.Errorf("%s: checkpoint version %d, this eqsim reads version %d", path, ck.Version, checkpointVersion)
	}
	s = eqprop.State{Epoch: ck.Epoch, Batch: ck.Batch, LossSum: ck.LossSum, Errors: ck.Errors, Seen: ck.Seen,
		Cost: eqprop.Cost{Energy: ck.EnergySum, Time: ck.ChipTimeSum}}
	for _, blk := range ck.Blocks {
		p := filepath.Join(dir, filepath.Base(blk.File))
		if blk.Rows < 1 || blk.Cols < 1 {
			return nil, s, fmt.Errorf("checkpoint %s: block %q of %dx%d conductances", path, blk.Name, blk.Rows, blk.Cols)
		}
		a, err := npy.ReadFile(p, blk.Rows*blk.Cols)
		var ne *npy.Error
		switch {
		case errors.As(err, &ne):
			return nil, s, fmt.Errorf("checkpoint %s: %w", p, err)
		case err != nil:
			return nil, s, fmt.Errorf("checkpoint %s: %w", path, err)
		case len(a.Shape) != 2 || a.Shape[0] != blk.Rows || a.Shape[1] != blk.Cols:
			return nil, s, fmt.Errorf("checkpoint %s: conductances of shape %v, want %dx%d", p, a.Shape, blk.Rows, blk.Cols)
		}
		s.Conductances = append(s.Conductances, a.Data)
	}
	return ck, s, nil
}
