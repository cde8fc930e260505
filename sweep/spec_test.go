package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eqsim/eqsim/netlist"
)

func writeSpec(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSweepPoints(t *testing.T) {
	dir := t.TempDir()
	base := "../examples/xor.toml"
	abs, _ := filepath.Abs(base)
	spec := "base = \"" + abs + "\"\n" + `
mode = "%s"
[[axis]]
path = "training.device.levels"
values = [4, 8]
[[axis]]
path = "training.device.dw_min_std"
name = "noise"
from = 0.1
to = 10.0
count = 3
scale = "log"
`
	grid, err := ParseFile(writeSpec(t, dir, "g.toml", strings.Replace(spec, "%s", "grid", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := grid.Axes[1].Values; len(got) != 3 || got[0] != 0.1 || got[2] != 10.0 || FormatValue(got[1]) != "1" {
		t.Errorf("log grid %v, want 0.1, 1, 10", got)
	}
	var got [][]string
	for _, p := range grid.Points() {
		var row []string
		for _, v := range p.Values {
			row = append(row, FormatValue(v))
		}
		got = append(got, row)
	}
	want := [][]string{{"4", "0.1"}, {"4", "1"}, {"4", "10"}, {"8", "0.1"}, {"8", "1"}, {"8", "10"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("grid points %v, want %v (first axis slowest)", got, want)
	}
	each, err := ParseFile(writeSpec(t, dir, "e.toml", strings.Replace(spec, "%s", "each", 1)))
	if err != nil {
		t.Fatal(err)
	}
	pts := each.Points()
	if len(pts) != 1+2+3 || each.Describe(pts[0]) != "base" || each.Describe(pts[2]) != "levels=8" || each.Describe(pts[3]) != "noise=0.1" {
		t.Errorf("each points: %d, %q %q %q", len(pts), each.Describe(pts[0]), each.Describe(pts[2]), each.Describe(pts[3]))
	}
	for i, p := range pts {
		if p.Index != i {
			t.Errorf("point %d has index %d", i, p.Index)
		}
	}
}

func TestSweepIntegerGrid(t *testing.T) {
	abs, _ := filepath.Abs("../examples/xor.toml")
	s, err := Parse([]byte("base = \""+abs+"\"\n[[axis]]\npath = \"training.device.levels\"\nfrom = 2\nto = 8\ncount = 5\nscale = \"log\"\n"), "s.toml")
	if err != nil {
		t.Fatal(err)
	}
	// 2, 2.83, 4, 5.66, 8 rounded: integer ends give integers.
	if want := []any{int64(2), int64(3), int64(4), int64(6), int64(8)}; !reflect.DeepEqual(s.Axes[0].Values, want) {
		t.Errorf("values %v, want %v", s.Axes[0].Values, want)
	}
}

// TestSweepLoadPoint: a point's netlist is the base with the point's
// values and seed, and the fingerprint follows the base's bytes.
func TestSweepLoadPoint(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	base := writeSpec(t, dir, "xor.toml", string(data))
	spec := writeSpec(t, dir, "s.toml", "base = \"xor.toml\"\n[set]\n\"training.epochs\" = 9\n[[axis]]\npath = \"training.device.levels\"\nvalues = [4, 8]\n")
	s, err := ParseFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	nl, err := s.LoadPoint(data, s.Points()[1], 7)
	if err != nil {
		t.Fatal(err)
	}
	c := nl.Training.Config
	if c.Epochs != 9 || c.Seed != 7 || c.Device == nil || c.Device.Levels != 8 {
		t.Errorf("point 1: epochs %d seed %d device %+v", c.Epochs, c.Seed, c.Device)
	}
	ref, err := netlist.ParseFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ref.Circuit, nl.Circuit) {
		t.Errorf("the point's circuit differs from the base's")
	}
	f1, err := s.Fingerprint(ref, data)
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := s.Fingerprint(ref, append(data, '\n'))
	s.Seeds = []uint64{1, 2}
	f3, _ := s.Fingerprint(ref, data)
	if f1 == f2 || f1 == f3 {
		t.Errorf("fingerprints %s %s %s: a changed base or plan must change it", f1, f2, f3)
	}
}

// TestSpecRunLimit: a short spec that asks for more than MaxRuns runs is
// refused before its points are made, and quickly; a list of many values
// is checked for duplicates in linear time.
func TestSpecRunLimit(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs("../examples/xor.toml")
	axis := "[[axis]]\npath = \"training.%s\"\nfrom = 1\nto = 1000\ncount = 1000\n"
	spec := "base = \"" + abs + "\"\n" + fmt.Sprintf(axis, "a") + fmt.Sprintf(axis, "b") + fmt.Sprintf(axis, "c")
	start := time.Now()
	_, err := ParseFile(writeSpec(t, dir, "big.toml", spec))
	if err == nil || !strings.Contains(err.Error(), "more than 1000000 runs") || time.Since(start) > time.Second {
		t.Errorf("10^9 points: %v after %v", err, time.Since(start))
	}
	vals := make([]string, 200000)
	for i := range vals {
		vals[i] = strconv.Itoa(i)
	}
	long := "base = \"" + abs + "\"\n[[axis]]\npath = \"training.seed\"\nvalues = [" + strings.Join(vals, ", ") + ", 7]\n"
	start = time.Now()
	_, err = ParseFile(writeSpec(t, dir, "long.toml", long))
	if err == nil || !strings.Contains(err.Error(), "value 7 is listed twice") || time.Since(start) > 5*time.Second {
		t.Errorf("200,001 values: %v after %v", err, time.Since(start))
	}
}
