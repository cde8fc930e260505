package netlist

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// netlistSection returns the "Netlist format" section of a README: from
// its heading to the next heading of the same level.
func netlistSection(readme string) string {
	_, s, ok := strings.Cut("\n"+readme, "\n## Netlist format")
	if !ok {
		return ""
	}
	if i := strings.Index(s, "\n## "); i >= 0 {
		s = s[:i]
	}
	return s
}

// cardParts returns the parts of a README's netlist section that document
// the card kind: in its TOML blocks, every table [[kind]] up to the next
// table header; in its prose, the text from each `[[kind]]` to the next
// card or the end of the paragraph.
func cardParts(section, kind string) (toml, prose []string) {
	header := regexp.MustCompile(`^\s*\[`)
	var cur *strings.Builder
	inBlock := false
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			if cur != nil {
				toml = append(toml, cur.String())
				cur = nil
			}
			continue
		}
		if !inBlock {
			continue
		}
		if header.MatchString(line) {
			if cur != nil {
				toml = append(toml, cur.String())
				cur = nil
			}
			if strings.HasPrefix(strings.TrimSpace(line), "[["+kind+"]]") {
				cur = &strings.Builder{}
			}
			continue
		}
		if cur != nil {
			cur.WriteString(line + "\n")
		}
	}
	var text strings.Builder
	inBlock = false
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			text.WriteString("\n\n")
			continue
		}
		if !inBlock {
			text.WriteString(line + "\n")
		}
	}
	for _, para := range strings.Split(text.String(), "\n\n") {
		for _, s := range strings.Split(para, "`[[")[1:] {
			if strings.HasPrefix(s, kind+"]]`") {
				prose = append(prose, s)
			}
		}
	}
	return toml, prose
}

// undocumented returns, for every kind and parameter that the README's
// netlist section does not document in that kind's part, "kind" or
// "kind.key". A key is documented in a TOML part by a line or comment
// "key = ...", in prose by `key` or `key = ...` in backquotes.
func undocumented(readme string, kinds []*circuit.Kind) []string {
	section := netlistSection(readme)
	var missing []string
	for _, k := range kinds {
		toml, prose := cardParts(section, k.Name)
		if len(toml)+len(prose) == 0 {
			missing = append(missing, k.Name)
			continue
		}
		for _, p := range k.Params {
			key := regexp.QuoteMeta(p.Key)
			inTOML := regexp.MustCompile(`(?m)(^|[\s#(,])` + key + `\s*=`)
			inProse := regexp.MustCompile("`" + key + "[`\\s=]")
			found := false
			for _, t := range toml {
				found = found || inTOML.MatchString(t)
			}
			for _, t := range prose {
				found = found || inProse.MatchString(t)
			}
			if !found {
				missing = append(missing, k.Name+"."+p.Key)
			}
		}
	}
	return missing
}

// TestReadmeDocumentsEveryKey checks that the README's netlist reference
// documents every element kind and every key of its card, so that a new
// kind or key cannot go without documentation.
func TestReadmeDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if netlistSection(string(b)) == "" {
		t.Fatal(`README.md has no "## Netlist format" section`)
	}
	for _, m := range undocumented(string(b), circuit.Kinds()) {
		t.Errorf("README.md's netlist format does not document %s", m)
	}
}

// TestUndocumented checks the README check itself on small documents.
func TestUndocumented(t *testing.T) {
	widget := &circuit.Kind{Name: "widget", Params: []circuit.Param{{Key: "span"}, {Key: "g"}, {Key: "tilt"}}}
	gadget := &circuit.Kind{Name: "gadget", Params: []circuit.Param{{Key: "span"}}}
	for _, tc := range []struct {
		name, readme string
		want         string
	}{
		{"all in TOML", "## Netlist format\n```toml\n[[widget]]\nspan = 1\n# or g = 2\ntilt = 3\n```\n" +
			"The other cards: `[[gadget]]` (`span`, the gadget's span).\n", ""},
		{"no section", "## Other\n```toml\n[[widget]]\nspan = 1\n```\n", "widget gadget"},
		{"key of another card", "## Netlist format\n```toml\n[[gadget]]\nspan = 1\n[[widget]]\ng = 2\n[options]\ntilt = 3\n```\n",
			"widget.span widget.tilt"},
		{"key in another card's prose", "## Netlist format\n```toml\n[[widget]]\nspan = 1\ng = 1\n```\n" +
			"`[[widget]]` has `tilt`... `[[gadget]]` (`g`).\n", "gadget.span"},
		{"prose ends with its paragraph", "## Netlist format\n```toml\n[[widget]]\nspan = 1\ng = 1\ntilt = 1\n```\n" +
			"`[[gadget]]` is new.\n\nIts `span` is long.\n", "gadget.span"},
		{"section ends at the next heading", "## Netlist format\n```toml\n[[widget]]\nspan = 1\ng = 1\n```\n## Later\n" +
			"```toml\n[[widget]]\ntilt = 1\n[[gadget]]\nspan = 1\n```\n", "widget.tilt gadget"},
		{"a key is not a substring", "## Netlist format\n```toml\n[[widget]]\nspan = 1\ngg = 1\ntilted = 1\n[[gadget]]\nspan = 1\n```\n",
			"widget.g widget.tilt"},
	} {
		got := strings.Join(undocumented(tc.readme, []*circuit.Kind{widget, gadget}), " ")
		if got != tc.want {
			t.Errorf("%s: undocumented %q, want %q", tc.name, got, tc.want)
		}
	}
}
