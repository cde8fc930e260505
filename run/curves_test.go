package run

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCurves writes the curves of rows into dir.
func writeCurves(dir, title string, rows []Metrics) error {
	outs, err := curvesOutputs(title, rows)
	if err != nil {
		return err
	}
	for _, o := range outs {
		var b bytes.Buffer
		if err := o.Write(&b); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, o.Name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func TestWriteCurves(t *testing.T) {
	for _, n := range []int{1, 3, 40} {
		dir := t.TempDir()
		var rows []Metrics
		for e := 1; e <= n; e++ {
			rows = append(rows, Metrics{Epoch: e, TrainLoss: 1 / float64(e), TestLoss: 1.2 / float64(e), TrainError: 0.5 / float64(e), TestError: 0.6 / float64(e)})
		}
		if err := writeCurves(dir, "a title", rows); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, CurvesPNG))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if s := img.Bounds().Size(); s.X != 600 || s.Y != 700 {
			t.Errorf("PNG is %v, want 600x700", s)
		}
		s, err := os.ReadFile(filepath.Join(dir, CurvesSVG))
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(s))
		for {
			if _, err := d.Token(); err != nil {
				if err.Error() != "EOF" {
					t.Errorf("SVG is not well-formed XML: %v", err)
				}
				break
			}
		}
		for _, w := range []string{"<svg", "a title", "epoch", "train", "test"} {
			if !strings.Contains(string(s), w) {
				t.Errorf("SVG lacks %q", w)
			}
		}
	}
	// No rows: no plots.
	dir := t.TempDir()
	if err := writeCurves(dir, "", nil); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("plots of no epochs: %v", ents)
	}
}

func TestEpochTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{1, 2, "1 2"},
		{1, 10, "1 2 3 4 5 6 7 8 9 10"},
		{1, 11, "2 4 6 8 10"},
		{1, 37, "5 10 15 20 25 30 35"},
		{1, 100, "10 20 30 40 50 60 70 80 90 100"},
		{3, 250, "50 100 150 200 250"},
	} {
		var got []string
		for _, tk := range (epochTicks{}).Ticks(tc.lo, tc.hi) {
			got = append(got, tk.Label)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("ticks of [%g, %g]: %s, want %s", tc.lo, tc.hi, g, tc.want)
		}
	}
}
