package spice

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ngProc is one ngspice process run as `ngspice -n -p`: it reads commands
// on its standard input and answers on its standard output, and holds one
// circuit at a time. An exchange writes a batch of commands followed by an
// echo of a sequence number, and reads the answer up to that echo.
type ngProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	in    *bufio.Writer
	out   *bufio.Scanner
	// tail keeps the end of what ngspice wrote to standard error, for
	// messages when it fails.
	tail *ngTail
	// waited is closed when the process has exited; werr is then its
	// exit error.
	waited chan struct{}
	werr   error
	seq    int
	dead   error // set once an exchange failed; the process is then useless
}

// Markers that the commands of an exchange echo: the status of the last
// analysis and the end of the answer.
const (
	ngStatusMark = "eqsim_status"
	ngEndMark    = "eqsim_end"
)

// startNgspice starts ngspice in pipe mode in dir. It sets the number of
// printed digits so that every double survives, and turns off the
// transient fallback of the operating point, as the exported decks do.
func startNgspice(bin, dir string) (*ngProc, error) {
	cmd := exec.Command(bin, "-n", "-p")
	cmd.Dir = dir
	ngDetach(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &ngProc{cmd: cmd, stdin: stdin, in: bufio.NewWriterSize(stdin, 1<<16), tail: &ngTail{max: 4000}, waited: make(chan struct{})}
	cmd.Stderr = p.tail
	if err := cmd.Start(); err != nil {
		return nil, &NgspiceError{Msg: "cannot start: " + err.Error()}
	}
	go func() {
		p.werr = cmd.Wait()
		close(p.waited)
	}()
	p.out = bufio.NewScanner(stdout)
	p.out.Buffer(make([]byte, 1<<16), 1<<20)
	if _, err := p.exchange([]byte(fmt.Sprintf("set numdgt=%d\noptran 1 1 1 0 0 0\n", deckDigits)), nil); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// ngAnswer is what one exchange read: the values printed as "name =
// value" (names in lower case) and the status of the last analysis, -1 if
// the commands echoed none.
type ngAnswer struct {
	values map[string]float64
	status int
}

// exchange sends cmds, then an end marker, and reads ngspice's answer up
// to the marker. Values printed as "name = value" are stored into vals
// (which may be nil) under their lower-case names. The commands are
// written by another goroutine, so that ngspice never blocks on a full
// standard output while it still has commands to read.
func (p *ngProc) exchange(cmds []byte, vals map[string]float64) (ngAnswer, error) {
	if p.dead != nil {
		return ngAnswer{}, p.dead
	}
	p.seq++
	end := ngEndMark + " " + strconv.Itoa(p.seq)
	werr := make(chan error, 1)
	go func() {
		_, err := p.in.Write(cmds)
		if err == nil {
			_, err = p.in.WriteString("echo " + end + "\n")
		}
		if err == nil {
			err = p.in.Flush()
		}
		werr <- err
	}()
	ans := ngAnswer{values: vals, status: -1}
	found := false
	for p.out.Scan() {
		line := strings.TrimSpace(p.out.Text())
		if line == end {
			found = true
			break
		}
		if s, ok := strings.CutPrefix(line, ngStatusMark+" "); ok {
			if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
				ans.status = v
			}
			continue
		}
		if vals == nil {
			continue
		}
		name, val, ok := strings.Cut(line, " = ")
		if !ok || strings.ContainsAny(name, " \t") {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			vals[strings.ToLower(name)] = v
		}
	}
	err := <-werr
	if !found {
		// ngspice is gone: say why, as far as it said.
		select {
		case <-p.waited:
		case <-time.After(2 * time.Second):
		}
		msg := "exited unexpectedly"
		if p.werr != nil {
			msg += " (" + p.werr.Error() + ")"
		}
		if err == nil {
			err = p.out.Err()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			msg += ": " + err.Error()
		}
		p.dead = &NgspiceError{Msg: msg, Stderr: p.tail.String()}
		return ans, p.dead
	}
	if err != nil {
		p.dead = &NgspiceError{Msg: "writing commands: " + err.Error(), Stderr: p.tail.String()}
		return ans, p.dead
	}
	return ans, nil
}

// close asks ngspice to quit and waits a moment for it; then it kills it.
func (p *ngProc) close() {
	if p == nil {
		return
	}
	p.in.WriteString("quit\n")
	p.in.Flush()
	p.stdin.Close()
	select {
	case <-p.waited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.waited
	}
	if p.dead == nil {
		p.dead = &NgspiceError{Msg: "closed"}
	}
}

// ngTail keeps the last max bytes written to it.
type ngTail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *ngTail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, b...)
	if len(t.b) > 2*t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(b), nil
}

// String returns the last lines kept, without ngspice's complaint that it
// has no graphics, which it makes on every start in pipe mode.
func (t *ngTail) String() string {
	t.mu.Lock()
	b := bytes.Clone(t.b)
	t.mu.Unlock()
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "no graphics interface") || strings.Contains(l, "X-server is running") ||
			strings.Contains(l, "compiled properly (see INSTALL)") {
			continue
		}
		keep = append(keep, l)
	}
	return ngLastLines([]byte(strings.Join(keep, "\n")), 25, 4000)
}
