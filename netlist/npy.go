package netlist

import "github.com/eqsim/eqsim/internal/npy"

// npyArray is a decoded sidecar: its shape, and its values in C order.
type npyArray struct {
	shape []int
	data  []float64
}

// decodeNpy decodes a sidecar .npy file with eqsim's one codec (package
// internal/npy), refusing arrays of more than maxElems elements.
func decodeNpy(b []byte, maxElems int) (*npyArray, error) {
	a, err := npy.Decode(b, maxElems)
	if err != nil {
		return nil, err
	}
	return &npyArray{shape: a.Shape, data: a.Data}, nil
}

// encodeNpy encodes a sidecar as numpy.save writes it.
func encodeNpy(shape []int, data []float64) []byte { return npy.Encode(shape, data) }
