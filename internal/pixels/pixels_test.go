package pixels

import "testing"

func TestSide(t *testing.T) {
	for _, tc := range []struct {
		n, w int
		ok   bool
	}{{0, 0, false}, {1, 1, true}, {2, 1, false}, {9, 3, true}, {40, 6, false}, {784, 28, true}} {
		if w, ok := Side(tc.n); w != tc.w || ok != tc.ok {
			t.Errorf("Side(%d) = %d, %v, want %d, %v", tc.n, w, ok, tc.w, tc.ok)
		}
	}
}

// TestShift moves a 4x4 image in every direction, by up to more than its
// side, with blank pixels of 0 and of -0.25, and compares with the pixels
// read one by one from a copy.
func TestShift(t *testing.T) {
	const w = 4
	for _, blank := range []float64{0, -0.25} {
		for dy := -5; dy <= 5; dy++ {
			for dx := -5; dx <= 5; dx++ {
				checkShift(t, w, dx, dy, blank)
			}
		}
	}
}

func checkShift(t *testing.T, w, dx, dy int, blank float64) {
	t.Helper()
	img := make([]float64, w*w)
	for i := range img {
		img[i] = float64(i + 1)
	}
	Shift(img, w, dx, dy, blank)
	for y := range w {
		for x := range w {
			want := blank
			if sx, sy := x-dx, y-dy; sx >= 0 && sx < w && sy >= 0 && sy < w {
				want = float64(sy*w + sx + 1)
			}
			if img[y*w+x] != want {
				t.Fatalf("move (%d, %d), blank %v: pixel (%d, %d) is %v, want %v", dx, dy, blank, x, y, img[y*w+x], want)
			}
		}
	}
}

// TestMirror mirrors images of even and odd sides and compares with the
// pixels read one by one, and mirrors them back.
func TestMirror(t *testing.T) {
	for _, w := range []int{1, 3, 4} {
		img := make([]float64, w*w)
		for i := range img {
			img[i] = float64(i + 1)
		}
		Mirror(img, w)
		for y := range w {
			for x := range w {
				if want := float64(y*w + (w - 1 - x) + 1); img[y*w+x] != want {
					t.Fatalf("side %d: pixel (%d, %d) is %v, want %v", w, x, y, img[y*w+x], want)
				}
			}
		}
		Mirror(img, w)
		for i, v := range img {
			if v != float64(i+1) {
				t.Fatalf("side %d: mirrored twice, pixel %d is %v, want %v", w, i, v, float64(i+1))
			}
		}
	}
}
