//go:build unix

package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/internal/npy"
	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/run"
)

// snapshot returns the files of the folder dir and their SHA-256, but
// the lock file, whose content is only the holder's name.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || fi.Name() == safeio.LockFile {
			return nil
		}
		var data []byte
		if fi.Mode().IsRegular() {
			data, _ = os.ReadFile(p)
		}
		fmt.Fprintf(&b, "%s %x\n", p, sha256.Sum256(data))
		return nil
	})
	return b.String()
}

// copyDir copies the files of the folder from into to.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(from, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
}

// TestResumeBadCheckpoint: a checkpoint that is garbage, truncated,
// special, not finite, of another version, inconsistent with its metrics,
// of another network or of another netlist is bad input: exit status 2, a
// message naming the file and what is wrong, and nothing written. A new
// run into a folder with such a checkpoint is refused the same way.
func TestResumeBadCheckpoint(t *testing.T) {
	dir := t.TempDir()
	args := []string{xorNet, "--epochs", "3", "--batch-size", "1", "--seed", "9"}
	good := filepath.Join(dir, "good")
	mustTrain(t, append(args, "--out", good)...)
	ck, _, err := run.ReadCheckpoint(filepath.Join(good, run.CheckpointDir))
	if err != nil {
		t.Fatal(err)
	}
	g0 := ck.Blocks[0].File
	state := filepath.Join("checkpoint", "state.json")
	// edit changes a key of state.json.
	edit := func(key string, v any) func(d string) {
		return func(d string) {
			p := filepath.Join(d, state)
			b, _ := os.ReadFile(p)
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			m[key] = v
			b, _ = json.Marshal(m)
			os.WriteFile(p, b, 0o644)
		}
	}
	write := func(name string, data []byte) func(d string) {
		return func(d string) { os.WriteFile(filepath.Join(d, name), data, 0o644) }
	}
	cut := func(name string) func(d string) {
		return func(d string) {
			b, _ := os.ReadFile(filepath.Join(d, name))
			os.WriteFile(filepath.Join(d, name), b[:len(b)/2], 0o644)
		}
	}
	nan := func(d string) {
		g := make([]float64, ck.Blocks[0].Rows*ck.Blocks[0].Cols)
		for i := range g {
			g[i] = 1e-6
		}
		g[3] = math.NaN()
		write(filepath.Join("checkpoint", g0), npy.Encode([]int{ck.Blocks[0].Rows, ck.Blocks[0].Cols}, g))(d)
	}
	link := func(name string) func(d string) {
		return func(d string) {
			os.Remove(filepath.Join(d, name))
			os.Symlink("/dev/zero", filepath.Join(d, name))
		}
	}
	two := func(name string) []any {
		return []any{map[string]any{"name": name, "rows": 6, "cols": 4, "file": g0}, map[string]any{"name": "W2", "rows": 6, "cols": 2, "file": ck.Blocks[1].File}}
	}
	for _, tc := range []struct {
		name   string
		damage func(dir string)
		want   []string
		// resumeOnly: the checkpoint is whole but not of this run; a new
		// run may replace it, as it replaces any finished run.
		resumeOnly bool
	}{
		{"garbage", write(state, []byte("hello, world\n")), []string{state, "not a checkpoint's state"}, false},
		{"truncated state", cut(state), []string{state, "unexpected EOF"}, false},
		{"empty state", write(state, nil), []string{state, "unexpected EOF"}, false},
		{"trailing data", func(d string) {
			b, _ := os.ReadFile(filepath.Join(d, state))
			os.WriteFile(filepath.Join(d, state), append(b, "{}"...), 0o644)
		}, []string{state, "data after"}, false},
		{"special state", link(state), []string{state, "not a regular file"}, false},
		{"truncated conductances", cut(filepath.Join("checkpoint", g0)), []string{g0}, false},
		{"missing conductances", func(d string) { os.Remove(filepath.Join(d, "checkpoint", g0)) }, []string{g0, "does not exist"}, false},
		{"NaN conductance", nan, []string{g0, "conductance 3", "NaN"}, false},
		{"other version", edit("version", 2), []string{state, "version 2", "version 1"}, false},
		{"epoch past its metrics", edit("epoch", 1000000), []string{state, "epoch 1000000", "3 metric rows"}, false},
		{"rows out of order", edit("rows", []any{map[string]any{"epoch": 2}, map[string]any{"epoch": 1}, map[string]any{"epoch": 3}}), []string{state, "metric row 1 is of epoch 2"}, false},
		{"negative loss", edit("loss_sum", -1), []string{state, "loss sum -1"}, false},
		{"file outside", edit("blocks", []any{map[string]any{"name": "W1", "rows": 6, "cols": 4, "file": "../xor.W1.npy"}}), []string{state, `"../xor.W1.npy"`}, false},
		{"batch past the data", edit("batch", 99999), []string{state, "at batch 99999"}, true},
		{"another network", edit("blocks", two("W9")), []string{state, "block 0", "W9"}, true},
		{"another netlist", edit("netlist_sha256", "0123"), []string{state, "not the one the run started from"}, true},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "-"), func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			copyDir(t, good, out)
			tc.damage(out)
			before := snapshot(t, out)
			for _, c := range [][]string{
				append(append([]string{"train"}, args...), "--epochs", "5", "--resume", out),
				append(append([]string{"train"}, args...), "--out", out),
			} {
				if c[len(c)-2] == "--out" && tc.resumeOnly {
					continue
				}
				code, stdout, stderr := eqsim(c...)
				if code != 2 || stdout != "" {
					t.Errorf("%v: exit %d, want 2; stdout %q\n%s", c[len(c)-2:], code, stdout, stderr)
				}
				for _, w := range tc.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("%v: stderr lacks %q:\n%s", c[len(c)-2:], w, stderr)
					}
				}
				if now := snapshot(t, out); now != before {
					t.Errorf("%v: the folder changed:\n%s\nwas\n%s", c[len(c)-2:], now, before)
				}
			}
		})
	}
}
