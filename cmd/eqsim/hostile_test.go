//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sparse creates a file of size bytes that takes no room on disk.
func sparse(t *testing.T, path string, size int64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileFiles: every file eqsim reads (netlist, sidecar, sweep spec,
// CSV data, checkpoint) that is a device behind a symbolic link, a named
// pipe without a writer, a folder or larger than its documented limit is
// refused within 5 s with exit status 2, a message naming it, and
// nothing written; a CSV file the netlist names that is missing too.
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(xorNet)
	if err != nil {
		t.Fatal(err)
	}
	xor := string(src)
	link := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	withData := func(name, file string) string {
		return writeFile(t, dir, name, strings.Replace(xor, "dataset = \"xor\"\n", "dataset = \"csv\"\ntrain_file = \""+file+"\"\n", 1))
	}
	zeroNet, fifoNet := link("zero.toml"), fifo("fifo.toml")
	bigNet := sparse(t, filepath.Join(dir, "big.toml"), 64<<20+1)
	folderNet := filepath.Join(dir, "folder.toml")
	os.Mkdir(folderNet, 0o755)
	link("zero.csv")
	fifo("fifo.csv")
	sparse(t, filepath.Join(dir, "big.csv"), 1<<30+1)
	sideNet := writeFile(t, dir, "side.toml", `[[input]]
name = "x"
size = 2
[[group]]
name = "h"
size = 1
[[crossbar]]
name = "W"
from = "x"
to = "h"
matrix = "zero.npy"
[[resistor]]
name = "R"
nodes = ["h[0]", "0"]
r = 1
`)
	link("zero.npy")
	zeroSpec, fifoSpec := link("zero-spec.toml"), fifo("fifo-spec.toml")
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"simulate", "--json", zeroNet}, []string{zeroNet, "not a regular file"}},
		{[]string{"simulate", fifoNet}, []string{fifoNet, "not a regular file (a named pipe)"}},
		{[]string{"simulate", folderNet}, []string{folderNet, "not a regular file (a directory)"}},
		{[]string{"simulate", bigNet}, []string{bigNet, "over the limit of 67108864 bytes (64 MiB) for netlists"}},
		{[]string{"simulate", sideNet}, []string{"side.toml:11", "zero.npy: not a regular file"}},
		{[]string{"train", zeroNet, "--out", out}, []string{zeroNet, "not a regular file"}},
		{[]string{"train", withData("zcsv.toml", "zero.csv"), "--out", out}, []string{"zero.csv", "not a regular file"}},
		{[]string{"train", withData("fcsv.toml", "fifo.csv"), "--out", out}, []string{"fifo.csv", "not a regular file (a named pipe)"}},
		{[]string{"train", withData("bcsv.toml", "big.csv"), "--out", out}, []string{"big.csv", "(1 GiB) for CSV data files"}},
		{[]string{"train", withData("mcsv.toml", "missing.csv"), "--out", out}, []string{"mcsv.toml", "missing.csv: does not exist"}},
		{[]string{"eval", withData("zcsv2.toml", "zero.csv")}, []string{"zero.csv", "not a regular file"}},
		{[]string{"sweep", zeroSpec, "--out", out}, []string{zeroSpec, "not a regular file"}},
		{[]string{"sweep", fifoSpec, "--out", out}, []string{fifoSpec, "not a regular file (a named pipe)"}},
	} {
		start := time.Now()
		code, stdout, stderr := eqsim(tc.args...)
		if took := time.Since(start); code != 2 || took > 5*time.Second || stdout != "" {
			t.Errorf("%v: exit %d after %v, stdout %q; want 2 within 5 s\n%s", tc.args, code, took, stdout, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: %s was written", tc.args, out)
		}
	}
}
