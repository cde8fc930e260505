//go:build unix

package safeio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFile reads files of every type with a limit of 16 bytes; each
// read must end within 1 s, the special files without being read.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	regular := write("net.toml", "title = 'x'\n")
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	const limit = 16
	cases := []struct {
		name, path string
		kind       Kind
		mode       fs.FileMode // of NotRegular
		size       int64       // of TooLarge
		want       string      // the content read
	}{
		{name: "regular", path: regular, want: "title = 'x'\n"},
		{name: "at the limit", path: write("16", strings.Repeat("x", 16)), want: strings.Repeat("x", 16)},
		{name: "empty", path: write("empty", "")},
		{name: "symlink to a regular file", path: link("link.toml", regular), want: "title = 'x'\n"},
		{name: "/dev/zero", path: "/dev/zero", kind: NotRegular, mode: fs.ModeDevice | fs.ModeCharDevice},
		{name: "symlink to /dev/zero", path: link("zero.toml", "/dev/zero"), kind: NotRegular, mode: fs.ModeDevice | fs.ModeCharDevice},
		{name: "named pipe without writer", path: fifo, kind: NotRegular, mode: fs.ModeNamedPipe},
		{name: "symlink to a named pipe", path: link("fifo.csv", fifo), kind: NotRegular, mode: fs.ModeNamedPipe},
		{name: "directory", path: dir, kind: NotRegular, mode: fs.ModeDir},
		{name: "socket", path: sock, kind: NotRegular, mode: fs.ModeSocket},
		{name: "over the limit", path: write("17", strings.Repeat("x", 17)), kind: TooLarge, size: 17},
		{name: "missing", path: filepath.Join(dir, "missing"), kind: NotExist},
		{name: "in a missing folder", path: filepath.Join(dir, "no", "net.toml"), kind: NotExist},
		{name: "dangling symlink", path: link("dangling", filepath.Join(dir, "missing")), kind: NotExist},
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		// A file whose stat says 0 bytes but that reads more: the limit
		// holds on what is read, not only on what stat says.
		cases = append(cases, struct {
			name, path string
			kind       Kind
			mode       fs.FileMode
			size       int64
			want       string
		}{name: "longer than stat says", path: "/proc/self/status", kind: TooLarge, size: -1})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			type result struct {
				b   []byte
				err error
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				b, err := ReadFile(c.path, limit)
				done <- result{b, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(time.Second):
				t.Fatalf("ReadFile(%s) still blocked after 1 s", c.path)
			}
			t.Logf("%v, %v", r.err, time.Since(start))
			if c.kind == Other && c.size == 0 && c.mode == 0 {
				if r.err != nil || string(r.b) != c.want {
					t.Fatalf("read %q, %v; want %q", r.b, r.err, c.want)
				}
				if cap(r.b) > len(r.b)+1 {
					t.Errorf("%d bytes allocated for a file of %d", cap(r.b), len(r.b))
				}
				return
			}
			var e *Error
			if !errors.As(r.err, &e) {
				t.Fatalf("error %v (%T), want *Error", r.err, r.err)
			}
			if e.Kind != c.kind || e.Path != c.path || e.Mode != c.mode || e.Size != c.size {
				t.Errorf("error %+v, want kind %v, mode %v, size %d", e, c.kind, c.mode, c.size)
			}
			if !strings.HasPrefix(e.Error(), c.path+": ") {
				t.Errorf("message %q does not start with the path", e.Error())
			}
			if c.kind == NotExist && !errors.Is(r.err, fs.ErrNotExist) {
				t.Errorf("%v is not fs.ErrNotExist", r.err)
			}
		})
	}
}

// TestReadFileUnreadable checks that a file this user cannot read is an
// error of kind Other naming it.
func TestReadFileUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(p, 10)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Other || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("%v, want a permission error", err)
	}
	if want := p + ": permission denied"; err.Error() != want {
		t.Errorf("%q, want %q", err.Error(), want)
	}
}

// TestOpenGrows appends to a file after Open: the reads stop at the limit
// that the size at Open was under.
func TestOpenGrows(t *testing.T) {
	p := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(p, bytes.Repeat([]byte("1,"), 25), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Size() != 50 || f.Name() != p {
		t.Errorf("Size %d, Name %q", f.Size(), f.Name())
	}
	w, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bytes.Repeat([]byte("2,"), 100))
	w.Close()
	b, err := io.ReadAll(f)
	var e *Error
	if !errors.As(err, &e) || e.Kind != TooLarge || e.Size != -1 || e.Limit != 100 {
		t.Fatalf("read %d bytes, %v; want TooLarge", len(b), err)
	}
	if len(b) != 100 {
		t.Errorf("read %d bytes before the error, want the 100 of the limit", len(b))
	}
}

// countReader counts the bytes read from R.
type countReader struct {
	R io.Reader
	N int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// TestLimitedReaderGzipBomb decompresses 16 MiB of zeros (70 KiB
// compressed) through a 1 MiB limit: the decompression must stop there.
func TestLimitedReaderGzipBomb(t *testing.T) {
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	zw.Write(make([]byte, 16<<20))
	zw.Close()
	if z.Len() > 1<<20 {
		t.Fatalf("%d bytes compressed: not a bomb", z.Len())
	}
	zr, err := gzip.NewReader(&z)
	if err != nil {
		t.Fatal(err)
	}
	c := &countReader{R: zr}
	const limit = 1 << 20
	lr := NewLimitedReader(c, "train-images-idx3-ubyte.gz", limit)
	n, err := io.Copy(io.Discard, lr)
	var e *Error
	if !errors.As(err, &e) || e.Kind != TooLarge {
		t.Fatalf("%d bytes, %v; want TooLarge", n, err)
	}
	if n != limit || c.N != limit+1 || lr.N != limit+1 {
		t.Errorf("passed %d bytes, decompressed %d, counted %d; want %d, %d, %d", n, c.N, lr.N, limit, limit+1, limit+1)
	}
	want := "train-images-idx3-ubyte.gz: over the limit of 1 MiB"
	if err.Error() != want {
		t.Errorf("%q, want %q", err, want)
	}
	// Another read still fails.
	if _, err := lr.Read(make([]byte, 10)); !errors.As(err, &e) {
		t.Errorf("read after the error: %v", err)
	}
}

// TestLimitedReaderExact checks that a stream of exactly the limit ends
// with EOF, and one of one byte more with TooLarge.
func TestLimitedReaderExact(t *testing.T) {
	for _, c := range []struct {
		n       int
		tooLong bool
	}{{0, false}, {99, false}, {100, false}, {101, true}, {1000, true}} {
		b, err := io.ReadAll(NewLimitedReader(bytes.NewReader(make([]byte, c.n)), "x", 100))
		if c.tooLong != (err != nil) || (!c.tooLong && len(b) != c.n) {
			t.Errorf("%d bytes: read %d, %v", c.n, len(b), err)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{Path: "mnist.toml", Kind: NotRegular, Mode: fs.ModeDevice | fs.ModeCharDevice}, "mnist.toml: not a regular file (a character device)"},
		{Error{Path: "d", Kind: NotRegular, Mode: fs.ModeDir}, "d: not a regular file (a directory)"},
		{Error{Path: "p", Kind: NotRegular, Mode: fs.ModeNamedPipe}, "p: not a regular file (a named pipe)"},
		{Error{Path: "s", Kind: NotRegular, Mode: fs.ModeSocket}, "s: not a regular file (a socket)"},
		{Error{Path: "b", Kind: NotRegular, Mode: fs.ModeDevice}, "b: not a regular file (a block device)"},
		{Error{Path: "data.csv", Kind: TooLarge, Size: 3435973837, Limit: MaxCSV}, "data.csv: 3.2 GiB is over the limit of 1 GiB for CSV data files"},
		{Error{Path: "net.toml", Kind: TooLarge, Size: MaxNetlist + 1, Limit: MaxNetlist}, "net.toml: 67108865 bytes is over the limit of 67108864 bytes (64 MiB) for netlists and sweep specs"},
		{Error{Path: "g.npy", Kind: TooLarge, Size: 100e6, Limit: MaxNpy}, "g.npy: 95.4 MiB is over the limit of 76.4 MiB for .npy files"},
		{Error{Path: "x.gz", Kind: TooLarge, Size: -1, Limit: MaxIDX}, "x.gz: over the limit of 256 MiB for IDX data files (uncompressed)"},
		{Error{Path: "state.json", Kind: TooLarge, Size: 2000, Limit: 1000}, "state.json: 2 KiB is over the limit of 1000 bytes"},
		{Error{Path: "state.json", Kind: TooLarge, Size: 17 << 20, Limit: MaxState}, "state.json: 17 MiB is over the limit of 16 MiB for JSON state files"},
		{Error{Path: "a", Kind: NotExist, Err: fs.ErrNotExist}, "a: does not exist"},
		{Error{Path: "a", Kind: Other, Err: &fs.PathError{Op: "open", Path: "a", Err: fs.ErrPermission}}, "a: permission denied"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.e, got, c.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1023, "1023 bytes"}, {1024, "1 KiB"}, {1536, "1.5 KiB"},
		{1<<20 - 1, "1 MiB"}, {1 << 30, "1 GiB"}, {5 << 40, "5 TiB"},
	} {
		if got := formatSize(c.n); got != c.want {
			t.Errorf("formatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestLimitsDistinct checks that every limit constant has its own name,
// which needs distinct values.
func TestLimitsDistinct(t *testing.T) {
	if len(limitNames) != 5 {
		t.Errorf("%d names for 5 limits: two limits are equal", len(limitNames))
	}
}

// TestOpenFileFIFO opens a named pipe past the check of Open, as if the
// file had been swapped for it after the check: opening must not wait for
// a writer.
func TestOpenFileFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openFile(fifo, 100)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		var e *Error
		if !errors.As(err, &e) || e.Kind != NotRegular || e.Mode != fs.ModeNamedPipe {
			t.Errorf("%v, want a NotRegular named pipe", err)
		}
	case <-time.After(time.Second):
		t.Fatal("opening a named pipe without writer blocked for 1 s")
	}
}
