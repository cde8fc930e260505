package tomlloc

import "testing"

func TestLocate(t *testing.T) {
	src := `title = """
[[resistor]]
not a header: inside a multi-line string
"""
s = '[[resistor]]'   # not a header either
arr = [
  "[[resistor]]",
  # [[resistor]] in a comment
  [1, 2],
]

[[resistor]]
name = "R1"
 nodes = ["a", "b"]

[ [ "resistor" ] ]
name = "R2"

[[resistor]]   # third
"name" = "R3"
x.y = 1

[models.d1]
type = "diode"

[models]
d2.type = "diode"
d3 = { type = "diode", is = 1 }

[[group]]
name = "h"
[[group.sub]]
k = 1
[[group]]
name = "h2"
[[group.sub]]
k = 2
vsource = [
  { name = "V1" },
  { name = "V2" },
]
`
	l := locate([]byte(src))
	for _, tc := range []struct {
		path []string
		want int
	}{
		{[]string{"title"}, 1},
		{[]string{"s"}, 5},
		{[]string{"arr"}, 6},
		{[]string{"resistor"}, 12},
		{[]string{"resistor", indexSeg(0)}, 12},
		{[]string{"resistor", indexSeg(0), "name"}, 13},
		{[]string{"resistor", indexSeg(0), "nodes"}, 14},
		// [ [ "resistor" ] ] is not an array header (the brackets are
		// apart) but an ordinary table; the TOML decoder rejects it, and
		// the scan must only not be confused by it.
		{[]string{"resistor", indexSeg(2), "name"}, 0},
		{[]string{"resistor", indexSeg(1)}, 19},
		{[]string{"resistor", indexSeg(1), "name"}, 20},
		{[]string{"resistor", indexSeg(1), "x"}, 21},
		{[]string{"resistor", indexSeg(1), "x", "y"}, 21},
		{[]string{"models", "d1"}, 23},
		{[]string{"models", "d1", "type"}, 24},
		{[]string{"models"}, 23},
		{[]string{"models", "d2"}, 27},
		{[]string{"models", "d2", "type"}, 27},
		{[]string{"models", "d3"}, 28},
		{[]string{"models", "d3", "is"}, 28},
		{[]string{"group", indexSeg(0)}, 30},
		{[]string{"group", indexSeg(1)}, 34},
		{[]string{"group", indexSeg(1), "name"}, 35},
		{[]string{"group", indexSeg(0), "sub", indexSeg(0), "k"}, 33},
		{[]string{"group", indexSeg(1), "sub", indexSeg(0), "k"}, 37},
		{[]string{"group", indexSeg(1), "sub", indexSeg(0), "vsource"}, 38},
		{[]string{"group", indexSeg(1), "sub", indexSeg(0), "vsource", indexSeg(0), "name"}, 39},
		{[]string{"group", indexSeg(1), "sub", indexSeg(0), "vsource", indexSeg(1)}, 40},
	} {
		if got := l.exact(tc.path...); got != tc.want {
			t.Errorf("line of %q = %d, want %d", tc.path, got, tc.want)
		}
	}
	if got := l.line("resistor", indexSeg(0), "nope"); got != 12 {
		t.Errorf("fallback line = %d, want 12", got)
	}
}

// TestLocateNoPanic runs the scan over truncations of tricky text: it
// must never panic or loop, whatever it is given.
func TestLocateNoPanic(t *testing.T) {
	src := "a = \"\"\"x\\\"\"\"\"\"\nb = '''y'''''\n[[c]]\nd = [{e = \"\\u00e9\"}, 'f']\n[g . \"h\\x41\"]\ni = 1979-05-27 07:32:00\n\"\\"
	for i := range len(src) + 1 {
		locate([]byte(src[:i]))
	}
}
