package mna

import (
	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
)

// Wired is a crossbar with wire resistance in a layered network. Its
// internal nodes (the cells' row and column nodes) are free nodes in no
// block, joined only by the crossbar's wire segments and cells: a linear
// subnetwork that a solver eliminates, leaving a dense coupling among the
// free nodes of its sides and, from a pinned side, a constant current.
type Wired struct {
	Name string
	// G is the crossbar's conductance matrix, shared with its element.
	G *mat.Dense
	// From and To are the x indices of the sides' nodes, or nil for a
	// pinned side; FromNodes and ToNodes their node indices.
	From, To           []int
	FromNodes, ToNodes []int
	// Rows and Cols are the x indices of the cells' row and column
	// nodes, row-major: cell (i, j) is Rows[i*len(To)+j].
	Rows, Cols []int
	cx         *cCross
}

// Conductances calls seg(a, b, g) for every wire segment and cell of the
// crossbar: node indices a and b (see Layering.Unknown) and the
// conductance g in siemens, as the crossbar holds them now.
func (w *Wired) Conductances(seg func(a, b int, g float64)) { w.cx.conductances(seg) }

// Unknown returns the x index of the node with index node, or -1 if it is
// pinned or ground.
func (l *Layering) Unknown(node int) int { return l.sys.unk[node] }

// sortWired records a crossbar with wire resistance and marks its
// internal nodes.
func (l *Layering) sortWired(x *circuit.Crossbar) error {
	s := l.sys
	from, _, err := l.side(x.Name, "From", x.From)
	if err != nil {
		return err
	}
	to, _, err := l.side(x.Name, "To", x.To)
	if err != nil {
		return err
	}
	var cx *cCross
	for k := range s.cross {
		if s.cross[k].x == x {
			cx = &s.cross[k]
		}
	}
	w := Wired{Name: x.Name, G: x.G, From: from, To: to, cx: cx,
		FromNodes: cx.from, ToNodes: cx.to, Rows: make([]int, len(cx.r)), Cols: make([]int, len(cx.c))}
	for k := range cx.r {
		w.Rows[k], w.Cols[k] = s.unk[cx.r[k]], s.unk[cx.c[k]]
		l.Internal[w.Rows[k]], l.Internal[w.Cols[k]] = true, true
	}
	l.Wired = append(l.Wired, w)
	return nil
}

// freeSides returns the free sides of the links and wired crossbars, each
// of which lies in one block.
func (l *Layering) freeSides() [][]int {
	var sides [][]int
	for _, k := range l.Links {
		sides = append(sides, k.From, k.To)
	}
	for _, w := range l.Wired {
		for _, side := range [][]int{w.From, w.To} {
			if side != nil {
				sides = append(sides, side)
			}
		}
	}
	return sides
}

// ReducedPower is Power for a solution x that leaves out the voltages of
// the wired crossbars' internal nodes, as a solver that eliminates them
// writes it: wired[k] is the power in watts that the pinned periphery of
// Wired[k] delivers into it (zero if no side is pinned), which the
// eliminating solver knows without those voltages. Power would compute it
// from the internal voltages in x. It panics if len(wired) is not
// len(Wired).
func (l *Layering) ReducedPower(x, wired []float64) Power {
	if len(wired) != len(l.Wired) {
		panic("circuit: ReducedPower: one power per wired crossbar")
	}
	s := l.sys
	return s.power(x, func(k int) (float64, bool) {
		for i := range l.Wired {
			if l.Wired[i].cx == &s.cross[k] {
				return wired[i], true
			}
		}
		return l.feedPower(k)
	})
}
