//go:build unix

package safeio

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCommit(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	for g := 1; g <= 3; g++ {
		if err := commitGeneration(l, g); err != nil {
			t.Fatal(err)
		}
		if got := checkGeneration(t, dir); got != g {
			t.Errorf("generation %d after committing %d", got, g)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "checkpoint", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

// TestCommitFails checks that a commit whose write fails leaves the files
// of the commit before and no temporary file.
func TestCommitFails(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if err := commitGeneration(l, 1); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = l.Commit([]Output{
		Bytes("a.txt", []byte("gen 2\n")),
		{Name: "checkpoint/state.json", Write: func(w io.Writer) error { io.WriteString(w, "half"); return boom }},
	}, []string{"checkpoint/g1.bin"})
	if !errors.Is(err, boom) {
		t.Fatalf("%v, want boom", err)
	}
	checkGeneration(t, dir)
	// A destination that is a folder is refused before anything changes.
	if err := os.Mkdir(filepath.Join(dir, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	err = l.Commit([]Output{Bytes("a.txt", []byte("gen 2\n")), Bytes("plots", nil)}, nil)
	if err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("commit over a folder: %v", err)
	}
	os.Remove(filepath.Join(dir, "plots"))
	if g := checkGeneration(t, dir); g != 1 {
		t.Errorf("generation %d, want 1", g)
	}
}

func TestCommitBadNames(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	for _, c := range []struct {
		files  []string
		remove []string
	}{
		{files: []string{""}},
		{files: []string{"/etc/passwd"}},
		{files: []string{"../x"}},
		{files: []string{"a/../b"}},
		{files: []string{"./a"}},
		{files: []string{"a//b"}},
		{files: []string{".x.tmp1"}},
		{files: []string{"checkpoint/.state.json.tmp1"}},
		{files: []string{LockFile}},
		{files: []string{JournalFile}},
		{files: []string{"a", "a"}},
		{files: []string{"a"}, remove: []string{"a"}},
		{remove: []string{"../a"}},
	} {
		var out []Output
		for _, n := range c.files {
			out = append(out, Bytes(n, nil))
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Commit(%q, %q) did not panic", c.files, c.remove)
				}
			}()
			l.Commit(out, c.remove)
		}()
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d files in the folder, want only the lock file", len(ents))
	}
}

// commitSteps are the crash points of a commit of the test's generations
// (4 files), in order; the first two come before the journal is in place.
var commitSteps = []string{"staged", "journal-staged", "journal", "renamed 0", "renamed 1", "renamed 2", "renamed 3", "removed", "synced"}

// TestCommitKilledAtEveryStep commits generation 1, then lets a child
// process commit generation 2 and kill itself with SIGKILL at each step of
// the commit in turn: the folder must then hold generation 1 if the kill
// came before the journal was in place, and generation 2 after. So with
// CommitUnsynced too: a kill loses nothing the OS was given.
func TestCommitKilledAtEveryStep(t *testing.T) {
	for _, mode := range []string{"synced", "unsynced"} {
		t.Run(mode, func(t *testing.T) { commitKilledAtEveryStep(t, mode == "unsynced") })
	}
}

func commitKilledAtEveryStep(t *testing.T, unsynced bool) {
	env := "SAFEIO_UNSYNCED=0"
	if unsynced {
		env = "SAFEIO_UNSYNCED=1"
	}
	for i, step := range commitSteps {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			l, err := Lock(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := commitGeneration(l, 1); err != nil {
				t.Fatal(err)
			}
			l.Unlock()
			c := startChild(t, "commit", dir, "SAFEIO_CRASH_AT="+step, env)
			if s := c.line(t); s != "ready 1" {
				t.Fatalf("child says %q", s)
			}
			if rest := c.wait(t); len(rest) != 0 {
				t.Fatalf("child wrote %q", rest)
			}
			if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child ended with %v, want killed by SIGKILL at %q", c.cmd.ProcessState, step)
			}
			_, err = os.Stat(filepath.Join(dir, JournalFile))
			journal := err == nil
			l, err = Lock(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Unlock()
			want := 1
			if i >= 2 {
				want = 2
			}
			if g := checkGeneration(t, dir); g != want {
				t.Errorf("generation %d, want %d", g, want)
			}
			if journal != (want == 2) {
				t.Errorf("journal left: %v", journal)
			}
			if want == 2 && len(l.Recovered) != 4 {
				t.Errorf("recovered %q, want the 4 files", l.Recovered)
			}
			if want == 1 && (len(l.Recovered) != 0 || len(l.Removed) == 0) {
				t.Errorf("recovered %q and removed %q, want nothing recovered and the staged files removed", l.Recovered, l.Removed)
			}
		})
	}
}

// TestCommitTampered kills a commit after its journal is in place,
// changes a staged file, and checks that Lock refuses to complete the
// commit and leaves the folder as it is.
func TestCommitTampered(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := commitGeneration(l, 1); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	c := startChild(t, "commit", dir, "SAFEIO_CRASH_AT=renamed 0")
	c.line(t)
	c.wait(t)
	staged, _ := filepath.Glob(filepath.Join(dir, "sub", ".b.txt.tmp*"))
	if len(staged) != 1 {
		t.Fatalf("staged files %q", staged)
	}
	if err := os.WriteFile(staged[0], []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the failed Lock releases the folder
		_, err = Lock(dir)
		if err == nil || !strings.Contains(err.Error(), JournalFile) || !strings.Contains(err.Error(), filepath.Base(staged[0])) {
			t.Fatalf("Lock: %v, want an error naming the journal and %s", err, staged[0])
		}
	}
	t.Log(err)
	if _, err := os.Stat(staged[0]); err != nil {
		t.Errorf("the staged file: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "sub", "b.txt")); string(b) != generationFiles(1)["sub/b.txt"] {
		t.Error("sub/b.txt changed")
	}
}

// TestCommitKill9 runs a child process that commits generation after
// generation and kills it with SIGKILL at a random moment, many times.
// After each kill, Lock must leave the files of exactly one generation:
// the last one the child finished committing or the one it was committing.
// So with CommitUnsynced too.
func TestCommitKill9(t *testing.T) {
	t.Run("synced", func(t *testing.T) { commitKill9(t, 40, "SAFEIO_UNSYNCED=0") })
	t.Run("unsynced", func(t *testing.T) { commitKill9(t, 20, "SAFEIO_UNSYNCED=1") })
}

func commitKill9(t *testing.T, iterations int, env string) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	gen, journals, temps := 0, 0, 0
	start := time.Now()
	for i := range iterations {
		c := startChild(t, "commit", dir, env)
		if s, want := c.line(t), fmt.Sprintf("ready %d", gen); s != want {
			t.Fatalf("iteration %d: child says %q, want %q", i, s, want)
		}
		// The kill comes at a random moment of the next two commits, timed
		// by the first, whose time depends on the load of the machine.
		t0 := time.Now()
		if s, want := c.line(t), fmt.Sprintf("committed %d", gen+1); s != want {
			t.Fatalf("iteration %d: child says %q, want %q", i, s, want)
		}
		time.Sleep(time.Duration(rng.Int64N(2 * int64(time.Since(t0)))))
		last := gen + 1
		for _, s := range c.kill(t) {
			g, err := strconv.Atoi(strings.TrimPrefix(s, "committed "))
			if err != nil {
				t.Fatalf("child says %q", s)
			}
			last = g
		}
		if _, err := os.Stat(filepath.Join(dir, JournalFile)); err == nil {
			journals++
		}
		l, err := Lock(dir)
		if err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
		if len(l.Removed) > 0 {
			temps++
		}
		g := checkGeneration(t, dir)
		l.Unlock()
		if g != last && g != last+1 {
			t.Fatalf("iteration %d: generation %d on disk, but the child had committed %d", i, g, last)
		}
		gen = g
	}
	t.Logf("%d kills in %v: %d generations, %d kills left a journal to complete, %d left temporary files",
		iterations, time.Since(start).Round(time.Millisecond), gen, journals, temps)
}
