package spice

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
	op, err := ngRun(ctx, c)
	if err != nil {
		return nil, err
	}
	return op.nodes, nil
}

// ngOperatingPoint is ngspice's answer in eqsim's names.
type ngOperatingPoint struct {
	// nodes maps every node but ground to its voltage in volts.
	nodes map[string]float64
	// branches maps eqsim's branch unknowns (circuit.Part.Branch:
	// voltage sources, VCVS, amplifier channels "A[i]") to their currents
	// in amperes, in eqsim's direction, where ngspice has one.
	branches map[string]float64
}

func ngRun(ctx context.Context, c *circuit.Circuit) (*ngOperatingPoint, error) {
	d, err := newDeck(c)
	if err != nil {
		return nil, err
	}
	var op *ngOperatingPoint
	err = ngDeck(ctx, d, func(_ string, stdout, stderr []byte) error {
		vals := ngParsePrint(stdout)
		op = &ngOperatingPoint{nodes: make(map[string]float64, len(d.nodeList)), branches: map[string]float64{}}
		for _, n := range d.nodeList {
			v, ok := vals[strings.ToLower(d.nodes[n])]
			if !ok {
				return &NgspiceError{Msg: fmt.Sprintf("printed no voltage for node %q (%s)", n, d.nodes[n]),
					Stderr: ngLastLines(stderr, 25, 4000)}
			}
			op.nodes[n] = v
		}
		for _, b := range d.branches {
			if v, ok := vals[strings.ToLower(b.card)+"#branch"]; ok {
				op.branches[b.unknown] = v
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return op, nil
}

// ngDeck writes the deck d into a temporary directory, runs ngspice -b on
// it there and calls done with the directory and ngspice's stdout and
// stderr, before it removes the directory.
func ngDeck(ctx context.Context, d *deck, done func(dir string, stdout, stderr []byte) error) error {
	bin, err := exec.LookPath("ngspice")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoNgspice, err)
	}
	dir, err := os.MkdirTemp("", "eqsim-ngspice-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	f, err := os.Create(filepath.Join(dir, "deck.cir"))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	d.write(bw)
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	stdout, stderr, err := ngExec(ctx, bin, dir, "-n", "-b", "deck.cir")
	if err != nil {
		return err
	}
	return done(dir, stdout, stderr)
}

// ngExec runs ngspice with args in dir and returns its stdout and
// stderr, or an *NgspiceError if it does not exit with status 0.
func ngExec(ctx context.Context, bin, dir string, args ...string) (stdout, stderr []byte, err error) {
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
		if bytes.Contains(out.Bytes(), []byte(deckNoOpMessage)) {
			msg = "no DC operating point (" + msg + ")"
		}
		if bytes.Contains(out.Bytes(), []byte(deckTranFailed)) {
			msg = "the transient failed (" + msg + ")"
		}
		return nil, nil, &NgspiceError{Msg: msg, Stderr: ngLastLines(errb.Bytes(), 25, 4000)}
	}
	return out.Bytes(), errb.Bytes(), nil
}

// ngParsePrint reads the "name = value" lines of ngspice's print command;
// names are lower case, as ngspice prints them.
func ngParsePrint(out []byte) map[string]float64 {
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

// ngLastLines returns at most the last n lines and max bytes of b.
func ngLastLines(b []byte, n, max int) string {
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
