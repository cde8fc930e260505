package netlist

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// Override sets the netlist key at Path to Value (a TOML value: int64,
// float64, string or bool).
//
// A path is a dotted list of TOML keys into the netlist. An array of
// tables is indexed by element name: "crossbar[W1].wire_r" is key wire_r
// of the [[crossbar]] named W1, and "amplifier[*].offset" key offset of
// every [[amplifier]]. Tables that do not exist are created, so
// "training.device.levels" works on a netlist without [training.device].
// Sweeps (package sweep) vary netlists this way.
type Override struct {
	Path  string
	Value any
}

// pathSeg is one segment of an override path: a key, and for arrays of
// tables the name of the element.
type pathSeg struct{ key, elem string }

func splitPath(path string) ([]pathSeg, error) {
	if path == "" {
		return nil, errors.New("empty path")
	}
	var segs []pathSeg
	for _, s := range strings.Split(path, ".") {
		seg := pathSeg{key: s}
		if i := strings.IndexByte(s, '['); i >= 0 {
			if !strings.HasSuffix(s, "]") || i == 0 || i == len(s)-2 {
				return nil, fmt.Errorf("path %q: write an element of an array of tables as kind[name], e.g. crossbar[W1]", path)
			}
			seg = pathSeg{key: s[:i], elem: s[i+1 : len(s)-1]}
		}
		if seg.key == "" {
			return nil, fmt.Errorf("path %q has an empty key", path)
		}
		segs = append(segs, seg)
	}
	if segs[len(segs)-1].elem != "" {
		return nil, fmt.Errorf("path %q ends in an element, not a key", path)
	}
	return segs, nil
}

// CheckPath returns an error if path is not a well-formed override path.
// Whether the netlist has the tables it names is checked when the
// override is applied.
func CheckPath(path string) error { _, err := splitPath(path); return err }

// setPath sets the key at path in the decoded TOML document root.
func setPath(root map[string]any, path string, v any) error {
	segs, err := splitPath(path)
	if err != nil {
		return err
	}
	parts := strings.Split(path, ".")
	var set func(m map[string]any, i int) error
	set = func(m map[string]any, i int) error {
		s := segs[i]
		if i == len(segs)-1 {
			m[s.key] = v
			return nil
		}
		where := strings.Join(parts[:i+1], ".")
		x, ok := m[s.key]
		if s.elem != "" {
			list, isList := x.([]map[string]any)
			if !ok || !isList {
				return fmt.Errorf("%s: the netlist has no [[%s]]", where, s.key)
			}
			found := false
			for _, e := range list {
				if s.elem == "*" || e["name"] == s.elem {
					found = true
					if err := set(e, i+1); err != nil {
						return err
					}
				}
			}
			if !found {
				return fmt.Errorf("%s: no [[%s]] is named %q", where, s.key, s.elem)
			}
			return nil
		}
		if !ok {
			sub := map[string]any{}
			m[s.key] = sub
			return set(sub, i+1)
		}
		sub, isTable := x.(map[string]any)
		if !isTable {
			return fmt.Errorf("%s is not a table", where)
		}
		return set(sub, i+1)
	}
	return set(root, 0)
}

// Overridden returns the text of the netlist in data with the overrides
// applied, as TOML. Comments and layout are not kept, and the tables are
// in the encoder's order: use ParseOverridden to parse a netlist with
// overrides.
func Overridden(data []byte, ov []Override) ([]byte, error) {
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		return nil, err
	}
	if err := applyOverrides(root, ov); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func applyOverrides(root map[string]any, ov []Override) error {
	for _, o := range ov {
		if err := setPath(root, o.Path, o.Value); err != nil {
			return err
		}
	}
	return nil
}

// ParseOverridden parses the netlist in data, read from path, with the
// overrides applied to its keys. The elements keep their order in data,
// so that the circuit is the one Parse gives but for the overridden
// values; errors give the lines of data.
func ParseOverridden(data []byte, path string, ov []Override) (*Netlist, error) {
	return parsePatched(data, path, func(name string) ([]byte, error) { return readSidecar(name) },
		func(root map[string]any) error { return applyOverrides(root, ov) })
}
