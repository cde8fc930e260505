package tomlloc

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The TOML decoder gives values but not their lines. The locator recovers
// the lines with a light scan of the source that knows just enough TOML to
// find table headers and keys: strings, comments, brackets. It runs only on
// text the decoder accepted, and an odd construct costs a line number,
// never a wrong value.

// A path names a table or key: its segments joined by pathSep, with the
// k-th table of an array of tables written as indexMark followed by k.
const (
	pathSep   = "\x00"
	indexMark = "\x01"
)

// locator maps paths to the 1-based line where they first appear.
type locator struct {
	lines map[string]int
}

func joinPath(p ...string) string { return strings.Join(p, pathSep) }

func indexSeg(k int) string { return indexMark + strconv.Itoa(k) }

// line returns the line of path p, or of its longest prefix that has one,
// or 0.
func (l *locator) line(p ...string) int {
	for n := len(p); n > 0; n-- {
		if ln, ok := l.lines[joinPath(p[:n]...)]; ok {
			return ln
		}
	}
	return 0
}

// exact returns the line of path p, or 0.
func (l *locator) exact(p ...string) int { return l.lines[joinPath(p...)] }

// locate scans src.
func locate(src []byte) *locator {
	s := &scanner{src: src, l: &locator{lines: map[string]int{}}, arrays: map[string]int{}}
	s.run()
	return s.l
}

type scanner struct {
	src    []byte
	pos    int
	l      *locator
	cur    []string       // absolute path of the current table
	arrays map[string]int // array-of-tables path -> tables so far
	nl     []int          // offsets of '\n', filled lazily
}

func (s *scanner) lineAt(off int) int {
	if s.nl == nil {
		s.nl = []int{}
		for i, c := range s.src {
			if c == '\n' {
				s.nl = append(s.nl, i)
			}
		}
	}
	return sort.SearchInts(s.nl, off) + 1
}

func (s *scanner) record(p []string, off int) {
	k := joinPath(p...)
	if _, ok := s.l.lines[k]; !ok {
		s.l.lines[k] = s.lineAt(off)
	}
}

func (s *scanner) peek(i int) byte {
	if s.pos+i < len(s.src) {
		return s.src[s.pos+i]
	}
	return 0
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
}

func (s *scanner) skipLine() {
	for s.pos < len(s.src) && s.src[s.pos] != '\n' {
		s.pos++
	}
}

func (s *scanner) run() {
	for s.pos < len(s.src) {
		start := s.pos
		switch c := s.src[s.pos]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			s.pos++
		case c == '#':
			s.skipLine()
		case c == '[':
			s.header()
		default:
			s.keyValue(s.cur)
			s.skipLine() // the rest is a comment or nothing
		}
		if s.pos == start {
			s.pos++ // never loop on text the scan does not understand
		}
	}
}

// header reads [a.b] or [[a.b]] and makes it the current table.
func (s *scanner) header() {
	off := s.pos
	array := s.peek(1) == '['
	if array {
		s.pos += 2
	} else {
		s.pos++
	}
	key := s.key()
	s.skipLine()
	// Resolve the key against the arrays of tables seen so far: [[a.b]]
	// after [[a]] belongs to a's last table.
	var abs []string
	for i, seg := range key {
		abs = append(abs, seg)
		s.record(abs, off)
		pk := joinPath(abs...)
		n, isArray := s.arrays[pk]
		if i == len(key)-1 && array {
			s.arrays[pk] = n + 1
			abs = append(abs, indexSeg(n))
		} else if isArray && n > 0 {
			abs = append(abs, indexSeg(n-1))
		}
	}
	s.record(abs, off)
	s.cur = abs
}

// keyValue reads key = value, recording the key (and its dotted prefixes)
// under table.
func (s *scanner) keyValue(table []string) {
	off := s.pos
	key := s.key()
	if len(key) == 0 {
		return
	}
	p := append(append([]string(nil), table...), key...)
	for i := len(table) + 1; i <= len(p); i++ {
		s.record(p[:i], off)
	}
	s.skipSpace()
	if s.peek(0) != '=' {
		return
	}
	s.pos++
	s.skipSpace()
	s.value(p)
}

// key reads a possibly dotted, possibly quoted key.
func (s *scanner) key() []string {
	var key []string
	for {
		s.skipSpace()
		c := s.peek(0)
		switch {
		case c == '"':
			key = append(key, s.basicString())
		case c == '\'':
			key = append(key, s.literalString())
		case isBare(c):
			i := s.pos
			for s.pos < len(s.src) && isBare(s.src[s.pos]) {
				s.pos++
			}
			key = append(key, string(s.src[i:s.pos]))
		default:
			return key
		}
		s.skipSpace()
		if s.peek(0) != '.' {
			return key
		}
		s.pos++
	}
}

// IsBare reports whether c may appear in a bare TOML key.
func IsBare(c byte) bool { return isBare(c) }

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// value skips a value. Arrays of inline tables at p get their tables
// recorded as p's indexed elements, so that resistor = [{...}, {...}] has
// lines too.
func (s *scanner) value(p []string) {
	switch s.peek(0) {
	case '"', '\'':
		s.skipString()
	case '[':
		s.pos++
		k := 0
		for s.pos < len(s.src) {
			s.skipBlank()
			switch s.peek(0) {
			case ']':
				s.pos++
				return
			case ',':
				s.pos++
				k++
				continue
			case 0:
				return
			}
			start := s.pos
			s.value(append(p[:len(p):len(p)], indexSeg(k)))
			if s.pos == start {
				s.pos++
			}
		}
	case '{':
		s.record(p, s.pos)
		s.pos++
		for s.pos < len(s.src) {
			s.skipBlank()
			switch s.peek(0) {
			case '}':
				s.pos++
				return
			case ',':
				s.pos++
				continue
			case 0:
				return
			}
			start := s.pos
			s.keyValue(p)
			if s.pos == start {
				s.pos++
			}
		}
	default:
		// A scalar: number, boolean, date. It ends at a space, a comma, a
		// bracket, a comment or the end of the line.
		for s.pos < len(s.src) {
			switch s.src[s.pos] {
			case ',', ']', '}', '#', '\n', '\r':
				return
			case ' ', '\t':
				// Dates may hold one space ("1979-05-27 07:32:00"); a
				// following digit continues the scalar.
				if c := s.peek(1); c >= '0' && c <= '9' {
					s.pos++
					continue
				}
				return
			}
			s.pos++
		}
	}
}

// skipBlank skips spaces, newlines and comments inside arrays and inline
// tables.
func (s *scanner) skipBlank() {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		case '#':
			s.skipLine()
		default:
			return
		}
	}
}

func (s *scanner) skipString() {
	switch {
	case s.peek(0) == '"' && s.peek(1) == '"' && s.peek(2) == '"':
		s.multiline('"', true)
	case s.peek(0) == '\'' && s.peek(1) == '\'' && s.peek(2) == '\'':
		s.multiline('\'', false)
	case s.peek(0) == '"':
		s.basicString()
	default:
		s.literalString()
	}
}

func (s *scanner) multiline(q byte, escapes bool) {
	s.pos += 3
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		if escapes && c == '\\' {
			s.pos += 2
			continue
		}
		if c == q && s.peek(1) == q && s.peek(2) == q {
			s.pos += 3
			// Up to two more quotes belong to the string.
			for i := 0; i < 2 && s.peek(0) == q; i++ {
				s.pos++
			}
			return
		}
		s.pos++
	}
}

// basicString reads "..." and returns its decoded text.
func (s *scanner) basicString() string {
	s.pos++
	var b strings.Builder
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch c {
		case '"':
			s.pos++
			return b.String()
		case '\n':
			return b.String()
		case '\\':
			s.pos++
			s.escape(&b)
			continue
		}
		b.WriteByte(c)
		s.pos++
	}
	return b.String()
}

func (s *scanner) escape(b *strings.Builder) {
	c := s.peek(0)
	s.pos++
	hex := 0
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 't':
		b.WriteByte('\t')
	case 'n':
		b.WriteByte('\n')
	case 'f':
		b.WriteByte('\f')
	case 'r':
		b.WriteByte('\r')
	case 'e':
		b.WriteByte(0x1b)
	case 'x':
		hex = 2
	case 'u':
		hex = 4
	case 'U':
		hex = 8
	default:
		b.WriteByte(c)
	}
	if hex > 0 && s.pos+hex <= len(s.src) {
		if r, err := strconv.ParseUint(string(s.src[s.pos:s.pos+hex]), 16, 32); err == nil && r <= utf8.MaxRune {
			b.WriteRune(rune(r))
		}
		s.pos += hex
	}
}

// literalString reads '...' and returns its text.
func (s *scanner) literalString() string {
	s.pos++
	i := s.pos
	for s.pos < len(s.src) && s.src[s.pos] != '\'' && s.src[s.pos] != '\n' {
		s.pos++
	}
	t := string(s.src[i:s.pos])
	if s.peek(0) == '\'' {
		s.pos++
	}
	return t
}

// Locator finds the lines of the tables and keys of a TOML document, which
// the TOML decoder does not give. Other TOML files of eqsim (sweep specs)
// use it to locate their errors as netlists do.
type Locator struct{ l *locator }

// Locate scans the TOML text src, which the decoder has accepted.
func Locate(src []byte) *Locator { return &Locator{locate(src)} }

// Line returns the 1-based line where the table or key at path first
// appears, else that of the longest prefix of path that has one, else 0.
// Path holds keys, with the k-th table of an array of tables written as
// ArrayIndex(k): Line("axis", ArrayIndex(1), "values").
func (l *Locator) Line(path ...string) int { return l.l.line(path...) }

// Exact is Line without the prefixes: 0 when path itself has no line.
func (l *Locator) Exact(path ...string) int { return l.l.exact(path...) }

// ArrayIndex returns the path segment of the k-th table (from 0) of an
// array of tables.
func ArrayIndex(k int) string { return indexSeg(k) }
