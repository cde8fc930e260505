package run

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestTrainCommits: a run commits its checkpoint, with the outputs, at the
// end of every epoch, and within an epoch every SaveEvery, so that a kill
// loses at most one epoch or SaveEvery of work.
func TestTrainCommits(t *testing.T) {
	o := Overrides{Epochs: ptr(3), BatchSize: ptr(1), Seed: ptr(uint64(2))}
	for _, tc := range []struct {
		every time.Duration
		// The checkpoint on disk when the run reaches epoch e, sample
		// done: at the end of the epoch before, or at this batch.
		midEpoch bool
	}{
		{30 * time.Second, false},
		{time.Nanosecond, true},
	} {
		out := filepath.Join(t.TempDir(), "run")
		seen := 0
		_, err := Train(context.Background(), open(t, o), Options{Out: out, SaveEvery: tc.every, AfterBatch: func(epoch, done int) {
			if done == 4 {
				return // the epoch's end is committed after its test
			}
			ck, st, err := ReadCheckpoint(filepath.Join(out, CheckpointDir))
			wantEpoch, wantBatch := epoch-1, 0
			if tc.midEpoch {
				wantBatch = done
			}
			switch {
			case epoch == 1 && !tc.midEpoch:
				if err == nil {
					t.Errorf("SaveEvery %v: a checkpoint (epoch %d batch %d) before the first epoch ended", tc.every, st.Epoch, st.Batch)
				}
			case err != nil:
				t.Errorf("SaveEvery %v, epoch %d, sample %d: %v", tc.every, epoch, done, err)
			case st.Epoch != wantEpoch || st.Batch != wantBatch || len(ck.Rows) != wantEpoch:
				t.Errorf("SaveEvery %v, epoch %d, sample %d: the checkpoint is at epoch %d batch %d with %d rows, want epoch %d batch %d", tc.every, epoch, done, st.Epoch, st.Batch, len(ck.Rows), wantEpoch, wantBatch)
			default:
				seen++
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if seen < 6 {
			t.Errorf("SaveEvery %v: %d checks", tc.every, seen)
		}
	}
}
