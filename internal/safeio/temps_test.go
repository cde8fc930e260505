//go:build unix

package safeio

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/eqsim/eqsim/internal/atomicfile"
)

func TestIsTemp(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{".a.toml.tmp123", true},
		{".metrics.csv.tmp4294967295", true},
		{".x.tmp0", true},
		{".eqsim-commit.tmp42", true},
		{".a.tmp1.tmp2", true},
		{"a.toml", false},
		{".a.toml", false},
		{"a.tmp123", false},          // no leading dot
		{".tmp123", false},           // no name
		{"..tmp123", false},          // no name
		{".a.tmp", false},            // no digits
		{".a.tmp12a", false},         // not digits
		{".a.tmp12345678901", false}, // 11 digits: not from os.CreateTemp
		{".a.tmp-1", false},
		{LockFile, false},
		{JournalFile, false},
	} {
		if got := IsTemp(c.name); got != c.want {
			t.Errorf("IsTemp(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestTempNames checks that the temporary files of package atomicfile and
// of TempPattern are what IsTemp accepts.
func TestTempNames(t *testing.T) {
	dir := t.TempDir()
	for range 20 {
		a, err := atomicfile.Create(filepath.Join(dir, "net.toml"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.CreateTemp(dir, TempPattern("metrics.csv"))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if !IsTemp(e.Name()) {
				t.Errorf("IsTemp(%q) = false", e.Name())
			}
			os.Remove(filepath.Join(dir, e.Name()))
		}
		a.Abort()
	}
}

// TestRemoveStaleTemps fills a folder with temporary files and files that
// look like them, and checks that Lock removes exactly the first.
func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stale := []string{
		".mnist.toml.tmp123", ".metrics.csv.tmp4294967295", "checkpoint/.state.json.tmp1",
		"checkpoint/.g0.3.npy.tmp77", ".eqsim-commit.tmp9", "plots/deep/.curves.png.tmp5",
	}
	keep := []string{
		"mnist.toml", "checkpoint/state.json", ".tmp123", "..tmp1", ".a.tmp", ".a.tmp12a",
		"a.tmp123", ".a.tmp12345678901", "notes.txt", LockFile,
		// A folder with a lock file is another run's.
		"run-1/.eqsim.lock", "run-1/.x.toml.tmp1",
		"run-1/checkpoint/.state.json.tmp2",
	}
	for _, n := range append(slices.Clone(stale), keep...) {
		mk(n)
	}
	// Not regular files: kept.
	if err := os.Mkdir(filepath.Join(dir, ".d.tmp5"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), ".target.tmp3")
	if err := os.WriteFile(outside, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, ".l.tmp5")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, ".d.tmp5", ".l.tmp5", "linked")
	// A temporary file of atomicfile.
	a, err := atomicfile.Create(filepath.Join(dir, "curves.svg"))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	m, _ := filepath.Glob(filepath.Join(dir, ".curves.svg.tmp*"))
	if len(m) != 1 {
		t.Fatalf("atomicfile's temporary files: %q", m)
	}
	stale = append(stale, filepath.Base(m[0]))

	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	var want []string
	for _, n := range stale {
		want = append(want, filepath.Join(dir, n))
	}
	got := slices.Clone(l.Removed)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("removed\n%q\nwant\n%q", got, want)
	}
	for _, n := range stale {
		if _, err := os.Lstat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("%s is still there", n)
		}
	}
	for _, n := range keep {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed: %v", n, err)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("the target of a symbolic link was removed: %v", err)
	}
	// Nothing left to remove.
	if r, err := l.RemoveStaleTemps(); len(r) != 0 || err != nil {
		t.Errorf("second pass removed %q, %v", r, err)
	}
}
