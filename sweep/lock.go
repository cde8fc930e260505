package sweep

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/eqsim/eqsim/internal/safeio"
)

// lockDir makes this process the one owner of the folder out, creating
// it, until release (safeio.Lock): another sweep, merge or training run
// holding it gives a *safeio.LockedError naming it and its process id, at
// once, and taking it removes the temporary files that killed writers
// left in it. release removes the folder again if lockDir created it and
// wrote, as release's argument says, nothing into it.
func lockDir(out string) (release func(wrote bool), err error) {
	_, err = os.Stat(out)
	created := errors.Is(err, fs.ErrNotExist)
	l, err := safeio.Lock(out)
	if err != nil {
		return nil, err
	}
	return func(wrote bool) {
		if created && !wrote {
			os.Remove(filepath.Join(out, safeio.LockFile))
			os.Remove(filepath.Join(out, PointDir))
			os.Remove(out) // only if empty
		}
		l.Unlock()
	}, nil
}
