package spice

import (
	"context"

	"github.com/eqsim/eqsim/circuit"
)

// This file lends the tests of package spice_test, which may import the
// faces and solvers above package spice, what they check of its insides.

// DeckNames are the names a deck gives a circuit.
type DeckNames struct {
	// Nodes maps eqsim nodes to SPICE nodes; NodeList lists the nodes
	// but ground in deck order.
	Nodes    map[string]string
	NodeList []string
	// Cards holds, per element, the card name of a single element and
	// "" for a block; Stems the stem of a block and "" for a single one.
	Cards, Stems []string
}

// NamesOf returns the names the deck of c gives it.
func NamesOf(c *circuit.Circuit) (*DeckNames, error) {
	d, err := newDeck(c)
	if err != nil {
		return nil, err
	}
	n := &DeckNames{Nodes: d.nodes, NodeList: d.nodeList}
	for _, el := range d.elems {
		if el.single {
			n.Cards, n.Stems = append(n.Cards, el.name), append(n.Stems, "")
		} else {
			n.Cards, n.Stems = append(n.Cards, ""), append(n.Stems, el.stem)
		}
	}
	return n, nil
}

// OperatingPoint is ngspice's answer: node voltages and branch currents
// keyed by eqsim's names.
type OperatingPoint struct {
	Nodes, Branches map[string]float64
}

// RunOP runs ngspice on c as RunNgspice does and returns the branch
// currents too.
func RunOP(ctx context.Context, c *circuit.Circuit) (*OperatingPoint, error) {
	op, err := ngRun(ctx, c)
	if err != nil {
		return nil, err
	}
	return &OperatingPoint{Nodes: op.nodes, Branches: op.branches}, nil
}

// Vectors returns the number of vectors ngspice prints for the deck of c.
func Vectors(c *circuit.Circuit) int {
	d, err := newDeck(c)
	if err != nil {
		panic(err)
	}
	return d.vectors()
}

var (
	ParsePrint  = ngParsePrint
	LastLines   = ngLastLines
	Num         = spiceNum
	IsSpiceName = isSpiceName
)

// NgspiceCounts returns how many operating points the systems of n have
// solved and how many times they have loaded their decks.
func NgspiceCounts(n *Ngspice) (solves, loads int) {
	for _, s := range n.systems {
		if s != nil {
			solves += s.solved
			loads += s.reloads
		}
	}
	return solves, loads
}
