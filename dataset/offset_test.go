package dataset

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop"
)

// TestOffset loads a coded set (IDX files) and a set of float64 features
// (xor) with and without an offset and checks every feature of the offset
// sets against the plain ones less the offset, the blank pixel that fills
// a moved image, and that the plain sets are left as they were.
func TestOffset(t *testing.T) {
	dir := t.TempDir()
	writeMNISTLike(t, dir, 4, 3, false)
	t.Setenv(EnvData, "")
	const c = 0.286
	for _, spec := range []Spec{{Name: "mnist", Dir: dir}, {Name: "xor"}} {
		plainTrain, plainTest, err := Load(spec)
		if err != nil {
			t.Fatal(err)
		}
		spec.Offset = c
		train, test, err := Load(spec)
		if err != nil {
			t.Fatal(err)
		}
		for k, pair := range [][2]*eqprop.Set{{plainTrain, train}, {plainTest, test}} {
			plain, off := pair[0], pair[1]
			if off.Len() != plain.Len() || off.Blank != -c || plain.Blank != 0 {
				t.Fatalf("%s set %d: %d samples, blank %v (plain %d, %v)", spec.Name, k, off.Len(), off.Blank, plain.Len(), plain.Blank)
			}
			for i := range plain.Len() {
				x, y := plain.Sample(i), off.Sample(i)
				for j := range x {
					if y[j] != x[j]-c {
						t.Fatalf("%s set %d sample %d feature %d: %v, want %v - %v", spec.Name, k, i, j, y[j], x[j], c)
					}
				}
			}
		}
		if spec.Name != "mnist" {
			continue
		}
		// An image moved right by two pixels: its first two columns
		// are blank, which reads -c.
		x := train.ShiftedTo(make([]float64, 784), 3, 2, 0)
		if want := plainTrain.Sample(3)[0] - c; x[0] != -c || x[1] != -c || x[2] != want || x[783] != want {
			t.Errorf("moved image: %v %v %v ... %v, want %v %v %v ... %v", x[0], x[1], x[2], x[783], -c, -c, want, want)
		}
	}
	for _, c := range []float64{math.NaN(), math.Inf(1)} {
		if _, _, err := Load(Spec{Name: "xor", Offset: c}); err == nil || !strings.Contains(err.Error(), "not a finite number") {
			t.Errorf("offset %v: got error %v", c, err)
		}
	}
}

// TestOffsetMean loads a coded set (IDX files) with every feature less
// its mean over the training set and checks each feature of both sets
// against the plain ones less means summed here, with the training set
// cut to a subset (the means stay those of the whole file); a moved and
// a mirrored image, whose blank and mirrored pixels are less the means of
// where they land; that a CSV file of the centred features written at
// full precision reads bit for bit the same; and that an offset and the
// means together are refused.
func TestOffsetMean(t *testing.T) {
	dir := t.TempDir()
	writeMNISTLike(t, dir, 4, 3, false)
	t.Setenv(EnvData, "")
	plainTrain, plainTest, err := Load(Spec{Name: "mnist", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	mean := make([]float64, 784)
	for i := range plainTrain.Len() {
		for j, v := range plainTrain.Sample(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= 4
	}
	train, test, err := Load(Spec{Name: "mnist", Dir: dir, OffsetMean: true, TrainSubset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 2 || test.Len() != 3 {
		t.Fatalf("%d training and %d test samples, want 2 and 3", train.Len(), test.Len())
	}
	var rows [2]strings.Builder
	for k, pair := range [][2]*eqprop.Set{{plainTrain, train}, {plainTest, test}} {
		for i := range pair[1].Len() {
			x, y := pair[0].Sample(i), pair[1].Sample(i)
			for j := range x {
				if y[j] != x[j]-mean[j] {
					t.Fatalf("set %d sample %d feature %d: %v, want %v - %v", k, i, j, y[j], x[j], mean[j])
				}
				rows[k].WriteString(strconv.FormatFloat(y[j], 'g', -1, 64) + ",")
			}
			fmt.Fprintf(&rows[k], "%d\n", pair[1].Labels[i])
		}
	}
	// An image moved right by two pixels: its first two columns are blank,
	// which reads 0 less the mean there.
	x := train.ShiftedTo(make([]float64, 784), 1, 2, 0)
	if want := plainTrain.Sample(1)[0] - mean[2]; x[0] != -mean[0] || x[1] != -mean[1] || x[2] != want {
		t.Errorf("moved image: %v %v %v, want %v %v %v", x[0], x[1], x[2], -mean[0], -mean[1], want)
	}
	m := train.MovedTo(make([]float64, 784), 1, 0, 0, true)
	if want := plainTrain.Sample(1)[27] - mean[0]; m[0] != want {
		t.Errorf("mirrored image: pixel 0 %v, want %v", m[0], want)
	}

	trainCSV, testCSV := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	for k, p := range []string{trainCSV, testCSV} {
		if err := os.WriteFile(p, []byte(rows[k].String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromCSV, testFromCSV, err := Load(Spec{Name: "csv", Train: trainCSV, Test: testCSV})
	if err != nil {
		t.Fatal(err)
	}
	for k, pair := range [][2]*eqprop.Set{{train, fromCSV}, {test, testFromCSV}} {
		for i := range pair[0].Len() {
			if a, b := pair[0].Sample(i), pair[1].Sample(i); !slices.Equal(a, b) {
				t.Errorf("set %d sample %d differs from the CSV file's", k, i)
			}
		}
	}
	if _, _, err := Load(Spec{Name: "xor", Offset: 0.5, OffsetMean: true}); err == nil || !strings.Contains(err.Error(), "choose one") {
		t.Errorf("an offset and the means: error %v", err)
	}
}
