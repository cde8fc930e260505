// Package npy reads and writes NumPy .npy files of float64 numbers: the
// one .npy codec of eqsim, used for the netlists' sidecar matrices and
// vectors and for the conductances of training checkpoints.
//
// The reader is eqsim's own rather than a library's so that a malformed or
// hostile file gives an error, never a panic or a huge allocation: the
// shape in the header is checked against a limit the caller gives and
// against the bytes actually present before anything is allocated. The
// writer is our own too, so that the header is padded to 64 bytes as
// numpy itself writes it. Tests check both against npyio and, when it is
// installed, numpy.
package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/internal/atomicfile"
	"github.com/eqsim/eqsim/internal/safeio"
)

// The kinds of Error: errors.Is(err, ErrTooLarge) and the like tell them
// apart.
var (
	// ErrFormat is a file that is not a well-formed .npy file.
	ErrFormat = errors.New("npy: malformed file")
	// ErrUnsupported is a well-formed file of a version, dtype or layout
	// this package does not read.
	ErrUnsupported = errors.New("npy: unsupported file")
	// ErrTooLarge is an array of more elements than the caller allows.
	ErrTooLarge = errors.New("npy: array too large")
)

// Error is what is wrong with an .npy file. Kind is ErrFormat,
// ErrUnsupported or ErrTooLarge; Msg says what is wrong (it is the whole
// message: it does not repeat Kind). Err, if not nil, is the error of the
// read that found it: a *safeio.Error for a file over its limit.
type Error struct {
	Kind error
	Msg  string
	Err  error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns e.Kind and e.Err.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

func formatError(format string, a ...any) *Error {
	return &Error{Kind: ErrFormat, Msg: fmt.Sprintf(format, a...)}
}

func unsupported(format string, a ...any) *Error {
	return &Error{Kind: ErrUnsupported, Msg: fmt.Sprintf(format, a...)}
}

// ReadFile reads the .npy file at path with Decode. The file must be a
// regular file (after symbolic links) no larger than maxElems float64
// values and a 64 KiB header allow, nor than safeio.MaxNpy. A larger file
// gives an *Error of kind ErrTooLarge that wraps the *safeio.Error of the
// read; a file that is missing or not regular gives a *safeio.Error
// naming it; the errors of Decode do not name the file.
func ReadFile(path string, maxElems int) (*Array, error) {
	limit := int64(safeio.MaxNpy)
	if maxElems >= 0 && int64(maxElems) < (limit-1<<16)/8 {
		limit = int64(maxElems)*8 + 1<<16
	}
	b, err := safeio.ReadFile(path, limit)
	var se *safeio.Error
	if errors.As(err, &se) && se.Kind == safeio.TooLarge {
		return nil, &Error{Kind: ErrTooLarge, Msg: se.Error(), Err: se}
	}
	if err != nil {
		return nil, err
	}
	return Decode(b, maxElems)
}

// WriteFile writes data of the given shape to path with Encode,
// atomically: a reader never sees a partial file.
func WriteFile(path string, shape []int, data []float64) error {
	b := Encode(shape, data)
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

var magic = []byte("\x93NUMPY")

// Array is a decoded array.
type Array struct {
	// Shape is the size of each dimension; empty for a scalar.
	Shape []int
	// Data holds the values in C (row-major) order, whatever the order of
	// the file.
	Data []float64
}

// Decode decodes an .npy file holding float64 or float32 numbers, little-
// or big-endian, in C or Fortran order (Fortran order for at most two
// dimensions). An array of more than maxElems elements is refused before
// anything is allocated. Every error is an *Error.
func Decode(b []byte, maxElems int) (*Array, error) {
	if len(b) < 10 || !bytes.Equal(b[:6], magic) {
		return nil, formatError("not an .npy file (bad magic)")
	}
	major := b[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, formatError("truncated .npy header")
		}
		hlen, start = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, unsupported("unsupported .npy version %d", major)
	}
	if hlen > len(b)-start {
		return nil, formatError("truncated .npy header")
	}
	hdr, err := parseHeader(string(b[start : start+hlen]))
	if err != nil {
		return nil, err
	}
	var size int
	var order binary.ByteOrder
	switch hdr.descr {
	case "<f8":
		size, order = 8, binary.LittleEndian
	case ">f8":
		size, order = 8, binary.BigEndian
	case "<f4":
		size, order = 4, binary.LittleEndian
	case ">f4":
		size, order = 4, binary.BigEndian
	default:
		return nil, unsupported("unsupported dtype %q (want float64, '<f8')", hdr.descr)
	}
	n := 1
	for _, d := range hdr.shape {
		if d != 0 && n > maxElems/d {
			return nil, &Error{Kind: ErrTooLarge, Msg: fmt.Sprintf("array of shape %v is too large (at most %d elements)", hdr.shape, maxElems)}
		}
		n *= d
	}
	if n > maxElems {
		return nil, &Error{Kind: ErrTooLarge, Msg: fmt.Sprintf("array of shape %v is too large (at most %d elements)", hdr.shape, maxElems)}
	}
	body := b[start+hlen:]
	if len(body) != n*size {
		return nil, formatError("array of shape %v needs %d data bytes, file has %d", hdr.shape, n*size, len(body))
	}
	data := make([]float64, n)
	for i := range data {
		if size == 8 {
			data[i] = math.Float64frombits(order.Uint64(body[8*i:]))
		} else {
			data[i] = float64(math.Float32frombits(order.Uint32(body[4*i:])))
		}
	}
	if hdr.fortran && len(hdr.shape) == 2 {
		r, c := hdr.shape[0], hdr.shape[1]
		t := make([]float64, n)
		for i := range r {
			for j := range c {
				t[i*c+j] = data[j*r+i]
			}
		}
		data = t
	} else if hdr.fortran && len(hdr.shape) > 2 {
		return nil, unsupported("Fortran-ordered arrays of %d dimensions are not supported", len(hdr.shape))
	}
	return &Array{Shape: hdr.shape, Data: data}, nil
}

type header struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the Python dict literal of an .npy header:
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(h string) (*header, error) {
	bad := func(why string) error { return formatError("bad .npy header %.80q: %s", h, why) }
	p := &pyLit{s: strings.TrimRight(h, " \n\x00")}
	if !p.eat('{') {
		return nil, bad("not a dict")
	}
	hdr := &header{}
	seen := map[string]bool{}
	for !p.eat('}') {
		key, ok := p.str()
		if !ok || !p.eat(':') {
			return nil, bad("want 'key': value")
		}
		switch key {
		case "descr":
			if hdr.descr, ok = p.str(); !ok {
				return nil, bad("descr is not a string")
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				hdr.fortran = true
			case p.word("False"):
			default:
				return nil, bad("fortran_order is not True or False")
			}
		case "shape":
			if hdr.shape, ok = p.tuple(); !ok {
				return nil, bad("shape is not a tuple of sizes")
			}
		default:
			return nil, bad(fmt.Sprintf("unknown key %q", key))
		}
		seen[key] = true
		if !p.eat(',') && !p.peekIs('}') {
			return nil, bad("want , or }")
		}
	}
	p.space()
	if p.i != len(p.s) || !seen["descr"] || !seen["fortran_order"] || !seen["shape"] {
		return nil, bad("missing keys or trailing text")
	}
	return hdr, nil
}

// pyLit is a tiny reader of Python literals.
type pyLit struct {
	s string
	i int
}

func (p *pyLit) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *pyLit) peekIs(c byte) bool { p.space(); return p.i < len(p.s) && p.s[p.i] == c }

func (p *pyLit) eat(c byte) bool {
	if p.peekIs(c) {
		p.i++
		return true
	}
	return false
}

func (p *pyLit) word(w string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *pyLit) str() (string, bool) {
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", false
	}
	t := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return t, true
}

func (p *pyLit) tuple() ([]int, bool) {
	if !p.eat('(') {
		return nil, false
	}
	shape := []int{}
	for !p.eat(')') {
		p.space()
		j := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if j == p.i || p.i-j > 12 {
			return nil, false
		}
		d, err := strconv.Atoi(p.s[j:p.i])
		if err != nil {
			return nil, false
		}
		shape = append(shape, d)
		if !p.eat(',') && !p.peekIs(')') {
			return nil, false
		}
	}
	return shape, true
}

// Encode encodes float64 data of the given shape, C order, little
// endian, as numpy.save writes it (format 1.0, header padded so that the
// data start at a multiple of 64 bytes). Encode panics if len(data) is not
// the product of shape.
func Encode(shape []int, data []float64) []byte {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("npy: %d values for shape %v", len(data), shape))
	}
	var sh strings.Builder
	sh.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", sh.String())
	const align = 64
	pre := len(magic) + 4
	total := (pre + len(dict) + 1 + align - 1) / align * align
	hdr := dict + strings.Repeat(" ", total-pre-len(dict)-1) + "\n"
	b := make([]byte, 0, total+8*len(data))
	b = append(b, magic...)
	b = append(b, 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	b = append(b, hdr...)
	for _, v := range data {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}
