// Package progress shows the progress of eqsim's long commands on stderr:
// a bar with the rate and the time left when stderr is a terminal, only
// the log lines otherwise. It implements run.Progress.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Bar shows the progress of a loop on w. Log lines go through it so that
// they do not tear the bar.
type Bar struct {
	w    io.Writer
	tty  bool
	bar  *progressbar.ProgressBar
	unit string
}

// New returns a Bar on w that draws a bar, counting unit ("samples",
// "runs"), only when tty is true.
func New(w io.Writer, tty bool, unit string) *Bar { return &Bar{w: w, tty: tty, unit: unit} }

// Start begins a bar of total items, done of them already done.
func (p *Bar) Start(desc string, total, done int) {
	if !p.tty {
		return
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(p.unit),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	if done > 0 {
		// The items done before a resume do not count toward the rate.
		p.bar.ChangeMax(total - done)
	}
	p.bar.RenderBlank()
}

// Set records that done items are done, in all, of which skip were done
// before Start.
func (p *Bar) Set(done, skip int) {
	if p.bar != nil {
		p.bar.Set(done - skip)
	}
}

// Finish removes the bar.
func (p *Bar) Finish() {
	if p.bar != nil {
		p.bar.Exit()
		p.bar.Clear()
		p.bar = nil
	}
}

// Printf writes a log line, above the bar if there is one.
func (p *Bar) Printf(format string, args ...any) {
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintf(p.w, format, args...)
	if p.bar != nil {
		p.bar.RenderBlank()
	}
}
