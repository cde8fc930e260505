package safeio

import (
	"io"
	"io/fs"
	"os"
)

// File is a regular file opened for reading by Open. Its reads stop with
// a TooLarge *Error once they pass the limit it was opened with, even if
// the file grew after it was opened.
type File struct {
	f    *os.File
	r    *LimitedReader
	size int64
}

// Open opens the file at path for reading. The file must be a regular file
// (symbolic links are followed) of at most limit bytes; otherwise Open
// returns an *Error of kind NotExist, NotRegular, TooLarge or Other. Open
// never blocks on a named pipe or a device: it refuses them by their type
// before it opens them, and opens without blocking (O_NONBLOCK) so that a
// file swapped for a pipe in between is refused too. Open panics if limit
// is negative.
func Open(path string, limit int64) (*File, error) {
	if limit < 0 {
		panic("safeio: negative limit")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, pathError(path, err)
	}
	if err := check(path, fi, limit); err != nil {
		return nil, err
	}
	return openFile(path, limit)
}

// openFile opens path, without blocking, and checks the file it opened.
// Open has checked the file before it opened it; if the file was swapped
// for a named pipe since, opening it with O_NONBLOCK returns at once and
// the check here refuses it.
func openFile(path string, limit int64) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, pathError(path, err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = check(path, fi, limit)
	}
	if err == nil {
		err = setBlocking(f)
	}
	if err != nil {
		f.Close()
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, pathError(path, err)
	}
	return &File{f: f, r: NewLimitedReader(f, path, limit), size: fi.Size()}, nil
}

// check returns the Error of a file that is not regular or over limit.
func check(path string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return &Error{Path: path, Kind: NotRegular, Mode: fi.Mode().Type()}
	}
	if fi.Size() > limit {
		return &Error{Path: path, Kind: TooLarge, Size: fi.Size(), Limit: limit}
	}
	return nil
}

// Read reads from the file; see LimitedReader.
func (f *File) Read(p []byte) (int, error) { return f.r.Read(p) }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.r.Path }

// Size returns the size of the file in bytes when it was opened.
func (f *File) Size() int64 { return f.size }

// ReadFile reads the whole file at path, which must be a regular file of
// at most limit bytes; its errors are those of Open and of
// LimitedReader. It allocates at most the file's size, bounded by limit,
// and one byte.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// One byte more than the size seen, so that a file that has not grown
	// is read in one pass and the next read finds EOF.
	b := make([]byte, 0, min(f.size, limit)+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// LimitedReader reads from R at most Limit bytes; a read past them
// returns a TooLarge *Error (with Size -1) naming Path. Errors of R are
// returned as they are. Unlike
// io.LimitedReader, which ends with a silent EOF, it tells a stream that
// ends at the limit from one that is longer, and it never reads more than
// Limit+1 bytes from R. Wrap a gzip.Reader in it so that a decompression
// bomb stops at the limit.
type LimitedReader struct {
	R     io.Reader
	Path  string
	Limit int64
	// N is the number of bytes read so far.
	N int64
}

// NewLimitedReader returns a LimitedReader of r, named path in its errors,
// that allows limit bytes. It panics if limit is negative.
func NewLimitedReader(r io.Reader, path string, limit int64) *LimitedReader {
	if limit < 0 {
		panic("safeio: negative limit")
	}
	return &LimitedReader{R: r, Path: path, Limit: limit}
}

func (l *LimitedReader) Read(p []byte) (int, error) {
	if l.N > l.Limit {
		return 0, l.tooLarge()
	}
	// Up to one byte past the limit, to see whether there is one.
	if rest := l.Limit + 1 - l.N; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.R.Read(p)
	l.N += int64(n)
	if l.N > l.Limit {
		return n - int(l.N-l.Limit), l.tooLarge()
	}
	return n, err
}

func (l *LimitedReader) tooLarge() error {
	return &Error{Path: l.Path, Kind: TooLarge, Size: -1, Limit: l.Limit}
}
