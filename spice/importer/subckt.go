package importer

import (
	"fmt"
	"strings"
)

// subcktDef is a .subckt definition, or the top level of the deck.
// Definitions nest: a subcircuit or model defined inside a definition is
// visible in it (and in definitions nested in it) only, as in ngspice.
type subcktDef struct {
	name   string
	card   *importCard // the .subckt card; nil for the top level
	parent *subcktDef
	ports  []string    // as written
	params []deckParam // defaults, in order
	// body holds the element and instance cards in order; paramCards the
	// .param cards.
	body       []*importCard
	paramCards []*importCard
	subckts    map[string]*subcktDef // by lower-case name
	models     map[string]*modelDef  // by lower-case name
}

func newSubcktDef(name string, card *importCard, parent *subcktDef) *subcktDef {
	return &subcktDef{name: name, card: card, parent: parent,
		subckts: map[string]*subcktDef{}, models: map[string]*modelDef{}}
}

// lookupSubckt finds the definition name (lower case) visible in d.
func (d *subcktDef) lookupSubckt(key string) *subcktDef {
	for ; d != nil; d = d.parent {
		if s, ok := d.subckts[key]; ok {
			return s
		}
	}
	return nil
}

// importFrame is one instance of a definition being flattened; the top
// level is the frame with an empty path.
type importFrame struct {
	def    *subcktDef
	parent *importFrame // the frame of the instance's X card
	// path is the instance path, "X1.X2", and prefix the path and a dot,
	// "" at the top level.
	path, prefix string
	// top is the line of the top-level X card this frame descends from.
	top   int
	depth int
	// ports maps the lower-case port names to the circuit nodes the
	// instance connects.
	ports map[string]string
	scope *paramScope
	// diodes caches the diode models defined in def, evaluated in this
	// frame.
	diodes map[string]*diodeUse
}

// where names the instance of f for messages, "" at the top level.
func (f *importFrame) where() string {
	if f.path == "" {
		return ""
	}
	return fmt.Sprintf("%s (X card at line %d)", f.path, f.top)
}

// frameOf returns the nearest frame, from f outwards, of definition d: the
// frame whose parameters and models a card of a definition nested in d
// sees.
func (f *importFrame) frameOf(d *subcktDef) *importFrame {
	for g := f; g != nil; g = g.parent {
		if g.def == d {
			return g
		}
	}
	return nil
}

// structure sorts the cards into definitions: .subckt ... .ends blocks
// (nested ones inside their parents), .param and .model cards in the
// definition that holds them, settings (.options, .temp, .global, .title)
// at the top level. Analysis, output and initial-condition cards are
// skipped with a note; cards eqsim has no use for are errors.
func (im *importer) structure() error {
	cur := im.root
	for _, card := range im.lines.cards {
		if card.text[0] != '.' {
			cur.body = append(cur.body, card)
			continue
		}
		toks, err := tokenizeCard(card.text)
		if err != nil {
			return im.cardError(card, "", err.Error())
		}
		kw := strings.ToLower(toks[0].s)
		top := cur == im.root
		switch kw {
		case ".subckt":
			def, err := im.parseSubckt(card, toks, cur)
			if err != nil {
				return err
			}
			cur = def
		case ".ends":
			if top {
				return im.cardError(card, "", ".ends without .subckt")
			}
			if len(toks) > 1 && !strings.EqualFold(toks[1].s, cur.name) {
				return im.cardError(card, "", fmt.Sprintf(".ends %s closes .subckt %s (line %d)", toks[1].s, cur.name, cur.card.line))
			}
			cur = cur.parent
		case ".param":
			cur.paramCards = append(cur.paramCards, card)
		case ".model":
			if err := im.parseModel(card, toks, cur); err != nil {
				return err
			}
		case ".global", ".options", ".option", ".opt", ".temp", ".title":
			if !top {
				return im.cardError(card, "", kw+" inside .subckt "+cur.name+" is not supported: move it to the top level")
			}
			switch kw {
			case ".global":
				for _, t := range toks[1:] {
					if t.expr || t.eq || isGroundName(t.s) {
						return im.cardError(card, "", fmt.Sprintf("%q is not a node name", t.s))
					}
					im.globals[strings.ToLower(t.s)] = true
				}
			case ".title":
				im.c.Title = strings.TrimSpace(card.text[len(".title"):])
			default:
				im.settingCards = append(im.settingCards, card)
			}
		default:
			if msg, ok := skippedCards[kw]; ok {
				im.note(card, "skipped %s: %s", kw, msg)
				continue
			}
			if msg, ok := rejectedCards[kw]; ok {
				return im.cardError(card, "", msg)
			}
			return im.cardError(card, "", fmt.Sprintf("unknown control card %s", toks[0].s))
		}
	}
	if cur != im.root {
		return im.cardError(cur.card, "", fmt.Sprintf(".subckt %s without .ends", cur.name))
	}
	return nil
}

// skippedCards are the dot cards Import skips, with why.
var skippedCards = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{".op", ".tran", ".dc", ".ac", ".noise", ".tf", ".sens", ".disto", ".pz", ".four", ".pss", ".sp", ".fft"} {
		m[k] = "an analysis; eqsim simulate and eqsim verify choose their own"
	}
	for _, k := range []string{".print", ".plot", ".save", ".probe", ".width", ".meas", ".measure", ".csparam"} {
		m[k] = "an output card"
	}
	m[".ic"] = "initial conditions do not change the DC operating point"
	m[".nodeset"] = "initial guesses do not change the DC operating point"
	return m
}()

// rejectedCards are the dot cards Import refuses, with why.
var rejectedCards = map[string]string{
	".include": ".include is not supported: eqsim imports one file; paste the included cards into the deck",
	".inc":     ".inc is not supported: eqsim imports one file; paste the included cards into the deck",
	".lib":     ".lib is not supported: eqsim imports one file; paste the library's cards into the deck",
	".func":    ".func is not supported: eqsim evaluates + - * / and parentheses only",
	".if":      ".if is not supported",
	".elseif":  ".elseif is not supported",
	".else":    ".else is not supported",
	".endif":   ".endif is not supported",
	".data":    ".data is not supported",
	".endl":    ".endl is not supported",
}

// parseSubckt reads `.subckt NAME ports... [params:] [name=value...]` and
// adds the definition to parent.
func (im *importer) parseSubckt(card *importCard, toks []deckToken, parent *subcktDef) (*subcktDef, error) {
	if len(toks) < 2 || toks[1].expr || toks[1].eq {
		return nil, im.cardError(card, "", "missing subcircuit name")
	}
	name := toks[1].s
	key := strings.ToLower(name)
	if prev, dup := parent.subckts[key]; dup {
		return nil, im.cardError(card, "", fmt.Sprintf("subcircuit %s is defined twice (first at line %d)", name, prev.card.line))
	}
	pos, params, err := splitOrdered(toks[2:])
	if err != nil {
		return nil, im.cardError(card, "", err.Error())
	}
	def := newSubcktDef(name, card, parent)
	seen := map[string]bool{}
	for _, t := range pos {
		if t.expr {
			return nil, im.cardError(card, "", fmt.Sprintf("a port cannot be an expression ({%s})", t.s))
		}
		if isGroundName(t.s) {
			return nil, im.cardError(card, "", "a port cannot be ground ("+t.s+")")
		}
		k := strings.ToLower(t.s)
		if seen[k] {
			return nil, im.cardError(card, "", "port "+t.s+" is listed twice")
		}
		seen[k] = true
		def.ports = append(def.ports, t.s)
	}
	pseen := map[string]bool{}
	for _, p := range params {
		if pseen[p.key] {
			return nil, im.cardError(card, "", "parameter "+p.key+" is listed twice")
		}
		if !isParamName(p.key) {
			return nil, im.cardError(card, "", fmt.Sprintf("%q is not a parameter name", p.key))
		}
		pseen[p.key] = true
		def.params = append(def.params, p)
	}
	parent.subckts[key] = def
	return def, nil
}

// splitOrdered is splitParams for cards whose key=value pairs come after
// every positional field, with ngspice's optional "params:" between them.
func splitOrdered(toks []deckToken) ([]deckToken, []deckParam, error) {
	var kept []deckToken
	for _, t := range toks {
		if !t.expr && strings.EqualFold(t.s, "params:") {
			continue
		}
		if !t.expr && len(t.s) > 7 && strings.EqualFold(t.s[:7], "params:") {
			t.s = t.s[7:]
		}
		kept = append(kept, t)
	}
	pos, params, err := splitParams(kept)
	if err != nil {
		return nil, nil, err
	}
	// Positional fields after the first pair are misplaced.
	n := 0
	for i := 0; i < len(kept); i++ {
		if i+1 < len(kept) && kept[i+1].eq {
			break
		}
		n++
	}
	if n != len(pos) {
		return nil, nil, fmt.Errorf("%s after name=value parameters", pos[n].s)
	}
	return pos, params, nil
}

// isParamName reports whether s is a letter or underscore followed by
// letters, digits and underscores.
func isParamName(s string) bool {
	if s == "" || !(isDeckLetter(s[0]) || s[0] == '_') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !(isDeckLetter(s[i]) || isDeckDigit(s[i]) || s[i] == '_') {
			return false
		}
	}
	return true
}

// expand flattens the cards of frame f's definition into the circuit; its
// parameters are defined already.
func (im *importer) expand(f *importFrame) error {
	for _, card := range f.def.body {
		if err := im.element(f, card); err != nil {
			return err
		}
	}
	return nil
}

// defineParams adds the .param cards of f's definition to f's scope.
func (im *importer) defineParams(f *importFrame) error {
	for _, card := range f.def.paramCards {
		defs, err := parseParamCard(card.text)
		if err != nil {
			return im.cardError(card, f.where(), err.Error())
		}
		for _, d := range defs {
			f.scope.define(d.name, d.expr, card, f.where())
		}
	}
	return nil
}

// instance flattens the X card toks in frame f: `Xname nodes... SUBCKT
// [params:] [name=value...]`.
func (im *importer) instance(f *importFrame, card *importCard, toks []deckToken) error {
	fail := func(format string, args ...any) error {
		return im.cardError(card, f.where(), fmt.Sprintf(format, args...))
	}
	pos, params, err := splitOrdered(toks[1:])
	if err != nil {
		return fail("%v", err)
	}
	if len(pos) == 0 || pos[len(pos)-1].expr {
		return fail("missing subcircuit name")
	}
	subName := pos[len(pos)-1].s
	nodes := pos[:len(pos)-1]
	def := f.def.lookupSubckt(strings.ToLower(subName))
	if def == nil {
		return fail("unknown subcircuit %s", subName)
	}
	if len(nodes) != len(def.ports) {
		return fail("%d nodes for subcircuit %s, which has %d ports (line %d)", len(nodes), def.name, len(def.ports), def.card.line)
	}
	for g := f; g != nil; g = g.parent {
		if g.def == def {
			return fail("subcircuit %s contains an instance of itself", def.name)
		}
	}
	if f.depth >= importLimits.depth {
		return fail("subcircuit instances nest deeper than %d", importLimits.depth)
	}
	// Instances count towards the limit on elements: empty ones nested
	// twice at each level would otherwise take forever.
	if im.instances++; len(im.c.Elements)+im.instances > importLimits.elements {
		return fail("the deck flattens to more than %d elements and instances", importLimits.elements)
	}
	name := toks[0].s
	// An instance named like a path ("X1.X2") must not share the names of
	// a nested instance.
	path := strings.ToLower(f.prefix + name)
	if first, dup := im.paths[path]; dup {
		return fail("instance %s has the path of the instance at line %d", f.prefix+name, first)
	}
	im.paths[path] = card.line
	child := &importFrame{
		def:    def,
		parent: f,
		path:   f.prefix + name,
		prefix: f.prefix + name + ".",
		top:    f.top,
		depth:  f.depth + 1,
		ports:  map[string]string{},
	}
	if f.path == "" {
		child.top = card.line
	}
	// The instance's parameters see the scope the definition was
	// written in, not the scope of the X card.
	outer := im.global
	if g := f.frameOf(def.parent); g != nil {
		outer = g.scope
	}
	child.scope = newParamScope(outer)
	for _, p := range def.params {
		child.scope.define(p.key, p.val.s, def.card, child.where())
	}
	if err := im.defineParams(child); err != nil {
		return err
	}
	// Values given on the X card are evaluated where the card is.
	for _, p := range params {
		known := false
		for _, d := range def.params {
			known = known || d.key == p.key
		}
		if !known {
			return fail("subcircuit %s has no parameter %s", def.name, p.key)
		}
		v, err := f.scope.eval(p.val, im)
		if err != nil {
			return im.frameError(f, card, fmt.Errorf("parameter %s: %w", p.key, err))
		}
		child.scope.set(p.key, v, card, f.where())
	}
	for i, port := range def.ports {
		n, err := im.node(f, nodes[i], card)
		if err != nil {
			return fail("%v", err)
		}
		child.ports[strings.ToLower(port)] = n
	}
	return im.expand(child)
}
