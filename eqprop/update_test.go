package eqprop_test

import (
	"testing"

	. "github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/eqprop/native"
)

// wholeBlocks hides the RowProgrammer, InPlace and Batched of a native.Network,
// so that the trainer programs whole blocks from its own copy and every
// relaxation multiplies its inputs out itself.
type wholeBlocks struct {
	Physical
	n *native.Network
}

func (w wholeBlocks) Reset() { w.n.Reset() }

func (w wholeBlocks) Clone() (Physical, error) {
	c, err := w.n.Clone()
	if err != nil {
		return nil, err
	}
	return wholeBlocks{c, c.(*native.Network)}, nil
}

// Updating the conductances in place with their sums, and sharing the
// products of the inputs among the workers a stripe at a time (InPlace,
// Batched), gives the same training, bit for bit, as programming whole
// blocks from the trainer's copy after the update and relaxing each
// sample by itself, and the clones relax with the new conductances.
func TestTrainerProgramRows(t *testing.T) {
	set := randomSet(45, 40, 4, 1)
	var ref [][]float64
	for _, rows := range []bool{false, true} {
		n, cfg := smallKendall(t)
		cfg.Workers = 2
		var net Physical = wholeBlocks{n, n}
		if rows {
			net = n
		}
		if _, ok := net.(RowProgrammer); ok != rows {
			t.Fatalf("RowProgrammer %t, want %t", ok, rows)
		}
		tr, _ := train(t, net, cfg, set, 2)
		if _, ok := net.(Batched); ok != rows || tr.Direct(0) != rows || tr.InPlace() != rows {
			t.Fatalf("Batched, direct and in place not all %t", rows)
		}
		s := tr.State().Conductances
		got := make([]float64, len(s[0]))
		n.ConductancesTo(got, 0)
		sameConductances(t, "network vs state", [][]float64{got}, s[:1])
		if ref == nil {
			ref = s
			continue
		}
		sameConductances(t, "rows vs whole blocks", s, ref)
	}
}
