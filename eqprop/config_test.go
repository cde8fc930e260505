package eqprop

import (
	"math"
	"testing"
)

func TestReadout(t *testing.T) {
	for _, tc := range []struct {
		r      Readout
		label  int
		n      int
		target []float64
	}{
		{Readout{High: 1, Low: 0}, 2, 4, []float64{0, 0, 1, 0}},
		{Readout{Differential: true, High: 0.2, Low: -0.2}, 1, 6, []float64{-0.2, 0.2, -0.2, 0.2, -0.2, 0.2}},
	} {
		y := make([]float64, tc.n)
		tc.r.TargetTo(y, tc.label)
		for k := range y {
			if y[k] != tc.target[k] {
				t.Fatalf("%+v label %d: targets %v, want %v", tc.r, tc.label, y, tc.target)
			}
		}
		if got := tc.r.Predict(y); got != tc.label {
			t.Errorf("%+v: Predict(target of %d) = %d", tc.r, tc.label, got)
		}
		if got := tc.r.Classes(tc.n); got != len(tc.target)/map[bool]int{false: 1, true: 2}[tc.r.Differential] {
			t.Errorf("%+v: Classes(%d) = %d", tc.r, tc.n, got)
		}
	}
	// Differential prediction goes by V(+) - V(-), not by V(+) alone.
	r := Readout{Differential: true, High: 1}
	if got := r.Predict([]float64{0.5, 0.4, 0.1, -0.3}); got != 1 {
		t.Errorf("differential Predict = %d, want 1", got)
	}
	// Negative outputs only: the best is still found.
	if got := (Readout{High: 1}).Predict([]float64{-3, -1, -2}); got != 1 {
		t.Errorf("Predict of negative outputs = %d, want 1", got)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	d := Config{}.WithDefaults()
	if d.BatchSize != 20 || d.Estimator != Centered || d.Beta != 1e-6 || d.Seed != 1 || d.Workers < 1 {
		t.Errorf("defaults: %+v", d)
	}
	for name, c := range map[string]Config{
		"epochs":     {Epochs: -1},
		"batch":      {BatchSize: -2},
		"beta":       {Beta: -1e-6},
		"eta":        {Eta: 2},
		"lr":         {LearningRate: -1},
		"lrs":        {LearningRates: map[string]float64{"W1": -1}},
		"lr decay":   {LRDecay: 1.5},
		"lr growth":  {LRDecay: -0.5},
		"wd":         {WeightDecay: -1},
		"dropout":    {InputDropout: 1},
		"dropout <0": {InputDropout: -0.1},
		"wd nan":     {WeightDecay: math.NaN()},
		"wd step":    {LearningRate: 1e-9, WeightDecay: 1e9},
		"wd steps":   {LearningRates: map[string]float64{"W2": 1e-8}, WeightDecay: 2e8},
		"gmin":       {GMin: -1},
		"gmax":       {GMin: 1e-6, GMax: 1e-7},
		"workers":    {Workers: -1},
		"estimator":  {Estimator: "bp"},
		"readout":    {Readout: Readout{High: -1, Low: 1}},
		"readout eq": {Readout: Readout{Differential: true}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error for %+v", name, c)
		}
	}
}
