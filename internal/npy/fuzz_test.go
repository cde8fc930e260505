package npy

import (
	"errors"
	"math"
	"testing"
)

// FuzzDecode checks that Decode never panics, that every failure is an
// *Error of a known kind, and that every array it accepts has as many
// values as its shape says and encodes back to itself, bit for bit.
func FuzzDecode(f *testing.F) {
	f.Add(Encode([]int{2, 3}, []float64{1, 2, 3, 4, 5, math.NaN()}))
	f.Add(Encode([]int{}, []float64{7}))
	f.Add(Encode([]int{0, 4}, nil))
	f.Add(npyFile(1, "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 2), }\n", make([]byte, 16)))
	f.Add(npyFile(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", make([]byte, 24)))
	f.Add(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }\n", nil))
	const limit = 1 << 16
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Decode(b, limit)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !(errors.Is(err, ErrFormat) || errors.Is(err, ErrUnsupported) || errors.Is(err, ErrTooLarge)) || e.Msg == "" {
				t.Fatalf("error %v (%T) is not an *Error of a known kind", err, err)
			}
			return
		}
		n := 1
		for _, d := range a.Shape {
			if d < 0 {
				t.Fatalf("shape %v", a.Shape)
			}
			n *= d
		}
		if n != len(a.Data) || n > limit {
			t.Fatalf("shape %v, %d values", a.Shape, len(a.Data))
		}
		back, err := Decode(Encode(a.Shape, a.Data), limit)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Data {
			if math.Float64bits(back.Data[i]) != math.Float64bits(a.Data[i]) {
				t.Fatalf("value %d: %v, read back %v", i, a.Data[i], back.Data[i])
			}
		}
	})
}
