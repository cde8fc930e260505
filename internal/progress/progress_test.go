package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := New(&b, true, "samples")
	p.Start("epoch 2/5", 100, 20)
	for done := 30; done <= 100; done += 10 {
		p.Set(done, 20)
	}
	p.Printf("epoch 2/5: done\n")
	p.Finish()
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
	p = New(&b, false, "samples")
	p.Start("epoch 1/1", 10, 0)
	p.Set(5, 0)
	p.Printf("line %d\n", 1)
	p.Finish()
	if b.String() != "line 1\n" {
		t.Errorf("progress off wrote %q", b.String())
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}
