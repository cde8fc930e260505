package safeio_test

import (
	"testing"

	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/netlist"
)

// TestMaxNpy checks that a .npy file of the largest allowed crossbars
// fits the limit.
func TestMaxNpy(t *testing.T) {
	if want := netlist.MaxWeights*8 + 64<<10; safeio.MaxNpy != want {
		t.Errorf("MaxNpy = %d, want %d (netlist.MaxWeights float64 values and a 64 KiB header)", safeio.MaxNpy, want)
	}
}
