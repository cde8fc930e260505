package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
)

// FuzzImport checks that Import never panics, that its errors are located
// (an *ImportError naming the file, and a line of the deck when it names
// one), and that a deck it accepts is a circuit that compiles, whose nodes
// are those of its elements.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "import", "*.cir"))
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for seed := range 4 {
		f.Add(randomDeck(uint64(seed)))
	}
	f.Add("t\n.subckt s a params: r=1\nR1 a m {r}\nR2 m 0 {2*r}\n.ends\nV1 n 0 1\nX1 n s r=3\n")
	f.Add("t\n.param a={b} b='1k*2'\nV1 x 0 {a/1k}\nR1 x 0 1meg\n")
	f.Add("t\n* node \"h[0]\" = h_0_\nV1 h_0_ 0 1\nR1 h_0_ 0 1k ; eqsim g=1e-3\n")

	saved := importLimits
	f.Cleanup(func() { importLimits = saved })
	importLimits.elements, importLimits.depth, importLimits.lineBytes = 2000, 20, 1<<12

	f.Fuzz(func(t *testing.T, src string) {
		d, err := Import(strings.NewReader(src), "fuzz.cir")
		if err != nil {
			var e *ImportError
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *ImportError", err, err)
			}
			if d != nil {
				t.Fatal("a deck came back with an error")
			}
			lines := strings.Count(src, "\n") + 1
			if e.File != "fuzz.cir" || e.Line < 0 || e.Line > lines {
				t.Fatalf("error %q: file %q, line %d of %d", err, e.File, e.Line, lines)
			}
			prefix := "fuzz.cir: "
			if e.Line > 0 {
				prefix = fmt.Sprintf("fuzz.cir:%d: ", e.Line)
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("error %q does not start with %q", err, prefix)
			}
			return
		}
		if _, err := mna.Compile(d.Circuit); err != nil {
			t.Fatalf("an imported circuit does not compile: %v", err)
		}
		nodes := map[string]bool{}
		for _, n := range d.Nodes {
			if !goodName(n) || circuit.IsGround(n) || nodes[n] {
				t.Fatalf("bad or repeated node name %q", n)
			}
			nodes[n] = true
		}
		for _, e := range d.Circuit.Elements {
			if !goodName(e.Label()) {
				t.Fatalf("bad element name %q", e.Label())
			}
		}
		used := map[string]bool{}
		for _, e := range d.Circuit.Elements {
			for _, n := range e.Terminals() {
				if !circuit.IsGround(n) && !nodes[n] {
					t.Fatalf("element %s uses node %q, which is not in Nodes", e.Label(), n)
				}
				used[n] = true
			}
		}
		for n := range nodes {
			if !used[n] {
				t.Fatalf("node %q is used by no element", n)
			}
		}
	})
}

// goodName reports whether s is a name a netlist can hold: not empty, valid
// UTF-8, no spaces or control characters.
func goodName(s string) bool {
	return s != "" && utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}) < 0
}
