//go:build unix

package dataset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eqsim/eqsim/internal/safeio"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestLoadSpecialFiles: data files that are not regular files (a device
// behind a symbolic link, a named pipe without a writer, a folder) are
// refused at once with a *safeio.Error naming them, as is a CSV file that
// is missing; none of them hangs.
func TestLoadSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.csv")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.csv")
	os.Mkdir(folder, 0o755)
	idx := filepath.Join(dir, "idx")
	writeMNISTLike(t, idx, 5, 3, false)
	os.Remove(filepath.Join(idx, idxBases[2]))
	if err := os.Symlink("/dev/zero", filepath.Join(idx, idxBases[2])); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvData, "")
	for _, tc := range []struct {
		spec Spec
		path string
		kind safeio.Kind
	}{
		{Spec{Name: "csv", Train: zero}, zero, safeio.NotRegular},
		{Spec{Name: "csv", Train: fifo}, fifo, safeio.NotRegular},
		{Spec{Name: "csv", Train: folder}, folder, safeio.NotRegular},
		{Spec{Name: "csv", Train: filepath.Join(dir, "none.csv")}, filepath.Join(dir, "none.csv"), safeio.NotExist},
		{Spec{Name: "mnist", Dir: idx}, filepath.Join(idx, idxBases[2]), safeio.NotRegular},
	} {
		start := time.Now()
		_, _, err := Load(tc.spec)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: %v", tc.path, d)
		}
		var se *safeio.Error
		if !errors.As(err, &se) || se.Kind != tc.kind || se.Path != tc.path || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: %v, want a *safeio.Error %q naming it", tc.path, err, tc.kind)
		}
	}
}

// TestReadCSVWideRow: a row of more fields than any input takes is
// refused before encoding/csv splits it: what the read allocates stays
// near the size of the file, where splitting would allocate a 16-byte
// field for every 2 bytes.
func TestReadCSVWideRow(t *testing.T) {
	row := bytes.Repeat([]byte("0,"), 4*MaxFeatures)
	in := append(append([]byte("1,2,0\n"), row...), "0\n"...)
	var err error
	n := allocated(func() { _, err = readCSV(bytes.NewReader(in), "wide.csv") })
	if err == nil || !strings.Contains(err.Error(), "wide.csv:2: more than 1048577 fields") {
		t.Errorf("error %v", err)
	}
	if n > 2*uint64(len(in)) {
		t.Errorf("reading %d bytes allocated %d", len(in), n)
	}
	// The limit counts fields as encoding/csv does: commas in quotes
	// and in comments do not count, a quoted newline does not end a row.
	ok := "1,2,0\n# " + strings.Repeat(",", 2*MaxFeatures) + "\n\"" + strings.Repeat(",", 2*MaxFeatures) + "\n\"\"1\",2,0\n"
	if _, err := readCSV(strings.NewReader(ok), "ok.csv"); err == nil || !strings.Contains(err.Error(), "ok.csv:3: field 1") {
		t.Errorf("commas in a comment and in quotes: %v", err)
	}
}

// TestReadIDXClaims: an IDX header that claims more data than its file
// holds is refused before the data are allocated.
func TestReadIDXClaims(t *testing.T) {
	dims := []int{60000, 28, 28} // MNIST's training images, 47 MB
	plain := idxBytes(dims, make([]byte, 100))
	zipped := gzipBytes(t, plain)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", plain, "need 47040000 bytes, found 100"},
		{"gzip", zipped, "more than a gzip file of"},
	} {
		var err error
		n := allocated(func() { _, err = readIDX(bytes.NewReader(tc.in), int64(len(tc.in)), "x") })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q", tc.name, err, tc.want)
		}
		if n > 1<<20 {
			t.Errorf("%s: reading %d bytes allocated %d", tc.name, len(tc.in), n)
		}
	}
}

// TestReadIDXBomb: the data decompressed from a gzip IDX file stop at
// the limit, with a *safeio.Error naming the file.
func TestReadIDXBomb(t *testing.T) {
	defer func(l int64) { idxLimit = l }(idxLimit)
	idxLimit = 1 << 20
	dir := t.TempDir()
	path := filepath.Join(dir, "bomb.gz")
	// A header that claims 1000 bytes, then 8 MiB of zeros.
	os.WriteFile(path, gzipBytes(t, idxBytes([]int{1000}, make([]byte, 8<<20))), 0o644)
	_, err := readIDXFile(path)
	var se *safeio.Error
	if !errors.As(err, &se) || se.Kind != safeio.TooLarge || se.Path != path {
		t.Errorf("%v, want a TooLarge *safeio.Error naming %s", err, path)
	}
}
