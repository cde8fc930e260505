package dataset

import (
	"fmt"
	"io"
)

// MaxFeatures bounds the features of a CSV data set: the largest input a
// netlist may have (netlist.MaxNodes nodes).
const MaxFeatures = 1 << 20

// fieldLimiter passes a CSV stream on record by record and fails, before
// it passes on any byte of it, on a record of more than max fields. So a
// long row is refused before encoding/csv splits it, which costs some 100
// bytes per field (a field may be 2 bytes of the file). It splits the
// stream as encoding/csv does: a record ends at a newline outside quotes,
// fields at commas outside quotes, a line that starts with '#' is a
// comment, and a doubled quote inside quotes toggles the state twice. It
// holds at most one record and 64 KiB beyond it.
type fieldLimiter struct {
	r    io.Reader
	name string
	max  int

	buf     []byte // buf[off:] is read from r, not yet passed on
	off     int
	ready   int   // buf[off:ready] holds whole records, checked
	scanned int   // buf[:scanned] has been scanned
	err     error // the error that ends the stream, once seen

	line, fields int  // the current line (from 1) and its record's fields
	quoted       bool // inside a quoted field
	start        bool // at the start of a line
	comment      bool // in a comment line
}

func newFieldLimiter(r io.Reader, name string, max int) *fieldLimiter {
	return &fieldLimiter{r: r, name: name, max: max, line: 1, fields: 1, start: true}
}

func (l *fieldLimiter) Read(p []byte) (int, error) {
	for l.ready == l.off {
		if l.err != nil {
			if _, ok := l.err.(*fieldsError); ok || l.off == len(l.buf) {
				return 0, l.err
			}
			l.ready = len(l.buf) // the last record, without a newline
			break
		}
		if l.off > 0 {
			// Compact once per read from r, not per read of the caller.
			n := copy(l.buf, l.buf[l.off:])
			l.buf = l.buf[:n]
			l.ready -= l.off
			l.scanned -= l.off
			l.off = 0
		}
		if len(l.buf) == cap(l.buf) {
			l.buf = append(l.buf, make([]byte, 1<<16)...)[:len(l.buf)]
		}
		n, err := l.r.Read(l.buf[len(l.buf):cap(l.buf)])
		l.buf = l.buf[:len(l.buf)+n]
		if err != nil {
			l.err = err
		}
		if ferr := l.scan(); ferr != nil {
			l.err = ferr
			return 0, ferr
		}
	}
	n := copy(p, l.buf[l.off:l.ready])
	l.off += n
	return n, nil
}

// scan scans the bytes read since the last scan, moving ready to the end
// of the last whole record.
func (l *fieldLimiter) scan() error {
	for ; l.scanned < len(l.buf); l.scanned++ {
		c := l.buf[l.scanned]
		if l.start && !l.quoted && c == '#' {
			l.comment = true
		}
		l.start = false
		switch {
		case c == '\n':
			l.line++
			l.start, l.comment = true, false
			if !l.quoted {
				l.fields = 1
				l.ready = l.scanned + 1
			}
		case l.comment:
		case c == '"':
			l.quoted = !l.quoted
		case c == ',' && !l.quoted:
			if l.fields++; l.fields > l.max {
				return &fieldsError{l.name, l.line, l.max}
			}
		}
	}
	return nil
}

// fieldsError is a CSV record of too many fields.
type fieldsError struct {
	name      string
	line, max int
}

func (e *fieldsError) Error() string {
	return fmt.Sprintf("%s:%d: more than %d fields in a row (at most %d features and a label)", e.name, e.line, e.max, e.max-1)
}
