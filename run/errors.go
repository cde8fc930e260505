package run

import (
	"context"
	"fmt"
)

// InputError marks bad input: a netlist, setting or data set that cannot
// be trained on as given. Nothing was written.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns e.Err.
func (e *InputError) Unwrap() error { return e.Err }

func inputf(format string, a ...any) error { return &InputError{fmt.Errorf(format, a...)} }

// Failed is a run that could not go on. Epoch 0: the trainer could not be
// made from the settings (Train returns it inside an *InputError). Else
// the training of epoch Epoch failed, or, if Testing, the test after it.
// Err is the trainer's error.
type Failed struct {
	Epoch   int
	Testing bool
	// Checkpoint is the folder of the checkpoint written before the
	// failed batch, or "" when the run writes none.
	Checkpoint string
	Err        error
}

func (f *Failed) Error() string {
	switch {
	case f.Epoch == 0:
		return f.Err.Error()
	case f.Testing:
		return fmt.Sprintf("testing after epoch %d: %v", f.Epoch, f.Err)
	case f.Checkpoint != "":
		return fmt.Sprintf("training stopped: %v (the checkpoint before the failed batch is in %s)", f.Err, f.Checkpoint)
	}
	return fmt.Sprintf("training stopped in epoch %d: %v", f.Epoch, f.Err)
}

// Unwrap returns f.Err.
func (f *Failed) Unwrap() error { return f.Err }

// Finished returns the number of epochs the run finished before it
// failed.
func (f *Failed) Finished() int {
	if f.Testing || f.Epoch == 0 {
		return f.Epoch
	}
	return f.Epoch - 1
}

// Interrupted is a run stopped by its context: after epoch Epoch if Done
// is 0, else in epoch Epoch+1 after Done of its Total samples.
type Interrupted struct {
	Epoch, Done, Total int
	// Checkpoint is the folder of the checkpoint to resume from, or ""
	// when the run writes none.
	Checkpoint string
}

func (e *Interrupted) Error() string {
	where := fmt.Sprintf("in epoch %d after %d of %d samples", e.Epoch+1, e.Done, e.Total)
	if e.Done == 0 {
		where = fmt.Sprintf("after epoch %d", e.Epoch)
	}
	if e.Checkpoint == "" {
		return "interrupted " + where
	}
	return fmt.Sprintf("interrupted %s; the checkpoint is in %s", where, e.Checkpoint)
}

// Unwrap returns context.Canceled.
func (e *Interrupted) Unwrap() error { return context.Canceled }

// Unfinished says that Dir, the output folder of a new run, holds a run
// that stopped after Done of its Epochs epochs: resume it or choose
// another folder.
type Unfinished struct {
	Dir          string
	Done, Epochs int
}

func (e *Unfinished) Error() string {
	return fmt.Sprintf("%s holds an unfinished run (%d of %d epochs): resume it, or choose another folder", e.Dir, e.Done, e.Epochs)
}

// ResumeError says why the run in Dir cannot be resumed. Err is an
// *InputError when the folder holds no checkpoint or one of other
// settings or another netlist.
type ResumeError struct {
	Dir string
	Err error
}

func (e *ResumeError) Error() string { return fmt.Sprintf("resuming %s: %v", e.Dir, e.Err) }

// Unwrap returns e.Err.
func (e *ResumeError) Unwrap() error { return e.Err }
