package dataset

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// FuzzReadCSV checks that readCSV never panics and names the file in
// every error, and that every set it accepts is whole: as many rows of
// features as labels, finite features, labels below Classes.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"0.5,1,2\n-1,2e-3,0\n",
		"x,y,label\n1,2,1\n",
		"# data\r\n\r\n 1, 2 ,3.0\r\n4,5, 0\r\n",
		"\"1\",\"2\",\"1\"\n",
		"1,2,0\n1,2,3,0\n",
		"1,\"2,0\n",
		"1,NaN,0\n1,2,1e9\n",
		"# a,b,c\n\"1\n\",2,0\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := readCSV(bytes.NewReader(data), "f.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "f.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		n := s.Len()
		if n == 0 || s.Features < 1 || s.Features > MaxFeatures || len(s.X) != n*s.Features || len(s.Labels) != n {
			t.Fatalf("%d samples of %d features, %d values, %d labels", n, s.Features, len(s.X), len(s.Labels))
		}
		for _, x := range s.X {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("feature %v", x)
			}
		}
		for _, l := range s.Labels {
			if l < 0 || l >= s.Classes {
				t.Fatalf("label %d of %d classes", l, s.Classes)
			}
		}
	})
}

// FuzzReadIDX checks that readIDX never panics, and that what it accepts
// holds exactly the bytes its dimensions claim.
func FuzzReadIDX(f *testing.F) {
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	f.Add(good)
	f.Add(idxBytes([]int{60000, 28, 28}, []byte{1}))
	f.Add(gzipBytes(f, good))
	f.Add(gzipBytes(f, idxBytes([]int{1000}, make([]byte, 1000))))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, size := range []int64{int64(len(data)), -1} {
			idx, err := readIDX(bytes.NewReader(data), size, "f")
			if err != nil {
				continue
			}
			n := 1
			for _, d := range idx.dims {
				n *= d
			}
			if len(idx.dims) == 0 || n != len(idx.data) {
				t.Fatalf("dimensions %v, %d bytes", idx.dims, len(idx.data))
			}
		}
	})
}
