package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/npy"
)

// checkpointVersion is the version of the checkpoint format; a checkpoint
// of another version is refused.
const checkpointVersion = 1

// Names of the files of a run's output folder.
const (
	checkpointDir  = "checkpoint"
	checkpointFile = "state.json"
	metricsCSV     = "metrics.csv"
	metricsJSONL   = "metrics.jsonl"
)

// metricsRow is one epoch of a training run.
type metricsRow struct {
	Epoch      int     `json:"epoch"`
	TrainLoss  float64 `json:"train_loss"`
	TrainError float64 `json:"train_error"`
	TestLoss   float64 `json:"test_loss"`
	TestError  float64 `json:"test_error"`
	// Seconds is the wall time since the run started, across resumes, at
	// the end of the epoch's test.
	Seconds          float64 `json:"seconds"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	// Samples is the number of training samples of the epoch (not in the
	// metrics files: it weighs the mean rate of the run).
	Samples int `json:"-"`
}

// settings are what a run's result depends on, besides the netlist: a
// resumed run must have the same, but for Epochs and Workers.
type settings struct {
	Dataset       string             `json:"dataset"`
	TrainFile     string             `json:"train_file,omitempty"`
	TestFile      string             `json:"test_file,omitempty"`
	Subset        int                `json:"subset"`
	TestSubset    int                `json:"test_subset"`
	Input         string             `json:"input"`
	Output        string             `json:"output"`
	Readout       string             `json:"readout"`
	TargetHigh    float64            `json:"target_high"`
	TargetLow     float64            `json:"target_low"`
	Epochs        int                `json:"epochs"`
	BatchSize     int                `json:"batch_size"`
	Estimator     string             `json:"estimator"`
	Nudge         string             `json:"nudge"`
	Beta          float64            `json:"beta"`
	Eta           float64            `json:"eta"`
	LearningRate  float64            `json:"learning_rate"`
	LearningRates map[string]float64 `json:"learning_rates,omitempty"`
	GMin          float64            `json:"g_min"`
	GMax          float64            `json:"g_max"`
	Seed          uint64             `json:"seed"`
	Workers       int                `json:"workers"`
	// The read-out model; absent when voltages are read exactly, so that
	// older checkpoints still match.
	SenseNoise float64 `json:"sense_noise,omitempty"`
	ADCBits    int     `json:"adc_bits,omitempty"`
	ADCMin     float64 `json:"adc_min,omitempty"`
	ADCMax     float64 `json:"adc_max,omitempty"`
}

// differences lists, as "key: checkpoint X, now Y", the settings in which
// s (the checkpoint's) and t differ, but for epochs and workers.
func (s settings) differences(t settings) []string {
	var out []string
	a, b := reflect.ValueOf(s), reflect.ValueOf(t)
	for i := range a.NumField() {
		f := a.Type().Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "epochs" || key == "workers" {
			continue
		}
		x, y := a.Field(i).Interface(), b.Field(i).Interface()
		if m, ok := x.(map[string]float64); ok && len(m) == 0 {
			x = map[string]float64(nil)
		}
		if m, ok := y.(map[string]float64); ok && len(m) == 0 {
			y = map[string]float64(nil)
		}
		if !reflect.DeepEqual(x, y) {
			out = append(out, fmt.Sprintf("%s: checkpoint %s, now %s", key, show(x), show(y)))
		}
	}
	return out
}

func show(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case map[string]float64:
		if len(v) == 0 {
			return "none"
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// checkpoint is the state of an unfinished or finished run, enough to
// continue it to the result of a run never interrupted.
type checkpoint struct {
	Version int `json:"version"`
	// Seq counts the checkpoints written in the folder; it names the
	// conductance files, so that a new checkpoint never overwrites the
	// files of the one its state.json still names.
	Seq           int      `json:"seq"`
	Netlist       string   `json:"netlist"`
	NetlistSHA256 string   `json:"netlist_sha256"`
	Settings      settings `json:"settings"`

	// The trainer's state; see eqprop.State.
	Epoch   int     `json:"epoch"`
	Batch   int     `json:"batch"`
	LossSum float64 `json:"loss_sum"`
	Errors  int     `json:"errors"`
	Seen    int     `json:"seen"`
	// Blocks name the .npy file of every block's conductances, in the
	// folder of state.json.
	Blocks []checkpointBlock `json:"blocks"`

	// Seconds is the wall time of the run so far, across resumes.
	Seconds float64 `json:"seconds"`
	// Rows are the metrics of the finished epochs; Pending, if not nil,
	// holds the training metrics of the last finished epoch, whose test
	// was interrupted.
	Rows    []metricsRow `json:"rows"`
	Pending *metricsRow  `json:"pending,omitempty"`
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
func writeCheckpoint(dir string, ck *checkpoint, s eqprop.State, blocks []eqprop.Block) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ck.Version = checkpointVersion
	ck.Seq++
	ck.Epoch, ck.Batch, ck.LossSum, ck.Errors, ck.Seen = s.Epoch, s.Batch, s.LossSum, s.Errors, s.Seen
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
	err := writeAtomic(filepath.Join(dir, checkpointFile), func(w io.Writer) error {
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

// errNoCheckpoint says that a folder holds no checkpoint.
var errNoCheckpoint = errors.New("no checkpoint")

// readCheckpoint reads the checkpoint in dir and the conductances it
// names. A folder without state.json gives an error wrapping
// errNoCheckpoint.
func readCheckpoint(dir string) (*checkpoint, eqprop.State, error) {
	var s eqprop.State
	path := filepath.Join(dir, checkpointFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, s, fmt.Errorf("%w: %s does not exist", errNoCheckpoint, path)
	}
	if err != nil {
		return nil, s, err
	}
	ck := &checkpoint{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ck); err != nil {
		return nil, s, fmt.Errorf("%s: %w", path, err)
	}
	if ck.Version != checkpointVersion {
		return nil, s, fmt.Errorf("%s: checkpoint version %d, this eqsim reads version %d", path, ck.Version, checkpointVersion)
	}
	s = eqprop.State{Epoch: ck.Epoch, Batch: ck.Batch, LossSum: ck.LossSum, Errors: ck.Errors, Seen: ck.Seen}
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

// writeMetrics writes rows as metrics.csv and metrics.jsonl in dir.
func writeMetrics(dir string, rows []metricsRow) error {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	err := writeAtomic(filepath.Join(dir, metricsCSV), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"epoch", "train_loss", "train_error", "test_loss", "test_error", "seconds", "samples_per_second"})
		for _, r := range rows {
			cw.Write([]string{strconv.Itoa(r.Epoch), f(r.TrainLoss), f(r.TrainError), f(r.TestLoss), f(r.TestError), f(r.Seconds), f(r.SamplesPerSecond)})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, metricsJSONL), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	})
}
