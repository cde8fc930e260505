package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lines is a Progress that keeps the log lines.
type lines struct {
	Silent
	text strings.Builder
}

func (l *lines) Printf(format string, args ...any) { fmt.Fprintf(&l.text, format, args...) }

// TestNoteNewton: a run says when its large network misses the layered
// fast path, and why, and says nothing when the network is layered or
// small. The XOR example's hidden layer is widened to 600 units; its
// output crossbar's side of hidden nodes and a bias group (pinned) is not
// layered, the same crossbar without the bias is.
func TestNoteNewton(t *testing.T) {
	src, err := os.ReadFile(xorNet)
	if err != nil {
		t.Fatal(err)
	}
	wide := strings.NewReplacer(`name = "h"`+"\nsize = 8", `name = "h"`+"\nsize = 600", `name = "a"`+"\nsize = 8", `name = "a"`+"\nsize = 600").Replace(string(src))
	layered := strings.Replace(wide, `from = ["a", "b"]`, `from = "a"`, 1)
	if wide == string(src) || layered == wide {
		t.Fatal("the example's groups or W2 changed: update the test")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, text string
		note       bool
	}{{"small", string(src), false}, {"wide", wide, true}, {"layered", layered, false}} {
		path := filepath.Join(dir, tc.name+".toml")
		if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path, Overrides{Epochs: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		var log lines
		if _, err := Train(context.Background(), s, Options{Progress: &log}); err != nil {
			t.Fatal(err)
		}
		got := log.text.String()
		if has := strings.Contains(got, "not the layered fast path"); has != tc.note || tc.note && !strings.Contains(got, `"W2"`) {
			t.Errorf("%s: note %t, want %t:\n%s", tc.name, has, tc.note, got)
		}
	}
}
