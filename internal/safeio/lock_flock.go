//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safeio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockFile opens dir's lock file and takes an exclusive flock on it
// without waiting; a held lock gives a *LockedError.
func lockFile(dir string) (*os.File, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &Error{Path: path, Kind: NotRegular, Mode: fi.Mode().Type()}
	}
	if err == nil {
		err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		pid := readHolder(f)
		f.Close()
		return nil, &LockedError{Dir: dir, PID: pid}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return f, nil
}

// readHolder returns the process id in the lock file f that another
// process holds, or 0. The holder writes it just after it takes the lock,
// and until then the file may be empty or hold the id of a killed holder:
// readHolder waits up to 200 ms for the id of a live process.
func readHolder(f *os.File) int {
	deadline := time.Now().Add(200 * time.Millisecond)
	for {
		pid := parseHolder(f)
		// EPERM: the process exists but is another user's.
		if pid > 0 && syscall.Kill(pid, 0) != syscall.ESRCH {
			return pid
		}
		if time.Now().After(deadline) {
			return 0
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// unlockFile releases the flock on f.
func unlockFile(f *os.File) error { return flock(f, syscall.LOCK_UN) }

func flock(f *os.File, how int) error {
	c, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = c.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return ferr
}
