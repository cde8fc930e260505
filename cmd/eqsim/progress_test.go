package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, true)
	p.start("epoch 2/5", 100, 20)
	for done := 30; done <= 100; done += 10 {
		p.set(done, 20)
	}
	p.printf("epoch 2/5: done\n")
	p.finish()
	out := b.String()
	for _, w := range []string{"epoch 2/5", "samples", "epoch 2/5: done\n", "/80"} {
		if !strings.Contains(out, w) {
			t.Errorf("bar output lacks %q:\n%q", w, out)
		}
	}
	if !strings.Contains(out, "\r") {
		t.Errorf("the bar does not redraw its line:\n%q", out)
	}

	// Off: only the log lines.
	b.Reset()
	p = newProgress(&b, false)
	p.start("epoch 1/1", 10, 0)
	p.set(5, 0)
	p.printf("line %d\n", 1)
	p.finish()
	if b.String() != "line 1\n" {
		t.Errorf("progress off wrote %q", b.String())
	}
}

func TestIsTerminal(t *testing.T) {
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}
