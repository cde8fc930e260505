package run

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/eqsim/eqsim/eqprop"
)

// EvalReport is the outcome of testing a network on a test set; its JSON
// form is the output of eqsim eval --json.
type EvalReport struct {
	// TestError is the fraction of the samples misclassified, Errors
	// their number, TestLoss the mean free-phase loss in V^2.
	TestError float64 `json:"test_error"`
	TestLoss  float64 `json:"test_loss"`
	Samples   int     `json:"samples"`
	Errors    int     `json:"errors"`
	Dataset   string  `json:"dataset"`
	// MeanPower is the mean power per inference in watts
	// (eqprop.Evaluation); nil, JSON null, for a backend that does not
	// measure it.
	MeanPower *float64 `json:"mean_power"`
	// EnergyPerInference (joules) and ChipTimePerInference (seconds) are
	// the mean cost on the chip of a sample's free phase, its settling
	// and measurement window (eqprop.Evaluation): zero with the
	// equilibrium method and no integration time.
	EnergyPerInference   float64 `json:"energy_per_inference"`
	ChipTimePerInference float64 `json:"chip_time_per_inference"`
}

// Evaluate tests s's network, with its present conductances, on its test
// set, which must be loaded, relaxing the samples on workers goroutines
// (0: all cores); the result does not depend on their number. Settings the
// trainer refuses are an *InputError; a failed relaxation or a cancelled
// ctx gives the trainer's error.
func Evaluate(ctx context.Context, s *Session, workers int) (EvalReport, error) {
	cfg := s.Config
	cfg.Workers = workers
	tr, err := eqprop.NewTrainer(s.Physical, cfg.WithDefaults())
	if err != nil {
		return EvalReport{}, inputf("%s: %v", s.Path, err)
	}
	ev, err := tr.EvaluateSet(ctx, s.Test)
	if err != nil {
		return EvalReport{}, err
	}
	n := s.Test.Len()
	r := EvalReport{TestError: ev.Error, TestLoss: ev.Loss, Samples: n, Errors: int(math.Round(ev.Error * float64(n))),
		Dataset: s.Test.Name, EnergyPerInference: ev.EnergyPerInference, ChipTimePerInference: ev.ChipTimePerInference}
	if !math.IsNaN(ev.MeanPower) {
		r.MeanPower = &ev.MeanPower
	}
	return r, nil
}

// WriteText writes r for a reader: the error and loss on one line, what
// an inference costs on the next.
func (r EvalReport) WriteText(w io.Writer) error {
	power := "not measured"
	if r.MeanPower != nil {
		power = fmt.Sprintf("%.4g W", *r.MeanPower)
	}
	_, err := fmt.Fprintf(w, "test error %.2f%% (%d of %d samples of %s), mean loss %.4g V^2\n"+
		"per inference: mean power %s, energy %.4g J, chip time %.4g s\n",
		100*r.TestError, r.Errors, r.Samples, r.Dataset, r.TestLoss, power, r.EnergyPerInference, r.ChipTimePerInference)
	return err
}
