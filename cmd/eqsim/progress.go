package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows the progress of an epoch on stderr: a bar with the rate in
// samples per second and the time left when stderr is a terminal, nothing
// otherwise. Log lines go through it so that they do not tear the bar.
type progress struct {
	w    io.Writer
	tty  bool
	bar  *progressbar.ProgressBar
	unit string // what the bar counts ["samples"]
}

func newProgress(w io.Writer, tty bool) *progress { return &progress{w: w, tty: tty} }

// start begins a bar of total samples, done of them already done.
func (p *progress) start(desc string, total, done int) {
	if !p.tty {
		return
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(cmp.Or(p.unit, "samples")),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	if done > 0 {
		// The samples done before a resume do not count toward the rate.
		p.bar.ChangeMax(total - done)
	}
	p.bar.RenderBlank()
}

// set records that done samples of the epoch are done, in all, of which
// skip were done before this start.
func (p *progress) set(done, skip int) {
	if p.bar != nil {
		p.bar.Set(done - skip)
	}
}

// finish removes the bar.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Exit()
		p.bar.Clear()
		p.bar = nil
	}
}

// printf writes a log line, above the bar if there is one.
func (p *progress) printf(format string, args ...any) {
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintf(p.w, format, args...)
	if p.bar != nil {
		p.bar.RenderBlank()
	}
}
