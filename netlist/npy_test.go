package netlist

import (
	"os/exec"
	"testing"
)

// pythonWithNumpy returns a python3 that can import numpy, or "".
func pythonWithNumpy() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil {
			if exec.Command(p, "-c", "import numpy").Run() == nil {
				return p
			}
		}
	}
	return ""
}

// TestSidecarCodec: a sidecar round-trips through the codec's wrappers
// with its shape, and a bad one gives the codec's error. The codec itself
// is tested in internal/npy.
func TestSidecarCodec(t *testing.T) {
	a, err := decodeNpy(encodeNpy([]int{2, 1}, []float64{0.5, -3}), 2)
	if err != nil || len(a.shape) != 2 || a.shape[0] != 2 || a.shape[1] != 1 || a.data[0] != 0.5 || a.data[1] != -3 {
		t.Errorf("round trip: %+v, %v", a, err)
	}
	if _, err := decodeNpy(encodeNpy([]int{3}, []float64{1, 2, 3}), 2); err == nil {
		t.Error("3 elements with a limit of 2 decoded")
	}
}
