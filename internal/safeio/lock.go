package safeio

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LockFile is the name of the lock file in a locked folder. It stays in
// the folder after Unlock: the lock is the OS lock on the file, not the
// file's existence.
const LockFile = ".eqsim.lock"

// DirLock is the ownership of a folder by this process; see Lock. Its
// methods may be called from several goroutines.
type DirLock struct {
	dir string
	mu  sync.Mutex
	f   *os.File // nil once unlocked

	// Recovered lists the files, with slashes relative to the folder,
	// that Lock put in place to complete a commit that a killed process
	// had decided but not finished; nil if there was none.
	Recovered []string
	// Removed lists the stray temporary files (paths as joined to the
	// folder) that Lock removed.
	Removed []string
}

// Lock makes this process the one owner of the folder dir, creating it
// (and its parents, mode 0755) if needed. It takes an exclusive OS lock
// (flock) on dir/.eqsim.lock without waiting: if another process holds
// it, Lock returns a *LockedError with the holder's process id at once.
// The OS releases the lock when the process ends, however it ends, so a
// run killed with SIGKILL leaves no stale lock. The lock file's descriptor
// is closed on exec: child processes (ngspice) do not hold the lock.
//
// Once it holds the lock, Lock writes into the lock file this process's
// id on the first line, then its start time and command line, and makes
// the folder whole again: it completes a commit a killed owner left
// decided but unfinished (see Commit; the files are listed in Recovered)
// and removes the stray temporary files of killed writers (see
// RemoveStaleTemps; listed in Removed). If that fails, Lock releases the
// lock and returns the error.
//
// Two Locks of one folder in the same process exclude each other too, the
// second getting a LockedError with this process's id. On NFS the lock
// works if the server supports locks (NFSv4 does); on systems other than
// Linux, macOS and the BSDs, Lock does not exclude other processes (see
// lock_other.go).
func Lock(dir string) (*DirLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := lockFile(dir)
	if err != nil {
		return nil, err
	}
	writeHolder(f)
	l := &DirLock{dir: dir, f: f}
	l.Recovered, err = l.completeCommit()
	if err == nil {
		l.Removed, err = removeTemps(dir, true)
	}
	if err != nil {
		l.Unlock()
		return nil, err
	}
	return l, nil
}

// Dir returns the folder locked.
func (l *DirLock) Dir() string { return l.dir }

// Unlock releases the folder; it empties the lock file and leaves it in
// place. Unlock of an unlocked folder does nothing.
func (l *DirLock) Unlock() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Truncate(0)
	if uerr := unlockFile(l.f); err == nil {
		err = uerr
	}
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.dir, err)
	}
	return nil
}

// held panics if l is unlocked: using a folder after Unlock is a bug.
func (l *DirLock) held() {
	if l.f == nil {
		panic("safeio: use of an unlocked folder " + l.dir)
	}
}

// writeHolder writes who holds the lock into the locked file f. It writes
// over the old content and then cuts it, so that a reader does not see an
// empty file while the lock is held; errors are ignored, as the content
// only serves messages.
func writeHolder(f *os.File) {
	cmd := strings.Join(os.Args, " ")
	cmd = strings.NewReplacer("\n", " ", "\r", " ").Replace(cmd)
	s := fmt.Sprintf("%d\nstarted %s\ncommand %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339), cmd)
	if _, err := f.WriteAt([]byte(s), 0); err == nil {
		f.Truncate(int64(len(s)))
	}
}

// parseHolder returns the process id on the first line of the lock file
// f, or 0 if there is none.
func parseHolder(f *os.File) int {
	buf := make([]byte, 64)
	n, _ := f.ReadAt(buf, 0)
	line, _, complete := bytes.Cut(buf[:n], []byte("\n"))
	pid, err := strconv.Atoi(string(line))
	if err != nil || !complete || pid <= 0 {
		return 0
	}
	return pid
}
