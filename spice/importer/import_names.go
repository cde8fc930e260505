package importer

import (
	"fmt"
	"strings"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice/internal/deckrec"
)

// importer holds the state of one Import.
type importer struct {
	file  string
	lines *deckLines
	root  *subcktDef
	// global holds the top level's parameters.
	global *paramScope
	// globals are the lower-case names of .global nodes.
	globals map[string]bool
	// settingCards are the top level's .options and .temp cards.
	settingCards []*importCard
	// tempC and tnomC are the temperatures in degrees Celsius set by
	// .options or .temp, or nil.
	tempC, tnomC *float64
	// tempCard and tnomCard are the cards that set them.
	tempCard, tnomCard *importCard
	// temp and tnom are the circuit's temperature and nominal
	// temperature in kelvin, known once the settings are read.
	temp, tnom float64

	c *circuit.Circuit

	nodes      map[string]*nodeInfo // by lower-case full name
	nodeByName map[string]*nodeInfo // by circuit name
	nodeOrder  []string             // keys in order of first appearance

	elems      map[string]*elemInfo // by lower-case full name
	elemByName map[string]*elemInfo // by circuit name

	// controls are the CCCS whose controlling source is looked up once
	// every element is known.
	controls []pendingControl

	// saturating holds the swing and offset of the VCVS read from each
	// saturating E card (see saturating).
	saturating map[circuit.Element]deckrec.Saturating

	models      []circuit.DiodeModel
	modelByName map[string]circuit.DiodeModel

	notes []Note
	noted map[noteKey]bool

	// instances counts the subcircuit instances flattened, and
	// paramDepth the parameters being evaluated, one needing the next.
	instances, paramDepth int
	// paths holds the lower-case path of every instance, and the line
	// of its X card.
	paths map[string]int
}

type noteKey struct {
	line int
	msg  string
}

type nodeInfo struct {
	name string
	// owner is the path of the instance whose local node it is, "" for
	// a node of the top level or a .global node.
	owner string
	card  *importCard // the first card that uses it
	where string
}

type elemInfo struct {
	name  string
	card  *importCard
	where string
	el    circuit.Element
}

type pendingControl struct {
	f     *circuit.CCCS
	key   string // lower-case full name of the controlling source
	name  string // as written on the card
	card  *importCard
	where string
}

func newImporter(file string, lines *deckLines) *importer {
	im := &importer{
		file:        file,
		lines:       lines,
		root:        newSubcktDef("", nil, nil),
		global:      newParamScope(nil),
		globals:     map[string]bool{},
		c:           &circuit.Circuit{Title: lines.title},
		nodes:       map[string]*nodeInfo{},
		nodeByName:  map[string]*nodeInfo{},
		elems:       map[string]*elemInfo{},
		elemByName:  map[string]*elemInfo{},
		modelByName: map[string]circuit.DiodeModel{},
		notes:       lines.notes,
		noted:       map[noteKey]bool{},
		paths:       map[string]int{},
	}
	if lines.eqsim {
		im.c.Title = strings.TrimPrefix(lines.title, "eqsim: ")
	}
	return im
}

// isGroundName reports whether a SPICE node name is ngspice's ground: 0,
// or gnd in any case.
func isGroundName(s string) bool { return s == "0" || strings.EqualFold(s, "gnd") }

// node returns the circuit name of the node written local on card in frame
// f. Names are compared case-insensitively and keep the spelling of their
// first appearance. Ground (0, gnd) is circuit.Ground; a .global node and a
// node of the top level keep their names (or the eqsim name that eqsim's
// exporter recorded for them); a port of a subcircuit is the node its
// instance connects; any other node of a subcircuit is the instance path,
// a dot and its name ("X1.X2.mid").
func (im *importer) node(f *importFrame, t deckToken, card *importCard) (string, error) {
	if t.expr {
		return "", fmt.Errorf("a node cannot be an expression ({%s})", t.s)
	}
	local := t.s
	if isGroundName(local) {
		return circuit.Ground, nil
	}
	lower := strings.ToLower(local)
	if n, ok := f.ports[lower]; ok {
		return n, nil
	}
	full, owner := f.prefix+local, f.path
	if im.globals[lower] {
		full, owner = local, ""
	}
	key := strings.ToLower(full)
	if n, ok := im.nodes[key]; ok {
		if n.owner != owner {
			return "", fmt.Errorf("node %s has the name of node %s first used at line %d", full, n.name, n.card.line)
		}
		return n.name, nil
	}
	name := full
	if owner == "" {
		if mapped, ok := im.lines.nodeNames[key]; ok {
			if circuit.IsGround(mapped) {
				return "", fmt.Errorf("node %s: the eqsim name %q recorded for it is ground's", local, mapped)
			}
			name = mapped
		}
	}
	if prev, dup := im.nodeByName[name]; dup {
		return "", fmt.Errorf("node %s would be named %q, the name of another node first used at line %d", full, name, prev.card.line)
	}
	n := &nodeInfo{name: name, owner: owner, card: card, where: f.where()}
	im.nodes[key] = n
	im.nodeByName[name] = n
	im.nodeOrder = append(im.nodeOrder, key)
	return name, nil
}

// elementName returns the circuit name of the element named raw on card in
// frame f: raw at the top level (or the eqsim name recorded for it), the
// instance path, a dot and raw in a subcircuit ("X1.X2.R1"). It returns an
// error for a name used before, compared case-insensitively.
func (im *importer) elementName(f *importFrame, raw string) (string, error) {
	full := f.prefix + raw
	key := strings.ToLower(full)
	if prev, dup := im.elems[key]; dup {
		return "", fmt.Errorf("duplicate element name %s (first at line %d)", full, prev.card.line)
	}
	name := full
	if f.path == "" {
		if mapped, ok := im.lines.elemNames[key]; ok {
			name = mapped
		}
	}
	if prev, dup := im.elemByName[name]; dup {
		return "", fmt.Errorf("element %s would be named %q, the name of the element at line %d", full, name, prev.card.line)
	}
	return name, nil
}

// addElement adds el, named by elementName, to the circuit.
func (im *importer) addElement(f *importFrame, card *importCard, raw string, el circuit.Element) error {
	if len(im.c.Elements) >= importLimits.elements {
		return fmt.Errorf("the deck flattens to more than %d elements", importLimits.elements)
	}
	info := &elemInfo{name: el.Label(), card: card, where: f.where(), el: el}
	im.elems[strings.ToLower(f.prefix+raw)] = info
	im.elemByName[el.Label()] = info
	im.c.Add(el)
	return nil
}

// resolveControls names each CCCS's controlling voltage source, looked up
// in the CCCS's own instance.
func (im *importer) resolveControls() error {
	for _, p := range im.controls {
		e, ok := im.elems[p.key]
		if !ok {
			return im.cardError(p.card, p.where, fmt.Sprintf("no voltage source named %s controls it", p.name))
		}
		switch e.el.(type) {
		case *circuit.VSource, *circuit.VCVS:
			p.f.Control = e.name
		default:
			return im.cardError(p.card, p.where, fmt.Sprintf("its control %s is not a voltage source (V or E)", p.name))
		}
	}
	return nil
}

// useModel registers the diode model m and returns it, renamed
// NAME_2, NAME_3, ... if a different model already has its name (a model
// scaled by a diode's area, or a subcircuit's model with parameters).
func (im *importer) useModel(m circuit.DiodeModel) circuit.DiodeModel {
	base := m.Name
	for k := 1; ; k++ {
		if k > 1 {
			m.Name = fmt.Sprintf("%s_%d", base, k)
		}
		prev, ok := im.modelByName[m.Name]
		if !ok {
			im.modelByName[m.Name] = m
			im.models = append(im.models, m)
			return m
		}
		if prev == m {
			return m
		}
	}
}
