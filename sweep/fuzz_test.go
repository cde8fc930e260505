package sweep

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/netlist"
)

// FuzzParseSpec checks that Parse never panics and never takes long:
// every failure is a *netlist.Error naming the spec, with a message, and
// every spec it accepts has a base, seeds, and points that each set a
// value of every axis (grid) or of one axis at most (each), within
// MaxRuns runs.
func FuzzParseSpec(f *testing.F) {
	dir := f.TempDir()
	xor, err := os.ReadFile("../examples/xor.toml")
	if err != nil {
		f.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "xor.toml"), xor, 0o644)
	os.WriteFile(filepath.Join(dir, "mnist-kendall.toml"), xor, 0o644)
	examples, _ := filepath.Glob("../examples/sweep-*.toml")
	for _, e := range examples {
		b, err := os.ReadFile(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("base = \"xor.toml\"\nmode = \"each\"\nseeds = [1, 2]\n[set]\n\"training.epochs\" = 2\n[[axis]]\npath = \"crossbar[W1].wire_r\"\nfrom = 1\nto = 100\ncount = 3\nscale = \"log\"\n"))
	f.Add([]byte("base = \"xor.toml\"\n[[axis]]\npath = \"training.beta\"\nvalues = [\"1u\", \"2u\", true]\n[[axis]]\npath = \"training.seed\"\nname = \"s\"\nvalues = [1]\n"))
	f.Add([]byte("base = \"xor.toml\"\n[[axis]]\npath = \"a.b\"\nfrom = 1\nto = 2\ncount = 10000\n[[axis]]\npath = \"a.c\"\nfrom = 1\nto = 2\ncount = 10000\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "spec.toml")
		s, err := Parse(data, path)
		if err != nil {
			var e *netlist.Error
			if !errors.As(err, &e) || e.File != path || e.Msg == "" {
				t.Fatalf("error %v (%T) is not a *netlist.Error naming the spec with a message", err, err)
			}
			return
		}
		if s.Base == "" || len(s.Seeds) == 0 || len(s.Axes) == 0 || s.runs() > MaxRuns {
			t.Fatalf("accepted spec: base %q, %d seeds, %d axes, %d runs", s.Base, len(s.Seeds), len(s.Axes), s.runs())
		}
		pts := s.Points()
		if len(pts)*len(s.Seeds) != s.runs() || len(s.Tasks()) != s.runs() {
			t.Fatalf("%d points x %d seeds, %d tasks, want %d runs", len(pts), len(s.Seeds), len(s.Tasks()), s.runs())
		}
		for _, p := range pts {
			set := 0
			for _, v := range p.Values {
				if v != nil {
					set++
				}
			}
			if s.Mode == Grid && set != len(s.Axes) || s.Mode == Each && set > 1 {
				t.Fatalf("mode %s: point %d sets %d of %d axes", s.Mode, p.Index, set, len(s.Axes))
			}
			if d := s.Describe(p); d == "" || strings.ContainsAny(d, "\n") {
				t.Fatalf("point %d described as %q", p.Index, d)
			}
			if len(s.Overrides(p)) < len(s.Set) {
				t.Fatalf("point %d: %d overrides, fewer than the %d set values", p.Index, len(s.Overrides(p)), len(s.Set))
			}
		}
	})
}
