package run

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/eqsim/eqsim/internal/safeio"
)

// lockOut makes the run the one owner of its output folder, creating it,
// for as long as it runs: an OS lock (safeio.Lock) that the OS releases
// when the process ends, however it ends. Another run holding the folder
// gives a *safeio.LockedError naming the folder and its process id, at
// once. Taking the folder completes a commit that a killed run left
// decided but unfinished, and removes the temporary files of killed
// writers; the progress log says so.
func (r *runner) lockOut() error {
	_, err := os.Stat(r.o.Out)
	created := errors.Is(err, fs.ErrNotExist)
	l, err := safeio.Lock(r.o.Out)
	if err != nil {
		return err
	}
	r.dir, r.created = l, created
	if n := len(l.Recovered); n > 0 {
		r.o.Progress.Printf("%s: completed the commit of %d files that a stopped run had begun\n", r.o.Out, n)
	}
	if n := len(l.Removed); n > 0 {
		r.o.Progress.Printf("%s: removed %d temporary files of stopped runs\n", r.o.Out, n)
	}
	return nil
}

// unlockOut releases the output folder. A folder the run created and
// wrote nothing into (its input was bad) is removed, so that bad input
// leaves nothing behind.
func (r *runner) unlockOut() {
	if r.dir == nil {
		return
	}
	if r.created && !r.saved {
		os.Remove(filepath.Join(r.o.Out, safeio.LockFile))
		os.Remove(r.o.Out) // only if empty
	}
	r.dir.Unlock()
}
