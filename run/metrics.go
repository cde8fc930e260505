package run

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/eqsim/eqsim/internal/atomicfile"
)

// Names of the files of a run's output folder.
const (
	// CheckpointDir is the folder of the checkpoint in the output folder.
	CheckpointDir = "checkpoint"
	MetricsCSV    = "metrics.csv"
	MetricsJSONL  = "metrics.jsonl"
	CurvesPNG     = "curves.png"
	CurvesSVG     = "curves.svg"
)

// Metrics are one epoch of a training run: a row of metrics.csv and a line
// of metrics.jsonl. The losses are mean squared output errors in V^2, the
// errors fractions of misclassified samples.
type Metrics struct {
	Epoch      int     `json:"epoch"`
	TrainLoss  float64 `json:"train_loss"`
	TrainError float64 `json:"train_error"`
	TestLoss   float64 `json:"test_loss"`
	TestError  float64 `json:"test_error"`
	// Seconds is the wall time since the run started, across resumes, at
	// the end of the epoch's test.
	Seconds          float64 `json:"seconds"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	// EnergyPerSample (joules) and ChipTimePerSample (seconds) are what
	// a training sample of the epoch cost on the chip, every phase with
	// its settling and measurement window (eqprop.EpochStats); zero with
	// the equilibrium method and no integration time.
	EnergyPerSample   float64 `json:"energy_per_sample"`
	ChipTimePerSample float64 `json:"chip_time_per_sample"`
	// Samples is the number of training samples of the epoch (not in the
	// metrics files: it weighs the mean rate of the run).
	Samples int `json:"-"`
}

// writeMetrics writes rows as metrics.csv and metrics.jsonl in dir.
func writeMetrics(dir string, rows []Metrics) error {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	err := atomicfile.Write(filepath.Join(dir, MetricsCSV), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"epoch", "train_loss", "train_error", "test_loss", "test_error", "seconds", "samples_per_second",
			"energy_per_sample", "chip_time_per_sample"})
		for _, r := range rows {
			cw.Write([]string{strconv.Itoa(r.Epoch), f(r.TrainLoss), f(r.TrainError), f(r.TestLoss), f(r.TestError), f(r.Seconds), f(r.SamplesPerSecond),
				f(r.EnergyPerSample), f(r.ChipTimePerSample)})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, MetricsJSONL), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// meanRate returns the training samples per second over the epochs of rows
// with n samples each: the total samples over the total time.
func meanRate(rows []Metrics, n int) float64 {
	var samples, sec float64
	for _, r := range rows {
		if r.SamplesPerSecond > 0 {
			m := float64(n)
			if r.Samples > 0 {
				m = float64(r.Samples)
			}
			samples += m
			sec += m / r.SamplesPerSecond
		}
	}
	if sec == 0 || math.IsInf(samples/sec, 0) {
		return 0
	}
	return samples / sec
}
