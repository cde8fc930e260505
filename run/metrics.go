package run

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/eqsim/eqsim/internal/safeio"
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
	// MeanPower is the mean over the test samples of the power in watts
	// the circuit's sources (inputs, rails, amplifiers) deliver at the
	// free equilibrium of each: the power per inference (see
	// eqprop.Evaluation). Zero in the rows of runs from before it was
	// measured.
	MeanPower float64 `json:"mean_power"`
	// EnergyPerSample (joules) and ChipTimePerSample (seconds) are what
	// a training sample of the epoch cost on the chip, every phase with
	// its settling and measurement window (eqprop.EpochStats); zero with
	// the equilibrium method and no integration time.
	EnergyPerSample   float64 `json:"energy_per_sample"`
	ChipTimePerSample float64 `json:"chip_time_per_sample"`
	// EnergyPerInference (joules) and ChipTimePerInference (seconds) are
	// the mean cost on the chip of the free phase of a test sample, its
	// settling and measurement window (eqprop.Evaluation); zero with the
	// equilibrium method and no integration time, and in the rows of runs
	// from before they were measured.
	EnergyPerInference   float64 `json:"energy_per_inference"`
	ChipTimePerInference float64 `json:"chip_time_per_inference"`
	// Samples is the number of training samples of the epoch (not in the
	// metrics files: it weighs the mean rate of the run).
	Samples int `json:"-"`
}

// metricsText formats metric rows into metrics.csv and metrics.jsonl,
// each row once. A run commits its folder after every epoch, and
// formatting the whole history again at every commit made a run of many
// short epochs quadratic in its epochs (XOR's 1000 epochs: 0.95 s of its
// 5.5 s of CPU time, pprof).
type metricsText struct {
	rows       []Metrics // the rows formatted so far
	csv, jsonl []byte
	// csvEnd and jsonlEnd hold where every row's text ends; csvEnd[0] is
	// the end of the CSV header.
	csvEnd, jsonlEnd []int
}

// outputs returns metrics.csv and metrics.jsonl of rows. The text of the
// rows it formatted before, unchanged, is reused.
func (t *metricsText) outputs(rows []Metrics) ([]safeio.Output, error) {
	if t.csvEnd == nil {
		t.csv = []byte("epoch,train_loss,train_error,test_loss,test_error,seconds,samples_per_second,mean_power," +
			"energy_per_sample,chip_time_per_sample,energy_per_inference,chip_time_per_inference\n")
		t.csvEnd, t.jsonlEnd = []int{len(t.csv)}, []int{0}
	}
	n := 0
	for n < len(rows) && n < len(t.rows) && rows[n] == t.rows[n] {
		n++
	}
	t.rows, t.csvEnd, t.jsonlEnd = append(t.rows[:n], rows[n:]...), t.csvEnd[:n+1], t.jsonlEnd[:n+1]
	t.csv, t.jsonl = t.csv[:t.csvEnd[n]], t.jsonl[:t.jsonlEnd[n]]
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range rows[n:] {
		var c bytes.Buffer
		cw := csv.NewWriter(&c)
		cw.Write([]string{strconv.Itoa(r.Epoch), f(r.TrainLoss), f(r.TrainError), f(r.TestLoss), f(r.TestError), f(r.Seconds), f(r.SamplesPerSecond), f(r.MeanPower),
			f(r.EnergyPerSample), f(r.ChipTimePerSample), f(r.EnergyPerInference), f(r.ChipTimePerInference)})
		cw.Flush()
		if err := cw.Error(); err != nil {
			return nil, err
		}
		j, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("metrics of epoch %d: %w", r.Epoch, err)
		}
		t.csv, t.jsonl = append(t.csv, c.Bytes()...), append(append(t.jsonl, j...), '\n')
		t.csvEnd, t.jsonlEnd = append(t.csvEnd, len(t.csv)), append(t.jsonlEnd, len(t.jsonl))
	}
	return []safeio.Output{safeio.Bytes(MetricsCSV, t.csv), safeio.Bytes(MetricsJSONL, t.jsonl)}, nil
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

// check returns an error unless every number of m is finite and in range.
func (m Metrics) check() error {
	for _, v := range []struct {
		name  string
		x, hi float64
	}{
		{"train loss", m.TrainLoss, math.Inf(1)}, {"train error", m.TrainError, 1},
		{"test loss", m.TestLoss, math.Inf(1)}, {"test error", m.TestError, 1},
		{"seconds", m.Seconds, math.Inf(1)}, {"samples per second", m.SamplesPerSecond, math.Inf(1)},
		{"mean power", m.MeanPower, math.Inf(1)}, {"energy per sample", m.EnergyPerSample, math.Inf(1)},
		{"chip time per sample", m.ChipTimePerSample, math.Inf(1)},
		{"energy per inference", m.EnergyPerInference, math.Inf(1)},
		{"chip time per inference", m.ChipTimePerInference, math.Inf(1)},
	} {
		if !finite(v.x) || v.x < 0 || v.x > v.hi {
			return fmt.Errorf("%s %v", v.name, v.x)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
