package netlist

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/circuit"
)

// ErrNoNgspice is returned by RunNgspice when no ngspice program is on PATH.
var ErrNoNgspice = errors.New("ngspice is not installed (not on PATH); install it, e.g. apt-get install ngspice")

// NgspiceError is returned by RunNgspice when ngspice fails: it cannot be
// started, exits with a nonzero status (it does when it finds no operating
// point) or prints no value for some node.
type NgspiceError struct {
	// Msg says what went wrong.
	Msg string
	// Stderr is the tail of what ngspice wrote to standard error.
	Stderr string
}

func (e *NgspiceError) Error() string {
	if e.Stderr == "" {
		return "ngspice: " + e.Msg
	}
	return "ngspice: " + e.Msg + "; its last words on stderr:\n" + e.Stderr
}

// RunNgspice exports c with WriteSpice into a temporary directory, runs
// ngspice -b on it and returns the DC voltage in volts of every node of c
// but ground, keyed by the node's eqsim name. ngspice runs without reading
// any .spiceinit file, so that a user's settings do not change the result.
// When ctx is done it kills ngspice and returns ctx.Err().
//
// RunNgspice returns ErrNoNgspice (wrapped) when ngspice is not on PATH, the
// error of WriteSpice for a circuit that has no deck, and an *NgspiceError
// holding the tail of ngspice's stderr when ngspice fails.
func RunNgspice(ctx context.Context, c *circuit.Circuit) (map[string]float64, error) {
	op, err := runNgspice(ctx, c)
	if err != nil {
		return nil, err
	}
	return op.nodes, nil
}

// operatingPoint is ngspice's answer in eqsim's names.
type operatingPoint struct {
	// nodes maps every node but ground to its voltage in volts.
	nodes map[string]float64
	// branches maps eqsim's branch unknowns (circuit.System.UnknownName:
	// floating voltage sources, VCVS, amplifier channels "A[i]") to their
	// currents in amperes, in eqsim's direction, where ngspice has one.
	branches map[string]float64
}

func runNgspice(ctx context.Context, c *circuit.Circuit) (*operatingPoint, error) {
	bin, err := exec.LookPath("ngspice")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoNgspice, err)
	}
	d, err := newDeck(c)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "eqsim-ngspice-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	f, err := os.Create(filepath.Join(dir, "deck.cir"))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	d.write(bw)
	if err := bw.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}

	stdout, stderr, err := execNgspice(ctx, bin, dir, "-n", "-b", "deck.cir")
	if err != nil {
		return nil, err
	}
	vals := parsePrint(stdout)
	op := &operatingPoint{nodes: make(map[string]float64, len(d.nodeList)), branches: map[string]float64{}}
	for _, n := range d.nodeList {
		v, ok := vals[strings.ToLower(d.nodes[n])]
		if !ok {
			return nil, &NgspiceError{Msg: fmt.Sprintf("printed no voltage for node %q (%s)", n, d.nodes[n]),
				Stderr: lastLines(stderr, 25, 4000)}
		}
		op.nodes[n] = v
	}
	for _, e := range c.Elements {
		switch e := e.(type) {
		case *circuit.VSource, *circuit.VCVS:
			if v, ok := vals[strings.ToLower(d.elems[e])+"#branch"]; ok {
				op.branches[e.Label()] = v
			}
		case *circuit.Amplifier:
			for i := range e.From {
				if v, ok := vals[fmt.Sprintf("e%s_%d#branch", d.stems[e], i)]; ok {
					op.branches[fmt.Sprintf("%s[%d]", e.Name, i)] = v
				}
			}
		}
	}
	return op, nil
}

// execNgspice runs ngspice with args in dir and returns its stdout and
// stderr, or an *NgspiceError if it does not exit with status 0.
func execNgspice(ctx context.Context, bin, dir string, args ...string) (stdout, stderr []byte, err error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdout = &out
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		msg := err.Error()
		if bytes.Contains(out.Bytes(), []byte(noOpMessage)) {
			msg = "no DC operating point (" + msg + ")"
		}
		return nil, nil, &NgspiceError{Msg: msg, Stderr: lastLines(errb.Bytes(), 25, 4000)}
	}
	return out.Bytes(), errb.Bytes(), nil
}

// parsePrint reads the "name = value" lines of ngspice's print command;
// names are lower case, as ngspice prints them.
func parsePrint(out []byte) map[string]float64 {
	vals := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " = ")
		if !ok || strings.ContainsAny(name, " \t") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		vals[strings.ToLower(name)] = v
	}
	return vals
}

// lastLines returns at most the last n lines and max bytes of b.
func lastLines(b []byte, n, max int) string {
	b = bytes.TrimRight(b, "\n \t")
	if len(b) > max {
		b = b[len(b)-max:]
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
