package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

// npyFile builds an .npy file with the given header dict and body.
func npyFile(major byte, dict string, body []byte) []byte {
	b := append([]byte{}, magic...)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	b = append(b, dict...)
	return append(b, body...)
}

func f64s(order binary.AppendByteOrder, v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = order.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func TestEncodeReadByNpyio(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1, -2, 3.5, 1e-300, math.Copysign(0, -1), 6})
	b := Encode([]int{2, 3}, m.RawMatrix().Data)
	if hl := binary.LittleEndian.Uint16(b[8:10]); (10+int(hl))%64 != 0 || b[10+int(hl)-1] != '\n' {
		t.Errorf("header of %d bytes is not padded to 64 and ended by a newline", 10+int(hl))
	}
	var got mat.Dense
	if err := npyio.Read(bytes.NewReader(b), &got); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(&got, m) {
		t.Errorf("npyio read %v, want %v", mat.Formatted(&got), mat.Formatted(m))
	}
	v := []float64{0.5, 0.25, -1}
	var gv []float64
	if err := npyio.Read(bytes.NewReader(Encode([]int{3}, v)), &gv); err != nil {
		t.Fatal(err)
	}
	if len(gv) != 3 || gv[0] != 0.5 || gv[2] != -1 {
		t.Errorf("npyio read %v, want %v", gv, v)
	}
	r, err := npyio.NewReader(bytes.NewReader(Encode([]int{3}, v)))
	if err != nil || len(r.Header.Descr.Shape) != 1 || r.Header.Descr.Shape[0] != 3 || strings.Trim(r.Header.Descr.Type, "'") != "<f8" {
		t.Errorf("npyio header %+v, %v", r, err)
	}
}

func TestDecode(t *testing.T) {
	// Written by npyio, an independent writer.
	var buf bytes.Buffer
	m := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	if err := npyio.Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	a, err := Decode(buf.Bytes(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 3 || a.Shape[1] != 2 || !mat.Equal(mat.NewDense(3, 2, a.Data), m) {
		t.Errorf("decoded %v %v", a.Shape, a.Data)
	}

	for _, tc := range []struct {
		name  string
		file  []byte
		shape string
		data  []float64
	}{
		{"fortran", npyFile(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }\n", f64s(binary.LittleEndian, 1, 4, 2, 5, 3, 6)),
			"[2 3]", []float64{1, 2, 3, 4, 5, 6}},
		{"big endian", npyFile(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }\n", f64s(binary.BigEndian, 1.5, -2)),
			"[2]", []float64{1.5, -2}},
		{"float32", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n",
			binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, math.Float32bits(0.1)), math.Float32bits(3))),
			"[2]", []float64{float64(float32(0.1)), 3}},
		{"version 2", npyFile(2, "{'shape': (1, 1), 'fortran_order': False, 'descr': '<f8'}\n", f64s(binary.LittleEndian, 7)),
			"[1 1]", []float64{7}},
		{"scalar", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", f64s(binary.LittleEndian, 7)),
			"[]", []float64{7}},
	} {
		a, err := Decode(tc.file, 100)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := fmt.Sprint(a.Shape); got != tc.shape {
			t.Errorf("%s: shape %v, want %s", tc.name, a.Shape, tc.shape)
		}
		for i := range tc.data {
			if i >= len(a.Data) || a.Data[i] != tc.data[i] {
				t.Errorf("%s: data %v, want %v", tc.name, a.Data, tc.data)
				break
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good := "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n"
	body := f64s(binary.LittleEndian, 1, 2)
	for _, tc := range []struct {
		name string
		file []byte
		want string
		kind error
	}{
		{"empty", nil, "bad magic", ErrFormat},
		{"magic", []byte("\x93NUMPX\x01\x00\x00\x00"), "bad magic", ErrFormat},
		{"version", npyFile(1, good, body)[:6:6], "bad magic", ErrFormat},
		{"major 9", append(append([]byte{}, magic...), 9, 0, 0, 0), "version 9", ErrUnsupported},
		{"truncated v2", append(append([]byte{}, magic...), 2, 0, 0, 0), "truncated", ErrFormat},
		{"header length", append(append([]byte{}, magic...), 1, 0, 0xff, 0xff), "truncated", ErrFormat},
		{"no dict", npyFile(1, "hello\n", body), "not a dict", ErrFormat},
		{"no newline", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", body), "", nil},
		{"dtype", npyFile(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", body), "unsupported dtype", ErrUnsupported},
		{"object", npyFile(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }\n", body), "unsupported dtype", ErrUnsupported},
		{"order", npyFile(1, "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }\n", body), "fortran_order", ErrFormat},
		{"shape", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }\n", body), "shape", ErrFormat},
		{"shape text", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': 2, }\n", body), "shape", ErrFormat},
		{"unknown key", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", body), "unknown key", ErrFormat},
		{"missing key", npyFile(1, "{'descr': '<f8', 'shape': (2,), }\n", body), "missing keys", ErrFormat},
		{"short body", npyFile(1, good, body[:15]), "needs 16 data bytes, file has 15", ErrFormat},
		{"long body", npyFile(1, good, append(body, 0)), "needs 16 data bytes, file has 17", ErrFormat},
		{"huge", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }\n", body), "too large", ErrTooLarge},
		{"over limit", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (101,), }\n", body), "too large", ErrTooLarge},
		{"zero", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5), }\n", body), "needs 0 data bytes", ErrFormat},
		{"fortran 3d", npyFile(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 1, 2), }\n", body), "Fortran", ErrUnsupported},
		{"unterminated string", npyFile(1, "{'descr: '<f8'}\n", body), "bad .npy header", ErrFormat},
	} {
		_, err := Decode(tc.file, 100)
		if tc.want == "" {
			// A header without the trailing newline is still readable.
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tc.kind) {
			t.Errorf("%s: error %#v is not an *Error of kind %v", tc.name, err, tc.kind)
		}
	}
}

// pythonWithNumpy returns a python3 that can import numpy, or "".
func pythonWithNumpy() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil {
			if exec.Command(p, "-c", "import numpy").Run() == nil {
				return p
			}
		}
	}
	return ""
}

// TestNpyNumpy checks that numpy reads what we write, and we what numpy
// writes, when numpy is installed.
func TestNpyNumpy(t *testing.T) {
	py := pythonWithNumpy()
	if py == "" {
		t.Skip("python3 with numpy is not installed")
	}
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.npy")
	os.WriteFile(ours, Encode([]int{2, 3}, []float64{1, 2, 3, 4, 5, 0.1}), 0o644)
	theirs := filepath.Join(dir, "theirs.npy")
	script := `
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.float64 and a.shape == (2, 3) and a.flags.c_contiguous, (a.dtype, a.shape)
assert (a == np.array([[1, 2, 3], [4, 5, 0.1]])).all(), a
np.save(sys.argv[2], np.asfortranarray(np.arange(6.0).reshape(2, 3) / 7))
`
	if out, err := exec.Command(py, "-c", script, ours, theirs).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	b, err := os.ReadFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Decode(b, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range a.Data {
		if v != float64(i)/7 {
			t.Errorf("numpy's Fortran-ordered file: element %d is %v, want %v", i, v, float64(i)/7)
		}
	}
}

// TestFiles writes files with WriteFile and reads them back with ReadFile
// and with npyio; ReadFile refuses what is not a small regular file.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.npy")
	want := []float64{1e-6, 2e-6 / 3, math.Nextafter(1e-7, 1), 4e-6, 5e-6, 6e-6}
	if err := WriteFile(path, []int{2, 3}, want); err != nil {
		t.Fatal(err)
	}
	a, err := ReadFile(path, 6)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Shape) != "[2 3]" || !slices.Equal(a.Data, want) {
		t.Errorf("read back %v %v, want [2 3] %v", a.Shape, a.Data, want)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var m mat.Dense
	err = npyio.Read(f, &m)
	f.Close()
	if err != nil || !mat.Equal(&m, mat.NewDense(2, 3, want)) {
		t.Errorf("npyio reads %v, %v", mat.Formatted(&m), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("WriteFile left %d files behind", len(ents))
	}

	if _, err := ReadFile(path, 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("6 elements with a limit of 5: %v", err)
	}
	big := filepath.Join(dir, "big.npy")
	os.WriteFile(big, make([]byte, 8*10+1<<16+1), 0o644)
	if _, err := ReadFile(big, 10); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "big.npy") {
		t.Errorf("a file larger than its limit: %v", err)
	}
	if _, err := ReadFile(dir, 10); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none.npy"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

func TestEncodePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Encode of 3 values as shape [2 2] did not panic")
		}
	}()
	Encode([]int{2, 2}, []float64{1, 2, 3})
}
