package sweep

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExamples parses every sweep spec of examples/ and the netlist of
// every one of its points.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "sweep-*.toml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("%d sweep examples: %v", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			base, err := os.ReadFile(s.Base)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range s.Points() {
				if _, err := s.LoadPoint(base, p, s.Seeds[0]); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
