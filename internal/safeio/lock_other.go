//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package safeio

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockFile opens dir's lock file but does not lock it: this system has no
// flock in package syscall. A file created with O_EXCL would exclude other
// runs, but a killed run would leave it behind and lock the folder for
// good, which is worse than no lock for a tool whose runs are killed by
// schedulers; so two runs into one folder are not prevented here, as they
// are on Linux, macOS and the BSDs.
func lockFile(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return f, nil
}

func unlockFile(*os.File) error { return nil }
