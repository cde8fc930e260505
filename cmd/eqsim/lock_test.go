//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/run"
	"github.com/eqsim/eqsim/sweep"
)

// syncBuffer is a bytes.Buffer that a child process writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// child returns the command that runs eqsim with args in a child process
// (the test binary, see TestMain), with the environment variables env.
func child(env []string, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "EQSIM_TEST_MAIN=1"), env...)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// exitCode returns the exit status of a finished command.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// waitLocked waits until the folder dir is locked by the process pid.
func waitLocked(t *testing.T, dir string, pid int, stderr *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(dir, safeio.LockFile))
		if line, _, ok := strings.Cut(string(b), "\n"); ok && line == strconv.Itoa(pid) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s was not locked by process %d:\n%s", dir, pid, stderr)
}

// TestRunFolderLock: while a real eqsim process trains into a folder (or
// sweeps into it), a second process that trains into it, resumes it or
// sweeps into it exits with status 1 within 2 s, naming the folder and
// the holder's process id; the first run is unaffected and ends with the
// result of a run that had the folder to itself.
func TestRunFolderLock(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	pause := filepath.Join(dir, "pause")
	os.WriteFile(pause, nil, 0o644)
	args := []string{xorNet, "--epochs", "40", "--batch-size", "1", "--seed", "3"}
	holder, _, holderErr := child([]string{"EQSIM_TEST_PAUSE=" + pause}, append([]string{"train", "--out", out}, args...)...)
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	pid := holder.Process.Pid
	waitLocked(t, out, pid, holderErr)

	for _, c := range [][]string{
		{"train", xorNet, "--out", out, "--seed", "4", "--epochs", "3"},
		append(append([]string{"train"}, args...), "--resume", out),
		{"sweep", sweepXOR, "--out", out},
	} {
		cmd, stdout, stderr := child(nil, c...)
		start := time.Now()
		code := exitCode(t, cmd.Run())
		took := time.Since(start)
		if code != 1 || took > 2*time.Second || stdout.String() != "" {
			t.Errorf("%v: exit %d after %v, want 1 within 2 s; stdout %q", c, code, took, stdout)
		}
		for _, w := range []string{out, "process " + strconv.Itoa(pid), "in use"} {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c, w, stderr)
			}
		}
	}
	os.Remove(pause)
	if code := exitCode(t, holder.Wait()); code != 0 {
		t.Fatalf("the first run: exit %d\n%s", code, holderErr)
	}
	ref := filepath.Join(dir, "ref")
	mustTrain(t, append(args, "--out", ref)...)
	sameFiles(t, ref, out, "xor.W1.npy", "xor.W2.npy", "xor.toml")
	if a, b := deterministic(readMetricsCSV(t, ref)), deterministic(readMetricsCSV(t, out)); a != b {
		t.Errorf("metrics of the first run:\n%s\nalone:\n%s", b, a)
	}
	ck, _, err := run.ReadCheckpoint(filepath.Join(out, run.CheckpointDir))
	if err != nil || len(ck.Rows) != 40 || ck.Settings.Seed != 3 {
		t.Errorf("the first run's checkpoint: %v", err)
	}
}

// TestSweepFolderLock: a sweep holds its folder too, against a training
// run, and finishes unaffected.
func TestSweepFolderLock(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sweep")
	pause := filepath.Join(dir, "pause")
	os.WriteFile(pause, nil, 0o644)
	holder, _, holderErr := child([]string{"EQSIM_TEST_PAUSE=" + pause}, "sweep", sweepXOR, "--out", out, "--jobs", "1")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	pid := holder.Process.Pid
	waitLocked(t, out, pid, holderErr)
	for _, c := range [][]string{
		{"train", xorNet, "--out", out, "--epochs", "2"},
		{"sweep", "merge", out, "--out", out},
	} {
		cmd, _, stderr := child(nil, c...)
		start := time.Now()
		code := exitCode(t, cmd.Run())
		if took := time.Since(start); code != 1 || took > 2*time.Second || !strings.Contains(stderr.String(), "process "+strconv.Itoa(pid)) {
			t.Errorf("%v: exit %d after %v, want 1 within 2 s naming process %d:\n%s", c, code, took, pid, stderr)
		}
	}
	os.Remove(pause)
	if code := exitCode(t, holder.Wait()); code != 0 {
		t.Fatalf("the sweep: exit %d\n%s", code, holderErr)
	}
	if _, err := os.Stat(filepath.Join(out, sweep.ResultsCSV)); err != nil {
		t.Errorf("the sweep did not finish: %v", err)
	}
}
