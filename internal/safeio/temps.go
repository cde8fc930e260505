package safeio

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// TempPattern returns the pattern for os.CreateTemp of a temporary file
// that will be renamed to name (a base name): "." + name + ".tmp*", where
// CreateTemp replaces the "*" by up to 10 decimal digits. Every temporary
// file eqsim writes in a run folder is named so (package atomicfile and
// Commit use it), and IsTemp recognizes exactly these names.
func TempPattern(name string) string { return "." + name + ".tmp*" }

// IsTemp reports whether the base name is that of a temporary file made
// with TempPattern: a dot, a name of at least one byte, ".tmp", and 1 to
// 10 decimal digits.
func IsTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp")
	if i < 2 || name[0] != '.' {
		return false
	}
	digits := name[i+len(".tmp"):]
	if len(digits) < 1 || len(digits) > 10 {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveStaleTemps removes the temporary files of writes that a killed
// process left in the locked folder and its subfolders, and returns their
// paths. It removes only regular files whose names IsTemp accepts; it does
// not follow symbolic links, and it skips subfolders that hold a lock file
// of their own, which belong to other runs (a sweep's runs). Lock calls it
// once it holds the folder (after completing an interrupted commit, whose
// staged files have such names); call it again only while no write into
// the folder is under way, since the temporary file of a write of this
// process is removed like any other.
func (l *DirLock) RemoveStaleTemps() ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held()
	return removeTemps(l.dir, true)
}

// removeTemps removes the temporary files in dir and, recursively, its
// subfolders but those with a lock file; top says that dir is the locked
// folder itself.
func removeTemps(dir string, top bool) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if !top {
		for _, e := range ents {
			if e.Name() == LockFile {
				return nil, nil
			}
		}
	}
	var removed []string
	var errs []error
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			r, err := removeTemps(p, false)
			removed = append(removed, r...)
			errs = append(errs, err)
		case e.Type().IsRegular() && IsTemp(e.Name()):
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, p)
		}
	}
	return removed, errors.Join(errs...)
}
