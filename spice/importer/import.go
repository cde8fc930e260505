package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"

	"github.com/eqsim/eqsim/circuit"
)

// Size limits that keep a hostile or mistyped deck from exhausting memory:
// subcircuits nest their instances, so a short deck can describe an
// exponentially large circuit.
const (
	// MaxImportElements is the largest number of elements a deck may
	// flatten to.
	MaxImportElements = 1 << 22
	// MaxImportLine is the longest card, continuation lines included, in
	// bytes.
	MaxImportLine = 1 << 20
	// MaxImportDepth is the deepest nesting of subcircuit instances.
	MaxImportDepth = 100
)

// importLimits are the limits in force; the fuzz test lowers them.
var importLimits = struct{ elements, lineBytes, depth int }{MaxImportElements, MaxImportLine, MaxImportDepth}

// Deck is a SPICE deck read by Import.
type Deck struct {
	// Circuit is the flattened circuit. It compiles (mna.Compile).
	Circuit *circuit.Circuit
	// Nodes are the names of its nodes in order of first appearance,
	// ground excluded.
	Nodes []string
	// Models are the diode models its diodes use, in order of first use.
	Models []circuit.DiodeModel
	// Notes say what Import skipped or ignored: analysis and output
	// cards, .control blocks, solver options, parameters that do not
	// matter at DC. They are for the user, on stderr.
	Notes []Note
}

// Note is a remark about one card of a deck.
type Note struct {
	File string
	// Line is the 1-based line of the card, or 0.
	Line int
	Msg  string
}

func (n Note) String() string {
	switch {
	case n.File != "" && n.Line > 0:
		return fmt.Sprintf("%s:%d: %s", n.File, n.Line, n.Msg)
	case n.Line > 0:
		return fmt.Sprintf("line %d: %s", n.Line, n.Msg)
	case n.File != "":
		return n.File + ": " + n.Msg
	}
	return n.Msg
}

// ImportError is a deck that Import cannot read: it says where, by file,
// line and card, and what is wrong.
type ImportError struct {
	// File is the deck's name as given to Import; it may be empty.
	File string
	// Line is the 1-based physical line where the card starts, or 0 when
	// no single card is to blame.
	Line int
	// Card is the card as written (continuation lines joined, comments
	// removed, shortened if long), or empty.
	Card string
	// Instance is, for a card inside a subcircuit, the path of the
	// instance being flattened ("X1.X2") and the line of its outermost
	// X card; empty at the top level.
	Instance string
	// Msg says what is wrong.
	Msg string
}

// Error formats e as `deck.cir:12: card "Q1 c b e qmod": message`, with
// " in instance X1 (line 30)" after the card for a card inside a
// subcircuit.
func (e *ImportError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Card != "" {
		fmt.Fprintf(&b, "card %q", e.Card)
		if e.Instance != "" {
			fmt.Fprintf(&b, " in instance %s", e.Instance)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxCardShown is the longest card an error repeats.
const maxCardShown = 80

func shortCard(s string) string {
	if len(s) <= maxCardShown {
		return s
	}
	return s[:maxCardShown-3] + "..."
}

// Import reads a SPICE deck in ngspice's dialect from r and returns the
// circuit it describes, flattened. name is the deck's file name, used in
// errors and notes only. See the package documentation for the cards it
// reads and how it names what it flattens.
//
// Import returns an *ImportError, and no Deck, for a card eqsim cannot
// represent, a malformed card, an unknown name or parameter, or a circuit
// that does not compile (loops of voltage sources, nodes without a DC path
// to ground), located at the card at fault.
func Import(r io.Reader, name string) (*Deck, error) {
	lines, err := readDeckLines(r, name)
	if err != nil {
		return nil, err
	}
	im := newImporter(name, lines)
	if err := im.run(); err != nil {
		return nil, err
	}
	im.reassemble()
	if err := im.unclaimed(); err != nil {
		return nil, err
	}
	return im.deck(), nil
}

// cardError locates msg at card, inside the instance where, if any.
func (im *importer) cardError(card *importCard, where, msg string) *ImportError {
	e := &ImportError{File: im.file, Msg: msg}
	if card != nil {
		e.Line = card.line
		e.Card = shortCard(card.text)
	}
	e.Instance = where
	return e
}

// frameError locates err at card in frame f, keeping an error that is
// located already (a parameter's own definition).
func (im *importer) frameError(f *importFrame, card *importCard, err error) error {
	var e *ImportError
	if errors.As(err, &e) {
		return e
	}
	return im.cardError(card, f.where(), err.Error())
}

func (im *importer) note(card *importCard, format string, args ...any) {
	n := Note{File: im.file, Msg: fmt.Sprintf(format, args...)}
	if card != nil {
		n.Line = card.line
	}
	// A card in a subcircuit is read once per instance; say it once.
	k := noteKey{n.Line, n.Msg}
	if im.noted[k] {
		return
	}
	im.noted[k] = true
	im.notes = append(im.notes, n)
}

// run interprets the cards: structure, settings, then the flattening of
// the top level, then the checks that need the whole circuit.
func (im *importer) run() error {
	if err := im.structure(); err != nil {
		return err
	}
	root := &importFrame{def: im.root, scope: im.global, ports: map[string]string{}}
	if err := im.defineParams(root); err != nil {
		return err
	}
	if err := im.settings(); err != nil {
		return err
	}
	if err := im.expand(root); err != nil {
		return err
	}
	if err := im.resolveControls(); err != nil {
		return err
	}
	return im.check()
}

// check compiles the circuit and locates a topology error at the card of
// the element or node at fault.
func (im *importer) check() error {
	if len(im.c.Elements) == 0 {
		return &ImportError{File: im.file, Msg: "the deck has no elements eqsim can simulate"}
	}
	_, err := mna.Compile(im.c)
	if err == nil {
		return nil
	}
	ce, ok := err.(*circuit.Error)
	if !ok {
		return &ImportError{File: im.file, Msg: err.Error()}
	}
	if ce.Element != "" {
		if el, ok := im.elemByName[ce.Element]; ok {
			e := im.cardError(el.card, el.where, err.Error())
			return e
		}
	}
	for _, n := range ce.Nodes {
		if nd, ok := im.nodeByName[n]; ok {
			return im.cardError(nd.card, nd.where, err.Error())
		}
	}
	return &ImportError{File: im.file, Msg: err.Error()}
}

func (im *importer) deck() *Deck {
	d := &Deck{Circuit: im.c, Notes: im.notes}
	// A port that no element of its subcircuit uses names no node, and
	// the private nodes of the cards of a rebuilt element are gone.
	used := map[string]bool{}
	seen := map[string]bool{}
	for _, e := range im.c.Elements {
		for _, t := range e.Terminals() {
			used[t] = true
		}
		if in, ok := e.(circuit.InternalNodes); ok {
			for _, t := range in.InternalNodes() {
				used[t] = true
			}
		}
		for p := range e.Parts() {
			if p.Type == 'D' && p.Model.Name != "" && !seen[p.Model.Name] {
				seen[p.Model.Name] = true
				d.Models = append(d.Models, p.Model)
			}
		}
	}
	for _, k := range im.nodeOrder {
		if n := im.nodes[k].name; used[n] {
			d.Nodes = append(d.Nodes, n)
		}
	}
	return d
}
