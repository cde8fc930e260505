package run

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Settings are what a run's result depends on, besides the netlist: a
// resumed run must have the same, but for Epochs and Workers. They are
// stored in the checkpoint.
type Settings struct {
	Dataset    string `json:"dataset"`
	TrainFile  string `json:"train_file,omitempty"`
	TestFile   string `json:"test_file,omitempty"`
	Subset     int    `json:"subset"`
	TestSubset int    `json:"test_subset"`
	// InputOffset and InputMean are absent at 0 and false, so that older
	// checkpoints still match.
	InputOffset   float64            `json:"input_offset,omitempty"`
	InputMean     bool               `json:"input_mean,omitempty"`
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
	// LRDecay is absent for constant rates, so that older checkpoints
	// still match.
	LRDecay float64 `json:"lr_decay,omitempty"`
	// WeightDecay is absent without it, for the same reason.
	WeightDecay float64 `json:"weight_decay,omitempty"`
	// InputDropout is absent without it, for the same reason.
	InputDropout float64 `json:"input_dropout,omitempty"`
	// Shift is absent without moves, for the same reason.
	Shift int `json:"shift,omitempty"`
	// Flip is absent without mirroring, for the same reason.
	Flip    bool    `json:"flip,omitempty"`
	GMin    float64 `json:"g_min"`
	GMax    float64 `json:"g_max"`
	Seed    uint64  `json:"seed"`
	Workers int     `json:"workers"`
	// The read-out model; absent when voltages are read exactly, so that
	// older checkpoints still match.
	SenseNoise float64 `json:"sense_noise,omitempty"`
	ADCBits    int     `json:"adc_bits,omitempty"`
	ADCMin     float64 `json:"adc_min,omitempty"`
	ADCMax     float64 `json:"adc_max,omitempty"`
	// Backend is "ngspice" for a run whose phases ngspice solves, absent
	// for eqsim's own solver, so that older checkpoints still match.
	Backend string `json:"backend,omitempty"`
	// How the phases run in time ([training.dynamics], integration_time);
	// absent at their defaults.
	Dynamics        string  `json:"dynamics,omitempty"`
	FreeTime        float64 `json:"free_time,omitempty"`
	NudgeTime       float64 `json:"nudge_time,omitempty"`
	IntegrationTime float64 `json:"integration_time,omitempty"`
}

// Differences lists, as "key: checkpoint X, now Y", the settings in which
// s (the checkpoint's) and t differ, but for epochs and workers.
func (s Settings) Differences(t Settings) []string {
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
