package spice

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// TranDataFile is the file into which a transient deck (WriteSpiceTran)
// writes its trajectory, in ngspice's working directory.
const TranDataFile = "eqsim-tran.dat"

// Options of a transient deck. ngspice's step control takes reltol as the
// relative accuracy of each step: 1e-6 keeps its trajectories within some
// microvolts of the exact ones on circuits of volts (the .op deck's 1e-9
// would take millions of steps); tranPoints is the least number of steps,
// the deck's largest step being the stop time over it.
const (
	tranReltol = 1e-6
	tranVntol  = 1e-9 // V
	tranPoints = 1000
)

// WriteSpiceTran writes to w an ngspice deck of c, as WriteSpice does,
// that runs a transient from 0 to stop seconds from eqsim's initial state
// and writes the trajectory of every node to TranDataFile:
//
//   - Every node starts at 0 V but those that sources hold, which start
//     at the sources' values: sources are on from t = 0, as in eqsim's
//     transient from x0 = nil. The analysis uses uic (no operating point
//     first) with an .ic line per node, from which ngspice takes every
//     capacitor's initial voltage: a capacitor from a source's node to a
//     free node starts charged to the source's voltage.
//   - eqsim's node capacitance (circuit.Circuit.NodeCapacitance) on every
//     free node without a capacitor of its own becomes a capacitor to
//     ground named c, a stem reserved like a block's (nodecap, or
//     nodecapx2 ... if a block took it), an underscore and the node's
//     SPICE name: cnodecap_h_3_ for node "h[3]". Diodes have no junction
//     capacitance, as in eqsim.
//   - ngspice's steps are at most stop/1000 seconds, with reltol 1e-6.
//   - The data file (ngspice's wrdata, with wr_singlescale and
//     wr_vecnames) has a header line of vector names, then one row per
//     time point, from the first step after t = 0: the time, every node
//     voltage and branch current (a repeated "time" column may precede
//     the branch currents).
//
// RunNgspiceTran runs such a deck and reads the data. WriteSpiceTran
// returns the errors of WriteSpice, and an error if stop is not positive
// and finite.
func WriteSpiceTran(w io.Writer, c *circuit.Circuit, stop float64) error {
	d, err := newTranDeck(c, stop)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	d.write(bw)
	return bw.Flush()
}

func newTranDeck(c *circuit.Circuit, stop float64) (*deck, error) {
	if !(stop > 0) || math.IsInf(stop, 1) {
		return nil, fmt.Errorf("spice: transient stop time %v s, want a positive number", stop)
	}
	d, err := newDeck(c)
	if err != nil {
		return nil, err
	}
	d.tran = stop
	return d, nil
}

// writeTranHeader writes what a transient deck does, as comments.
func (d *deck) writeTranHeader(w *bufio.Writer) {
	fmt.Fprintf(w, "* Runs a transient to %s s from 0 V on every node, the sources on at t = 0 (uic),\n", spiceNum(d.tran))
	fmt.Fprintf(w, "* and writes every node voltage at every time point to %s (a header of names,\n", TranDataFile)
	w.WriteString("* then the time and the values per row); exits with status 1 if it fails.\n")
}

// writeTran writes the node capacitances and the control block of a
// transient deck.
func (d *deck) writeTran(w *bufio.Writer) {
	if len(d.nodeCaps) > 0 {
		fmt.Fprintf(w, "* eqsim's node capacitance on every free node without a capacitor: c%s_NODE\n", d.capStem)
	}
	for _, nc := range d.nodeCaps {
		fmt.Fprintf(w, "c%s_%s %s 0 %s\n", d.capStem, d.nodes[nc.node], d.nodes[nc.node], spiceNum(nc.c))
	}
	// uic takes every capacitor's initial voltage from these: the
	// sources' nodes at their values, every other node at 0 V.
	w.WriteString("* The initial state: every node at 0 V but those the sources hold\n")
	for i, n := range d.nodeList {
		fmt.Fprintf(w, ".ic v(%s)=%s\n", d.nodes[n], spiceNum(d.v0[i]))
	}
	w.WriteString("\n.control\n")
	w.WriteString("set wr_singlescale\nset wr_vecnames\n")
	fmt.Fprintf(w, "set numdgt=%d\n", deckDigits)
	step := strconv.FormatFloat(d.tran/tranPoints, 'g', 15, 64)
	fmt.Fprintf(w, "tran %s %s 0 %s uic\n", step, spiceNum(d.tran), step)
	fmt.Fprintf(w, "if $sim_status > 0\n  echo %s\n  quit 1\nend\n", deckTranFailed)
	fmt.Fprintf(w, "wrdata %s all\n", TranDataFile)
	w.WriteString("quit 0\n.endc\n.end\n")
}

// deckTranFailed is what a transient deck prints when ngspice fails.
const deckTranFailed = "eqsim: transient failed"

// Trajectory is the node voltages of a transient at its time points.
type Trajectory struct {
	// Times are the time points in seconds, increasing.
	Times []float64
	// Nodes maps every node of the circuit but ground (eqsim's names) to
	// its voltage in volts at each time point.
	Nodes map[string][]float64
}

// At returns the voltage of node at t seconds, linear between the time
// points and the first or last value outside them. It panics if the
// trajectory has no such node.
func (tr *Trajectory) At(node string, t float64) float64 {
	v, ok := tr.Nodes[node]
	if !ok {
		panic(fmt.Sprintf("spice: no node %q in the trajectory", node))
	}
	k := sort.SearchFloat64s(tr.Times, t)
	switch {
	case k == 0:
		return v[0]
	case k == len(tr.Times):
		return v[k-1]
	}
	t0, t1 := tr.Times[k-1], tr.Times[k]
	s := (t - t0) / (t1 - t0)
	return v[k-1] + s*(v[k]-v[k-1])
}

// RunNgspiceTran exports c with WriteSpiceTran into a temporary directory,
// runs ngspice -b on it and returns the trajectory of every node to stop
// seconds, as RunNgspice runs the operating point (same errors; an
// *NgspiceError also if the data file misses a node or cannot be read).
func RunNgspiceTran(ctx context.Context, c *circuit.Circuit, stop float64) (*Trajectory, error) {
	d, err := newTranDeck(c, stop)
	if err != nil {
		return nil, err
	}
	var tr *Trajectory
	err = ngDeck(ctx, d, func(dir string, _, stderr []byte) error {
		f, err := os.Open(filepath.Join(dir, TranDataFile))
		if err != nil {
			return &NgspiceError{Msg: "wrote no trajectory: " + err.Error(), Stderr: ngLastLines(stderr, 25, 4000)}
		}
		defer f.Close()
		tr, err = d.parseTran(f)
		if err != nil {
			return &NgspiceError{Msg: err.Error(), Stderr: ngLastLines(stderr, 25, 4000)}
		}
		return nil
	})
	return tr, err
}

// parseTran reads a transient deck's data file into eqsim's names.
func (d *deck) parseTran(r io.Reader) (*Trajectory, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	if !sc.Scan() {
		return nil, errors.New("empty trajectory file")
	}
	bySpice := make(map[string]string, len(d.nodeList))
	for _, n := range d.nodeList {
		bySpice[strings.ToLower(d.nodes[n])] = n
	}
	head := strings.Fields(sc.Text())
	col := make([]string, len(head)) // eqsim node per column, "" for others
	tr := &Trajectory{Nodes: map[string][]float64{}}
	for i, h := range head {
		if n, ok := bySpice[strings.ToLower(h)]; ok && i > 0 {
			col[i] = n
		}
	}
	for _, n := range d.nodeList {
		if !contains(col, n) {
			return nil, fmt.Errorf("the trajectory has no column for node %q (%s)", n, d.nodes[n])
		}
	}
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 0 {
			continue
		}
		if len(f) != len(head) {
			return nil, fmt.Errorf("a row of %d values under %d names", len(f), len(head))
		}
		for i, s := range f {
			if i > 0 && col[i] == "" {
				continue
			}
			v, err := strconv.ParseFloat(string(s), 64)
			if err != nil {
				return nil, fmt.Errorf("trajectory value %q: %v", s, err)
			}
			if i == 0 {
				tr.Times = append(tr.Times, v)
			} else {
				tr.Nodes[col[i]] = append(tr.Nodes[col[i]], v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(tr.Times) == 0 {
		return nil, errors.New("the trajectory has no time points")
	}
	return tr, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
