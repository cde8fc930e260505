package circuit

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Kind describes an element kind: the name of its netlist card, its
// parameters and how to build an element from them. Every element type of
// this package has one Kind (Element.Kind); Kinds lists them. The faces of
// eqsim (the TOML netlist, SPICE decks, documentation) ask the Kind
// instead of knowing the element types.
type Kind struct {
	// Name is the kind's card name in netlists: "resistor", "crossbar".
	Name string
	// Doc says in one sentence what the element is.
	Doc string
	// Params are the card's keys other than "name", in the order a
	// netlist writes them.
	Params []Param
	// DefinesGroup marks a kind whose element defines a node group of
	// the element's name, its terminals in order (an input).
	DefinesGroup bool
	// Build makes an element named name from its parameters. a holds
	// every parameter the card gives, each already checked against its
	// Param (type, sign, bounds, existence of nodes, groups and models);
	// Build checks what involves several of them. It returns a
	// *ParamError for a problem with the parameters.
	Build func(name string, a *Args) (Element, error)
}

// Param returns the parameter with the given key and whether the kind has
// it.
func (k *Kind) Param(key string) (Param, bool) {
	for _, p := range k.Params {
		if p.Key == key {
			return p, true
		}
	}
	return Param{}, false
}

// Keys returns the keys of the kind's card: "name", then every
// parameter's.
func (k *Kind) Keys() []string {
	keys := make([]string, 0, len(k.Params)+1)
	keys = append(keys, "name")
	for _, p := range k.Params {
		keys = append(keys, p.Key)
	}
	return keys
}

// Param describes one key of an element kind's netlist card.
type Param struct {
	// Key is the key in the netlist card.
	Key string
	// Type says what the value is and how a face reads and writes it.
	Type ParamType
	// Unit is the value's SI unit ("ohm", "S", "V", "A", "F"), or "" for
	// a dimensionless value.
	Unit string
	// Default is the value that applies when the key is absent, as the
	// documentation shows it, or "" if there is none.
	Default string
	// Required marks a key that must be given.
	Required bool
	// Max bounds a Spread (inclusive).
	Max float64
	// Values are the choices of an Enum, or the kinds of element an
	// ElementName may name (any kind if empty).
	Values []string
	// Doc says in one sentence what the value means.
	Doc string
}

// ParamType is the type of a parameter's value: what Args holds for it
// and what Field.Value holds when an element writes it.
type ParamType int

const (
	// Number is a finite number, float64.
	ParamNumber ParamType = iota
	// NonZero is a finite number other than zero, float64.
	ParamNonZero
	// Positive is a finite number above zero, float64.
	ParamPositive
	// NonNegative is a finite number not below zero, float64; -0 is 0.
	ParamNonNegative
	// Spread is a standard deviation in [0, Param.Max], float64; -0 is 0.
	ParamSpread
	// Size is an integer above zero, int64.
	ParamSize
	// Seed is an integer not below zero, int64.
	ParamSeed
	// Bool is true or false, bool.
	ParamBool
	// Enum is one of Param.Values, string.
	ParamEnum
	// ElementName is the name of another element of the circuit, string.
	ParamElement
	// Node is the name of a node, string.
	ParamNode
	// NodePair is the names of two nodes, [2]string.
	ParamNodePair
	// Group is the nodes of one node group in order, []string.
	ParamGroup
	// GroupList is the nodes of one or more node groups, concatenated in
	// order, []string.
	ParamGroupList
	// Model is a diode model, DiodeModel, named in the netlist.
	ParamModel
	// Vector is a vector of finite numbers, []float64.
	ParamVector
	// Matrix is a matrix of finite numbers, *mat.Dense.
	ParamMatrix
)

var paramTypeNames = [...]string{
	ParamNumber: "number", ParamNonZero: "non-zero number", ParamPositive: "positive number",
	ParamNonNegative: "non-negative number", ParamSpread: "spread", ParamSize: "size", ParamSeed: "seed",
	ParamBool: "boolean", ParamEnum: "choice", ParamElement: "element name", ParamNode: "node",
	ParamNodePair: "node pair", ParamGroup: "group", ParamGroupList: "group list", ParamModel: "diode model",
	ParamVector: "vector", ParamMatrix: "matrix",
}

func (t ParamType) String() string {
	if t >= 0 && int(t) < len(paramTypeNames) {
		return paramTypeNames[t]
	}
	return fmt.Sprintf("ParamType(%d)", int(t))
}

// Args holds the parameters of one element card, keyed by Param.Key, as
// a face hands them to Kind.Build. Each value has the Go type its
// ParamType names. The accessors return the zero value for an absent key
// and panic if a value has another type, which is a face's bug.
type Args struct {
	vals map[string]any
	// Reserve, if not nil, is called by Build before it allocates room
	// for nodes or conductances that the parameters ask for (a crossbar's
	// matrix and internal nodes, an input's nodes), so that a face can
	// refuse sizes beyond its limits before memory is spent. Build
	// returns its error as a *ParamError whose Key names the parameter
	// that asks for the room ("" for the card as a whole), unless it is
	// a *ParamError already.
	Reserve func(nodes, weights int64) error
}

// NewArgs returns an empty Args.
func NewArgs() *Args { return &Args{vals: map[string]any{}} }

// Set sets the value of key.
func (a *Args) Set(key string, v any) { a.vals[key] = v }

// Has reports whether key was given.
func (a *Args) Has(key string) bool {
	_, ok := a.vals[key]
	return ok
}

func argOf[T any](a *Args, key string) T {
	var zero T
	v, ok := a.vals[key]
	if !ok {
		return zero
	}
	t, ok := v.(T)
	if !ok {
		panic(fmt.Sprintf("circuit: parameter %q holds %T, want %T", key, v, zero))
	}
	return t
}

// Float returns a number parameter.
func (a *Args) Float(key string) float64 { return argOf[float64](a, key) }

// Int returns a Size or Seed parameter.
func (a *Args) Int(key string) int64 { return argOf[int64](a, key) }

// Bool returns a Bool parameter.
func (a *Args) Bool(key string) bool { return argOf[bool](a, key) }

// String returns an Enum, ElementName or Node parameter.
func (a *Args) String(key string) string { return argOf[string](a, key) }

// Pair returns a NodePair parameter.
func (a *Args) Pair(key string) [2]string { return argOf[[2]string](a, key) }

// Nodes returns a Group or GroupList parameter: a copy of its nodes.
func (a *Args) Nodes(key string) []string {
	return append([]string(nil), argOf[[]string](a, key)...)
}

// Model returns a Model parameter.
func (a *Args) Model(key string) DiodeModel { return argOf[DiodeModel](a, key) }

// Vector returns a Vector parameter.
func (a *Args) Vector(key string) []float64 { return argOf[[]float64](a, key) }

// Matrix returns a Matrix parameter.
func (a *Args) Matrix(key string) *mat.Dense { return argOf[*mat.Dense](a, key) }

// reserve calls a.Reserve if it is set, and blames key for its error.
func (a *Args) reserve(key string, nodes, weights int64) error {
	if a.Reserve == nil {
		return nil
	}
	err := a.Reserve(nodes, weights)
	if err == nil {
		return nil
	}
	var pe *ParamError
	if errors.As(err, &pe) {
		return err
	}
	return &ParamError{Key: key, Msg: err.Error()}
}

// ParamError is a problem with the parameters of an element card: Key
// names the parameter at fault, or is "" when the card as a whole is.
type ParamError struct {
	Key string
	Msg string
}

func (e *ParamError) Error() string { return e.Msg }

func paramErr(key, format string, args ...any) error {
	return &ParamError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// Field is one key of an element's netlist card and its value, of the
// Go type the key's ParamType names.
type Field struct {
	Key   string
	Value any
}

// CheckValue checks v, of p's Go type, against p's bounds: finite numbers
// of the right sign, spreads within Max, choices among Values. It returns
// a message saying what is wrong, or "". Faces call it on every value
// they read; it does not check that nodes, groups and models exist.
func (p Param) CheckValue(v any) string {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprintf("%s must be finite, got %v", p.Key, x)
		}
		switch p.Type {
		case ParamNonZero:
			if x == 0 {
				return fmt.Sprintf("%s must not be zero", p.Key)
			}
		case ParamPositive:
			if !(x > 0) {
				return fmt.Sprintf("%s must be positive, got %v", p.Key, x)
			}
		case ParamNonNegative, ParamSpread:
			if x < 0 {
				return fmt.Sprintf("%s must not be negative, got %v", p.Key, x)
			}
			if p.Type == ParamSpread && x > p.Max {
				return fmt.Sprintf("%s = %v is above its bound %v", p.Key, x, p.Max)
			}
		}
	case int64:
		switch p.Type {
		case ParamSize:
			if x <= 0 {
				return fmt.Sprintf("%s must be positive, got %d", p.Key, x)
			}
		case ParamSeed:
			if x < 0 {
				return fmt.Sprintf("%s must not be negative", p.Key)
			}
		}
	case string:
		if p.Type == ParamEnum {
			for _, c := range p.Values {
				if x == c {
					return ""
				}
			}
			q := make([]string, len(p.Values))
			for i, c := range p.Values {
				q[i] = fmt.Sprintf("%q", c)
			}
			return fmt.Sprintf("unknown %s %q (want %s)", p.Key, x, strings.Join(q, " or "))
		}
		if x == "" {
			return fmt.Sprintf("%s is empty", p.Key)
		}
	}
	return ""
}

// Kinds returns the descriptors of every element kind, in the order in
// which netlists list them when lines tie.
func Kinds() []*Kind {
	return []*Kind{
		ResistorKind, DiodeKind, VSourceKind, ISourceKind, VCVSKind, CCCSKind, CapacitorKind,
		InputKind, CrossbarKind, RectifierKind, AmplifierKind,
	}
}

// KindNamed returns the kind with the given card name, or nil.
func KindNamed(name string) *Kind {
	for _, k := range Kinds() {
		if k.Name == name {
			return k
		}
	}
	return nil
}
