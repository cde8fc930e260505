package main

import (
	"encoding/json"
	"fmt"
	"math"
)

// jsonFloat is a float64 that encodes as JSON null when it is not finite,
// which encoding/json refuses to encode: a result with a NaN in it still
// prints. Finite values encode as encoding/json encodes a float64.
type jsonFloat float64

func (x jsonFloat) MarshalJSON() ([]byte, error) {
	if !isFinite(float64(x)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// nonFinite says what of a solve is not finite, or "" if all is: the
// voltage of the first node of names whose voltage v[index(name)] is
// not, else the KCL residual at node worst.
func nonFinite(residual float64, worst string, names []string, v []float64, index func(string) int) string {
	for _, n := range names {
		if x := v[index(n)]; !isFinite(x) {
			return fmt.Sprintf("non-finite voltage %v at node %q", x, n)
		}
	}
	if !isFinite(residual) {
		return fmt.Sprintf("non-finite KCL residual %v A at node %q", residual, worst)
	}
	return ""
}
