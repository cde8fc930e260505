package eqprop

import (
	"fmt"
	"math"
)

// State is what a checkpoint must hold to resume training where it
// stopped: Restore(State()) on a fresh Trainer over a network built the
// same way continues to the identical result.
type State struct {
	// Epoch is the number of completed epochs.
	Epoch int
	// Batch is the number of batches done in the current epoch.
	Batch int
	// LossSum, Errors and Seen are the running training metrics of the
	// current epoch: the summed free-phase loss in V^2, the number of
	// misclassified samples and the number of samples seen.
	LossSum      float64
	Errors, Seen int
	// Cost is the chip time and energy of the current epoch's samples
	// seen so far, summed (see Metered).
	Cost Cost
	// Conductances holds the conductances of every block, row-major, in
	// siemens.
	Conductances [][]float64
}

// State returns the trainer's state; its conductances are copies.
func (t *Trainer) State() State {
	s := State{Epoch: t.epoch, Batch: t.batch, LossSum: t.lossSum, Errors: t.errs, Seen: t.seen, Cost: t.cost}
	for k := range t.blocks {
		s.Conductances = append(s.Conductances, append([]float64(nil), t.g[k]...))
	}
	return s
}

// Restore sets the trainer's state to s and programs its conductances
// into the network. It returns an error, and changes nothing, if s does
// not fit the network's blocks or holds negative counts or conductances
// that are not finite and positive (or zero, with Config.Device).
func (t *Trainer) Restore(s State) error {
	if s.Epoch < 0 || s.Batch < 0 || s.Errors < 0 || s.Seen < 0 || s.Errors > s.Seen || math.IsNaN(s.LossSum) || s.LossSum < 0 ||
		!(s.Cost.Time >= 0) || !(s.Cost.Energy >= 0) {
		return fmt.Errorf("eqprop: bad training state (epoch %d, batch %d, errors %d of %d, loss sum %g)", s.Epoch, s.Batch, s.Errors, s.Seen, s.LossSum)
	}
	if len(s.Conductances) != len(t.blocks) {
		return fmt.Errorf("eqprop: state has %d conductance blocks, the network %d", len(s.Conductances), len(t.blocks))
	}
	for k, b := range t.blocks {
		g := s.Conductances[k]
		if len(g) != b.Rows*b.Cols {
			return fmt.Errorf("eqprop: state has %d conductances for block %q, want %dx%d", len(g), b.Name, b.Rows, b.Cols)
		}
		for i, v := range g {
			// Devices may hold zero where their g_min is zero.
			if !(v > 0 || v == 0 && t.dev != nil) || math.IsInf(v, 1) {
				return fmt.Errorf("eqprop: block %q, conductance %d: %g S", b.Name, i, v)
			}
		}
	}
	t.epoch, t.batch, t.lossSum, t.errs, t.seen, t.cost = s.Epoch, s.Batch, s.LossSum, s.Errors, s.Seen, s.Cost
	for k := range t.blocks {
		copy(t.g[k], s.Conductances[k])
		t.reps[0].Program(k, t.g[k])
	}
	return nil
}
