// Package atomicfile writes files so that a reader never sees a partial
// one: data goes to a temporary file beside the destination, which is
// synced and then renamed over it.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is a pending write to Path. Commit renames it into place; Abort
// removes it. Exactly one of them must be called.
type File struct {
	Path string
	f    *os.File
	w    *bufio.Writer
}

// Create starts a pending write to path, in its directory.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	return &File{Path: path, f: f, w: bufio.NewWriter(f)}, nil
}

// Write writes p to the pending file.
func (a *File) Write(p []byte) (int, error) { return a.w.Write(p) }

// Close flushes and syncs the pending file, with the permissions of a file
// made by os.Create under the usual umask (0644), without renaming it.
func (a *File) Close() error {
	err := a.w.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if err == nil {
		err = a.f.Chmod(0o644)
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", a.Path, err)
	}
	return nil
}

// Commit renames the closed pending file into place.
func (a *File) Commit() error {
	if err := os.Rename(a.f.Name(), a.Path); err != nil {
		return fmt.Errorf("write %s: %w", a.Path, err)
	}
	return nil
}

// Abort closes the pending file if needed and removes it.
func (a *File) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// Write writes path through fill and renames it into place; on any error
// nothing is left behind.
func Write(path string, fill func(w io.Writer) error) error {
	a, err := Create(path)
	if err != nil {
		return err
	}
	if err := fill(a); err != nil {
		a.Abort()
		return err
	}
	if err := a.Close(); err != nil {
		a.Abort()
		return err
	}
	if err := a.Commit(); err != nil {
		a.Abort()
		return err
	}
	return nil
}
