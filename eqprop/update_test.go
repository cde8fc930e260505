package eqprop

import "testing"

// wholeBlocks hides the RowProgrammer of a Native, so that the trainer
// programs whole blocks.
type wholeBlocks struct {
	Physical
	n *Native
}

func (w wholeBlocks) Reset() { w.n.Reset() }

func (w wholeBlocks) Clone() (Physical, error) {
	c, err := w.n.Clone()
	if err != nil {
		return nil, err
	}
	return wholeBlocks{c, c.(*Native)}, nil
}

// Programming each band of rows as the update finishes it gives the same
// training, bit for bit, as programming whole blocks after it, and the
// clones relax with the new conductances.
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
