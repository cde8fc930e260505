package safeio

import (
	"errors"
	"fmt"
	"io/fs"
)

// Kind classifies an Error.
type Kind int

// The kinds of Error. NotExist, NotRegular and TooLarge are the user's
// input at fault; Other is an error of the system (permission denied, an
// I/O error) that Err holds.
const (
	Other Kind = iota
	NotExist
	NotRegular
	TooLarge
)

func (k Kind) String() string {
	switch k {
	case NotExist:
		return "does not exist"
	case NotRegular:
		return "not a regular file"
	case TooLarge:
		return "too large"
	}
	return "error"
}

// Error is the error of a read that was refused or failed. Its message
// starts with the path and says what is wrong:
//
//	mnist.toml: not a regular file (a character device)
//	data.csv: 3.2 GiB is over the limit of 1 GiB for CSV data files
//	state.json: does not exist
type Error struct {
	// Path is the file as the caller named it.
	Path string
	Kind Kind
	// Mode is the type of a NotRegular file.
	Mode fs.FileMode
	// Size is the size of a TooLarge file in bytes, or -1 when only
	// reading it found it over the limit (a stream, or a file that grew).
	Size int64
	// Limit is the limit in bytes a TooLarge file is over.
	Limit int64
	// Err is the underlying error of NotExist and Other; nil otherwise.
	Err error
}

func (e *Error) Error() string {
	switch e.Kind {
	case NotExist:
		return e.Path + ": does not exist"
	case NotRegular:
		return fmt.Sprintf("%s: not a regular file (%s)", e.Path, describeMode(e.Mode))
	case TooLarge:
		what := ""
		if name, ok := limitNames[e.Limit]; ok {
			what = " for " + name
		}
		if e.Size < 0 {
			return fmt.Sprintf("%s: over the limit of %s%s", e.Path, formatSize(e.Limit), what)
		}
		s, l := formatSizes(e.Size, e.Limit)
		return fmt.Sprintf("%s: %s is over the limit of %s%s", e.Path, s, l, what)
	}
	err := e.Err
	if err == nil {
		return e.Path + ": " + e.Kind.String()
	}
	// The path is already in front: "x: permission denied", not
	// "x: open x: permission denied".
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprintf("%s: %v", e.Path, err)
}

// Unwrap returns the underlying error, so that errors.Is(err,
// fs.ErrNotExist) holds for a NotExist Error.
func (e *Error) Unwrap() error { return e.Err }

// describeMode names the type of a file that is not regular.
func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "an irregular file"
}

// pathError makes the Error of a failed stat or open of path.
func pathError(path string, err error) *Error {
	if errors.Is(err, fs.ErrNotExist) {
		return &Error{Path: path, Kind: NotExist, Err: err}
	}
	return &Error{Path: path, Kind: Other, Err: err}
}

// LockedError is the error of Lock on a folder that another process
// holds.
type LockedError struct {
	// Dir is the folder as the caller named it.
	Dir string
	// PID is the process id of the holder, or 0 if it could not be read
	// (a holder that has not written it yet, or a lock file of another
	// program).
	PID int
}

func (e *LockedError) Error() string {
	if e.PID <= 0 {
		return fmt.Sprintf("%s is in use by another eqsim run; wait for it or use another --out", e.Dir)
	}
	return fmt.Sprintf("%s is in use by another eqsim run (process %d); wait for it or use another --out", e.Dir, e.PID)
}
