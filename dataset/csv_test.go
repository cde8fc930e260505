package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		x        []float64
		labels   []int
		classes  int
		err      string // a substring of the error; "" for none
	}{
		{name: "plain", in: "0.5,1,2\n-1,2e-3,0\n", x: []float64{0.5, 1, -1, 2e-3}, labels: []int{2, 0}, classes: 3},
		{name: "header", in: "x,y,label\n1,2,1\n", x: []float64{1, 2}, labels: []int{1}, classes: 2},
		{name: "comments, blanks, spaces, CRLF", in: "# data\r\n\r\n 1, 2 ,3.0\r\n4,5, 0\r\n", x: []float64{1, 2, 4, 5}, labels: []int{3, 0}, classes: 4},
		{name: "quoted", in: "\"1\",\"2\",\"1\"\n", x: []float64{1, 2}, labels: []int{1}, classes: 2},
		{name: "ragged", in: "1,2,0\n1,2,3,0\n", err: "d.csv:2: 4 fields, want 3 as on line 1"},
		{name: "ragged after header", in: "a,b,c\n\n1,2,0\n1,0\n", err: "d.csv:4: 2 fields, want 3 as on line 3"},
		{name: "non-numeric", in: "1,2,0\n1,x,0\n", err: `d.csv:2: field 2, "x", is not a number`},
		{name: "not finite", in: "1,NaN,0\n", err: `d.csv:1: field 2, "NaN", is not a finite number`},
		{name: "negative label", in: "1,2,0\n1,2,-1\n", err: "d.csv:2: label (field 3): -1 is negative"},
		{name: "fractional label", in: "1,2,0.5\n", err: `d.csv:1: label (field 3): "0.5" is not an integer`},
		{name: "huge label", in: "1,2,1e9\n", err: `d.csv:1: label (field 3): "1e9" is not an integer`},
		{name: "label only", in: "1\n", err: "d.csv:1: only 1 field"},
		{name: "header only", in: "a,b,label\n", err: "d.csv: no data rows"},
		{name: "empty", in: "", err: "d.csv: no data rows"},
		{name: "bad quote", in: "1,2,0\n1,\"2,0\n", err: "d.csv:2: extraneous or missing \" in quoted-field"},
	} {
		s, err := readCSV(strings.NewReader(tc.in), "d.csv")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(s.X, tc.x) || !slices.Equal(s.Labels, tc.labels) || s.Classes != tc.classes || s.Features != len(tc.x)/len(tc.labels) {
			t.Errorf("%s: got X %v labels %v classes %d features %d, want %v %v %d", tc.name, s.X, s.Labels, s.Classes, s.Features, tc.x, tc.labels, tc.classes)
		}
	}
}

func TestLoadCSV(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	train := write("train.csv", "a,b,label\n0,0,0\n0,1,1\n1,0,1\n")
	test := write("test.csv", "1,1,4\n")
	wide := write("wide.csv", "1,1,1,0\n")
	ten := write("ten.csv", "0,0\n1,1\n2,2\n3,0\n4,1\n5,2\n6,0\n7,1\n8,2\n9,0\n")
	bad := write("bad.csv", "0,0,0\nx,1,1\n")

	tr, te, err := Load(Spec{Name: "CSV", Train: train, Test: test})
	if err != nil {
		t.Fatal(err)
	}
	// Classes counts the labels of both files.
	if tr.Len() != 3 || te.Len() != 1 || tr.Classes != 5 || te.Classes != 5 || tr.Source != train {
		t.Errorf("got train %d, test %d, classes %d and %d, source %q", tr.Len(), te.Len(), tr.Classes, te.Classes, tr.Source)
	}

	// Without a test file, every fifth row is held out.
	tr, te, err = Load(Spec{Train: ten})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(te.X, []float64{4, 9}) || !slices.Equal(te.Labels, []int{1, 0}) ||
		!slices.Equal(tr.X, []float64{0, 1, 2, 3, 5, 6, 7, 8}) || tr.Classes != 3 || te.Classes != 3 {
		t.Errorf("hold-out: got train %v %v, test %v %v", tr.X, tr.Labels, te.X, te.Labels)
	}

	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Name: "csv"}, "no training file"},
		{Spec{Name: "csv", Train: train, Test: wide}, "wide.csv has 3 features, " + train + " has 2"},
		{Spec{Name: "csv", Train: train}, "too few to hold out"},
		{Spec{Name: "csv", Train: bad, Test: test}, bad + ":2: field 1"},
		{Spec{Name: "csv", Train: train, Test: bad}, bad + ":2: field 1"},
		{Spec{Name: "csv", Train: filepath.Join(dir, "none.csv"), Test: test}, "none.csv: does not exist"},
	} {
		if _, _, err := Load(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got error %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}
