package dataset

import (
	"math"
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
