package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// importCard is one logical line of a deck: a card with its continuation
// lines joined and its comments removed.
type importCard struct {
	// line is the 1-based physical line where the card starts.
	line int
	// text is the card, its continuation lines joined by a space.
	text string
	// hint is the value of an "eqsim g=VALUE" end-of-line comment on one
	// of the card's lines, or "".
	hint string
}

// deckLines is a deck split into cards, before any card is interpreted.
type deckLines struct {
	title string
	// eqsim is true when the deck was written by eqsim's exporter (its
	// second line says so).
	eqsim bool
	cards []*importCard
	// nodeNames and elemNames map the lower-case SPICE name of a node or
	// element to the eqsim name that eqsim's exporter recorded in a
	// comment (`* node "h[3]" = h_3_`, `* element "load" = rload`);
	// nameLines holds the line of each such comment, keyed "node:" or
	// "element:" plus the SPICE name.
	nodeNames, elemNames map[string]string
	nameLines            map[string]int
	// records are the record comments of eqsim's exporter ("* eqsim
	// circuit {...}", "* eqsim element {...}"; see package deckrec), in
	// deck order.
	records []deckrec.Record
	notes   []Note
}

// The comment of eqsim's exporter on a deck's second line.
const eqsimExportMark = "* Exported by eqsim."

// readDeckLines reads the physical lines of a deck: the first is the title;
// blank lines and comments are dropped (whole-line comments start with *,
// and ;, $ or // outside a word start end-of-line comments, as in ngspice);
// a line starting with + continues the card before it, also across
// comments; .control ... .endc blocks are skipped with a note; reading
// stops at .end.
func readDeckLines(r io.Reader, file string) (*deckLines, error) {
	d := &deckLines{nodeNames: map[string]string{}, elemNames: map[string]string{}, nameLines: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, min(64<<10, importLimits.lineBytes)), importLimits.lineBytes)
	fail := func(line int, format string, args ...any) error {
		return &ImportError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var (
		n        int
		cur      *importCard
		control  int             // line of the open .control, or 0
		ended    int             // line of .end, or 0
		afterEnd int             // non-blank lines after .end
		text     strings.Builder // of cur, whose text field is set by flush
	)
	flush := func() {
		if cur != nil {
			cur.text = text.String()
			d.cards = append(d.cards, cur)
			cur = nil
		}
	}
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			d.title = cleanTitle(raw)
			continue
		}
		if n == 2 && strings.HasPrefix(raw, eqsimExportMark) {
			d.eqsim = true
		}
		line := strings.TrimLeft(raw, " \t")
		if ended > 0 {
			if strings.TrimSpace(line) != "" {
				afterEnd++
			}
			continue
		}
		if control > 0 {
			if firstWordIs(line, ".endc") {
				d.notes = append(d.notes, Note{File: file, Line: control,
					Msg: fmt.Sprintf("skipped the .control block (lines %d-%d): ngspice commands", control, n)})
				control = 0
			}
			continue
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "*") {
			if r, ok := recordComment(line, n); ok {
				d.records = append(d.records, r)
				continue
			}
			if err := d.nameComment(line, n, file); err != nil {
				return nil, err
			}
			continue
		}
		body, comment := stripComment(line)
		if strings.TrimSpace(body) == "" {
			continue
		}
		if err := checkText(body); err != nil {
			return nil, fail(n, "%v", err)
		}
		if body[0] == '+' {
			if cur == nil {
				return nil, fail(n, "continuation line (starting with +) without a card before it")
			}
			if more := strings.TrimSpace(body[1:]); more != "" {
				if text.Len()+1+len(more) > importLimits.lineBytes {
					return nil, fail(cur.line, "card longer than %d bytes", importLimits.lineBytes)
				}
				text.WriteByte(' ')
				text.WriteString(more)
			}
			if h, ok := gHint(comment); ok {
				cur.hint = h
			}
			continue
		}
		flush()
		if firstWordIs(body, ".control") {
			control = n
			continue
		}
		if firstWordIs(body, ".end") {
			ended = n
			continue
		}
		if firstWordIs(body, ".endc") {
			return nil, fail(n, ".endc without .control")
		}
		cur = &importCard{line: n}
		text.Reset()
		text.WriteString(strings.TrimSpace(body))
		if h, ok := gHint(comment); ok {
			cur.hint = h
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fail(n+1, "line longer than %d bytes", importLimits.lineBytes)
		}
		return nil, &ImportError{File: file, Line: n, Msg: "reading: " + err.Error()}
	}
	if control > 0 {
		return nil, fail(control, ".control without .endc")
	}
	flush()
	if afterEnd > 0 {
		d.notes = append(d.notes, Note{File: file, Line: ended, Msg: fmt.Sprintf("ignored %d lines after .end", afterEnd)})
	}
	return d, nil
}

// checkText rejects text that would make names no file format can hold:
// invalid UTF-8, control characters other than tab, and spaces other than
// blanks and tabs (which do not separate fields).
func checkText(s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Errorf("invalid UTF-8 at byte %d", i+1)
			}
		case r == '\t':
		case unicode.IsControl(r):
			return fmt.Errorf("control character %U at byte %d", r, i+1)
		case unicode.IsSpace(r) && r != ' ':
			return fmt.Errorf("space character %U at byte %d: separate fields with blanks or tabs", r, i+1)
		}
	}
	return nil
}

// cleanTitle returns the title line without surrounding blanks, with
// invalid UTF-8 and control characters made blanks.
func cleanTitle(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// firstWordIs reports whether the first word of line is w, ignoring case.
func firstWordIs(line, w string) bool {
	if len(line) < len(w) || !strings.EqualFold(line[:len(w)], w) {
		return false
	}
	return len(line) == len(w) || line[len(w)] == ' ' || line[len(w)] == '\t'
}

// stripComment splits line into the card text and its end-of-line comment
// as ngspice does outside .control blocks: a comment starts at ; or //
// anywhere, and at $ after a space, tab or comma; a line that starts with
// one of them is all comment.
func stripComment(line string) (body, comment string) {
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ';':
			return line[:i], line[i+1:]
		case c == '/' && i+1 < len(line) && line[i+1] == '/':
			return line[:i], line[i+2:]
		case c == '$' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t' || line[i-1] == ','):
			return line[:i], line[i+1:]
		}
	}
	return line, ""
}

// gHint returns the value of an end-of-line comment "eqsim g=VALUE", with
// which a resistor card can carry its conductance exactly (see
// Import).
func gHint(comment string) (string, bool) {
	c := strings.TrimSpace(comment)
	rest, ok := strings.CutPrefix(c, "eqsim g=")
	if !ok || rest == "" || strings.ContainsAny(rest, " \t") {
		return "", false
	}
	return rest, true
}

// recordComment returns the record of a comment line that holds one.
func recordComment(line string, n int) (deckrec.Record, bool) {
	if text, ok := strings.CutPrefix(line, deckrec.CircuitPrefix); ok {
		return deckrec.Record{Line: n, Kind: "circuit", Text: text}, true
	}
	if text, ok := strings.CutPrefix(line, deckrec.ElementPrefix); ok {
		return deckrec.Record{Line: n, Kind: "element", Text: text}, true
	}
	return deckrec.Record{}, false
}

// nameComment records the node and element names of comments written by
// eqsim's exporter: `* node "h[3]" = h_3_` and `* element "load" = rload`.
// Other comments are ignored.
func (d *deckLines) nameComment(line string, n int, file string) error {
	s := strings.TrimSpace(line[1:])
	var kind string
	var names map[string]string
	switch {
	case strings.HasPrefix(s, "node \""):
		kind, names, s = "node", d.nodeNames, s[len("node "):]
	case strings.HasPrefix(s, "element \""):
		kind, names, s = "element", d.elemNames, s[len("element "):]
	default:
		return nil
	}
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return nil
	}
	rest, ok := strings.CutPrefix(s[len(q):], " = ")
	spice := strings.TrimSpace(rest)
	if !ok || spice == "" || strings.ContainsAny(spice, " \t") {
		return nil
	}
	name, _ := strconv.Unquote(q)
	if name == "" || !utf8.ValidString(name) || strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}) >= 0 {
		return &ImportError{File: file, Line: n, Card: line, Msg: fmt.Sprintf("eqsim %s name %s is empty or holds a space or control character", kind, q)}
	}
	key := strings.ToLower(spice)
	if first, dup := d.nameLines[kind+":"+key]; dup {
		return &ImportError{File: file, Line: n, Card: line,
			Msg: fmt.Sprintf("second eqsim name for %s %s (first at line %d)", kind, spice, first)}
	}
	d.nameLines[kind+":"+key] = n
	names[key] = name
	return nil
}
