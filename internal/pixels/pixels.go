// Package pixels moves and mirrors square images, stored row by row, for
// the data augmentation of training (eqprop.Config.Shift and Flip).
package pixels

import "math"

// Side returns the side of the square image of n pixels, and false if n
// is not a positive square.
func Side(n int) (int, bool) {
	w := int(math.Sqrt(float64(n)))
	for w*w > n {
		w--
	}
	for (w+1)*(w+1) <= n {
		w++
	}
	return w, w > 0 && w*w == n
}

// Shift moves the w x w image img dx pixels right and dy pixels down, in
// place: pixel (x, y) becomes the old pixel (x-dx, y-dy), blank where that
// is outside the image.
func Shift(img []float64, w, dx, dy int, blank float64) {
	fill := func(r []float64) {
		for i := range r {
			r[i] = blank
		}
	}
	for k := range w {
		// Rows are visited away from the way they move, as memmove
		// does, so that each is read before it is written over.
		y := k
		if dy > 0 {
			y = w - 1 - k
		}
		row, sy := img[y*w:(y+1)*w], y-dy
		if sy < 0 || sy >= w {
			fill(row)
			continue
		}
		src := img[sy*w : (sy+1)*w]
		if dx >= 0 {
			n := max(w-dx, 0)
			copy(row[w-n:], src[:n])
			fill(row[:w-n])
		} else {
			n := max(w+dx, 0)
			copy(row[:n], src[w-n:])
			fill(row[n:])
		}
	}
}

// Mirror flips the w x w image img left to right, in place: pixel (x, y)
// becomes the old pixel (w-1-x, y).
func Mirror(img []float64, w int) {
	for y := range w {
		row := img[y*w : (y+1)*w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			row[i], row[j] = row[j], row[i]
		}
	}
}
