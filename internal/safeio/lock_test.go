//go:build unix

package safeio

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLockSecondProcess holds a folder in one child process, checks that a
// second process and this one are refused within 2 s with the holder's
// process id, kills the holder with SIGKILL and checks that the folder is
// free, although the lock file stays.
func TestLockSecondProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mnist-run")
	holder := startChild(t, "hold", dir)
	if s := holder.line(t); s != "locked" {
		t.Fatalf("holder says %q", s)
	}
	pid := holder.cmd.Process.Pid

	other := startChild(t, "try", dir)
	var r tryResult
	if err := json.Unmarshal([]byte(other.line(t)), &r); err != nil {
		t.Fatal(err)
	}
	other.wait(t)
	t.Logf("the second process was refused after %.3g ms: %s", 1000*r.Seconds, r.Msg)
	if r.Seconds > 2 {
		t.Errorf("the second process was refused after %.3g s", r.Seconds)
	}
	if !r.Locked || r.PID != pid {
		t.Fatalf("second process: %+v, want refused by process %d", r, pid)
	}
	wantMsg := dir + " is in use by another eqsim run (process " + strconv.Itoa(pid) + "); wait for it or use another --out"
	if r.Msg != wantMsg {
		t.Errorf("message %q, want %q", r.Msg, wantMsg)
	}

	start := time.Now()
	_, err := Lock(dir)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != pid || le.Dir != dir {
		t.Fatalf("this process: %v, want refused by process %d", err, pid)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refused after %v", d)
	}

	holder.kill(t)
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
		t.Fatalf("the lock file of the killed holder: %v", err)
	}
	l, err := Lock(dir)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, LockFile))
	if first, _, _ := strings.Cut(string(b), "\n"); first != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file starts with %q, want this process's id %d", first, os.Getpid())
	}
	// A process started now is refused with this process's id.
	other = startChild(t, "try", dir)
	r = tryResult{}
	if err := json.Unmarshal([]byte(other.line(t)), &r); err != nil {
		t.Fatal(err)
	}
	other.wait(t)
	if !r.Locked || r.PID != os.Getpid() {
		t.Errorf("while this process holds the folder: %+v", r)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	// And accepted once it is released.
	other = startChild(t, "try", dir)
	r = tryResult{}
	if err := json.Unmarshal([]byte(other.line(t)), &r); err != nil {
		t.Fatal(err)
	}
	other.wait(t)
	if r.Locked || r.Err != "" {
		t.Errorf("after Unlock: %+v", r)
	}
}

// TestLockSameProcess checks that two Locks in one process exclude each
// other, and that Lock makes the folder and its parents.
func TestLockSameProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if l.Dir() != dir {
		t.Errorf("Dir %q, want %q", l.Dir(), dir)
	}
	_, err = Lock(dir)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Errorf("second Lock: %v", err)
	}
}

// TestLockBadFolder checks that a folder that is a file is an error, not a
// lock.
func TestLockBadFolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := Lock(p); err == nil {
		l.Unlock()
		t.Fatal("locked a file")
	}
}

func TestLockedErrorMessage(t *testing.T) {
	for _, c := range []struct {
		e    LockedError
		want string
	}{
		{LockedError{"mnist-run", 12345}, "mnist-run is in use by another eqsim run (process 12345); wait for it or use another --out"},
		{LockedError{"runs/x", 0}, "runs/x is in use by another eqsim run; wait for it or use another --out"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
}

// TestLockedHolderUnknown holds the lock of a folder as a run does in the
// moment before it writes its process id, with the id of an ended process
// in the file: the refusal must not name that process.
func TestLockedHolderUnknown(t *testing.T) {
	dir := t.TempDir()
	f, err := lockFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Run()
	dead := cmd.Process.Pid
	f.WriteAt([]byte(strconv.Itoa(dead)+"\n"), 0)
	_, err = Lock(dir)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != 0 {
		t.Errorf("%v, want a LockedError without process id (%d has ended)", err, dead)
	}
	writeHolder(f)
	if _, err = Lock(dir); !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Errorf("%v, want a LockedError with this process's id", err)
	}
}
