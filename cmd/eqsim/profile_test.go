package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestCPUProfileFlag(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.prof")
	code, _, stderr := eqsim("train", "../../examples/xor.toml", "--epochs", "20", "--out", filepath.Join(dir, "run"), "--cpuprofile", prof)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	// A pprof profile is a gzipped protocol buffer; a profile that was
	// started and never stopped is empty or cut short.
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a gzipped profile: %v", err)
	}
	if n, err := io.Copy(io.Discard, z); err != nil || n == 0 {
		t.Fatalf("profile of %d bytes: %v", n, err)
	}

	code, _, stderr = eqsim("simulate", "../../examples/divider.toml", "--cpuprofile", filepath.Join(dir, "no", "such", "dir", "p"))
	if code != exitUsage {
		t.Errorf("unwritable profile: exit %d (%s), want %d", code, stderr, exitUsage)
	}
}
