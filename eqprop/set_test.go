package eqprop

import (
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestSubset(t *testing.T) {
	s := &Set{Features: 2, Classes: 3, X: []float64{0, 1, 2, 3, 4, 5}, Labels: []int{0, 1, 2}}
	for _, tc := range []struct{ n, want int }{{-1, 3}, {0, 3}, {1, 1}, {2, 2}, {3, 3}, {4, 3}} {
		sub := s.Subset(tc.n)
		if sub.Len() != tc.want || !slices.Equal(sub.X, s.X[:2*tc.want]) || !slices.Equal(sub.Labels, s.Labels[:tc.want]) || sub.Classes != 3 {
			t.Errorf("Subset(%d): got X %v labels %v classes %d", tc.n, sub.X, sub.Labels, sub.Classes)
		}
	}
	// Appending to a subset must not write into the set.
	sub := s.Subset(1)
	sub.X = append(sub.X, 9, 9)
	sub.Labels = append(sub.Labels, 9)
	if s.X[2] != 2 || s.Labels[1] != 1 {
		t.Errorf("append to a subset changed the set: %v %v", s.X, s.Labels)
	}
	// Sample is a copy: neither writing to it nor appending to it
	// changes the set.
	x := s.Sample(1)
	if !slices.Equal(x, []float64{2, 3}) || cap(x) != 2 {
		t.Errorf("Sample(1) = %v with capacity %d", x, cap(x))
	}
	x[0] = 7
	if s.X[2] != 2 {
		t.Errorf("writing to Sample(1) changed the set: %v", s.X)
	}
}

// A coded set reads as the set of float64s it encodes, whole and in
// subsets.
func TestCodedSet(t *testing.T) {
	var lv [256]float64
	for i := range lv {
		lv[i] = float64(i) / 255
	}
	codes := []byte{0, 255, 3, 128, 7, 9}
	plain := &Set{Features: 2, Classes: 3, Labels: []int{0, 1, 2}}
	for _, c := range codes {
		plain.X = append(plain.X, float64(c)/255)
	}
	coded := &Set{Features: 2, Classes: 3, Codes: codes, Levels: &lv, Labels: []int{0, 1, 2}}
	for _, n := range []int{0, 1, 2} {
		p, c := plain.Subset(n), coded.Subset(n)
		if p.Len() != c.Len() {
			t.Fatalf("Subset(%d): %d samples, want %d", n, c.Len(), p.Len())
		}
		dst := make([]float64, 2)
		for i := range p.Len() {
			if got := c.SampleTo(dst, i); !slices.Equal(got, p.Sample(i)) {
				t.Errorf("Subset(%d).SampleTo(%d) = %v, want %v", n, i, got, p.Sample(i))
			}
		}
	}
	sub := coded.Subset(1)
	sub.Codes = append(sub.Codes, 1, 1)
	if coded.Codes[2] != 3 {
		t.Errorf("append to a subset changed the set: %v", coded.Codes)
	}
}

func TestSamplePanics(t *testing.T) {
	s := &Set{Features: 1, X: []float64{1}, Labels: []int{0}}
	for _, i := range []int{-1, 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Sample(%d) did not panic", i)
				}
			}()
			s.Sample(i)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("SampleTo with 2 elements for 1 feature did not panic")
			}
		}()
		s.SampleTo(make([]float64, 2), 0)
	}()
}

// TestShiftedTo moves a 3x3 image of coded and of float features in
// every direction and compares with the pixels read one by one.
func TestShiftedTo(t *testing.T) {
	img := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	sets := []*Set{
		{Name: "float", Features: 9, Classes: 1, X: img, Labels: []int{0}},
		codedImage(img),
	}
	for _, set := range sets {
		for dy := -3; dy <= 3; dy++ {
			for dx := -3; dx <= 3; dx++ {
				got := set.ShiftedTo(make([]float64, 9), 0, dx, dy)
				for y := range 3 {
					for x := range 3 {
						want := 0.0
						if sx, sy := x-dx, y-dy; sx >= 0 && sx < 3 && sy >= 0 && sy < 3 {
							want = img[sy*3+sx]
						}
						if got[y*3+x] != want {
							t.Fatalf("%s, move (%d, %d): pixel (%d, %d) is %v, want %v", set.Name, dx, dy, x, y, got[y*3+x], want)
						}
					}
				}
			}
		}
	}
	if err := (&Set{Name: "forty", Features: 40}).CheckShift(1); err == nil {
		t.Error("40 features take moves")
	}
	if err := sets[0].CheckShift(3); err == nil {
		t.Error("a 3x3 image takes moves of 3 pixels")
	}
}

// TestMovedTo moves and mirrors a 3x3 image of coded features: the
// pixels are the moved image's read right to left.
func TestMovedTo(t *testing.T) {
	img := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	set := codedImage(img)
	for _, mv := range [][2]int{{0, 0}, {1, 0}, {-1, 1}} {
		moved := set.ShiftedTo(make([]float64, 9), 0, mv[0], mv[1])
		if got := set.MovedTo(make([]float64, 9), 0, mv[0], mv[1], false); !floats.Equal(got, moved) {
			t.Errorf("move %v unmirrored: %v, want %v", mv, got, moved)
		}
		got := set.MovedTo(make([]float64, 9), 0, mv[0], mv[1], true)
		for y := range 3 {
			for x := range 3 {
				if got[y*3+x] != moved[y*3+2-x] {
					t.Fatalf("move %v mirrored: pixel (%d, %d) is %v, want %v", mv, x, y, got[y*3+x], moved[y*3+2-x])
				}
			}
		}
	}
	if err := (&Set{Name: "forty", Features: 40}).CheckFlip(true); err == nil {
		t.Error("40 features take mirroring")
	}
	if err := (&Set{Name: "forty", Features: 40}).CheckFlip(false); err != nil {
		t.Errorf("40 features unmirrored: %v", err)
	}
}

// codedImage returns a one-sample set of coded features holding img's
// values, whose codes are 1, 2, ... (every value its own level).
func codedImage(img []float64) *Set {
	levels := [256]float64{}
	codes := make([]byte, len(img))
	for i, v := range img {
		levels[i+1], codes[i] = v, byte(i+1)
	}
	return &Set{Name: "coded", Features: len(img), Classes: 1, Codes: codes, Levels: &levels, Labels: []int{0}}
}
