// Package bitdiff compares Go values bit for bit: floats by their bits,
// matrices by their entries, nil and empty slices alike. eqsim uses it to
// check that what it writes reads back as exactly what it wrote.
package bitdiff

import (
	"fmt"
	"math"
	"reflect"

	"gonum.org/v1/gonum/mat"
)

// Values returns "" if a and b are the same bit for bit: the same types,
// the same fields, elements and map entries, float64s compared by their
// bits (so 0 and -0 differ and a NaN equals itself), nil and empty slices
// alike, and *mat.Dense compared by dimensions and entries, not strides.
// Otherwise it describes the first difference, naming it by a path that
// starts with path.
func Values(path string, a, b any) string {
	return diffValue(path, reflect.ValueOf(a), reflect.ValueOf(b))
}

var denseType = reflect.TypeOf((*mat.Dense)(nil))

func diffValue(path string, a, b reflect.Value) string {
	if a.IsValid() != b.IsValid() {
		return path + ": one is missing"
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: %v and %v", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": one is nil"
			}
			return ""
		}
		if a.Type() == denseType && a.CanInterface() {
			return diffDense(path, a.Interface().(*mat.Dense), b.Interface().(*mat.Dense))
		}
		return diffValue(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if d := diffValue(path+"."+f.Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d and %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
	case reflect.Float32, reflect.Float64:
		if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
			return fmt.Sprintf("%s: %v and %v", path, a.Float(), b.Float())
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q and %q", path, a.String(), b.String())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v and %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d and %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return fmt.Sprintf("%s: %d and %d", path, a.Uint(), b.Uint())
		}
	default:
		if a.CanInterface() && !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return path + ": differ"
		}
	}
	return ""
}

func diffDense(path string, a, b *mat.Dense) string {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		return fmt.Sprintf("%s: %dx%d and %dx%d", path, ar, ac, br, bc)
	}
	for i := range ar {
		for j := range ac {
			x, y := a.At(i, j), b.At(i, j)
			if math.Float64bits(x) != math.Float64bits(y) {
				return fmt.Sprintf("%s[%d, %d]: %v and %v", path, i, j, x, y)
			}
		}
	}
	return ""
}
