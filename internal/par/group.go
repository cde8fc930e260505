package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Group runs sections on W workers: on a Team while With runs, else on
// goroutines started for each section. A Group with W of 0 or 1 runs
// everything in the caller. A Group is not safe for concurrent use.
type Group struct {
	// W is the number of workers.
	W    int
	team *Team
}

// Run calls f(r, W) for every worker r at once and returns when all
// have returned.
func (g *Group) Run(f func(r, w int)) {
	w := g.W
	switch {
	case w <= 1:
		f(0, 1)
	case g.team != nil:
		g.team.Run(f)
	default:
		// Each part on a goroutine of its own while the caller waits:
		// had the caller run one part itself, the runtime would often
		// run the other part only after it, on the same core (two
		// parts of 42 us took 91 us so, and 55 us with the caller
		// waiting).
		var wg sync.WaitGroup
		for r := range w {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f(r, w)
			}()
		}
		wg.Wait()
	}
}

// Each calls f(r, i) for every i in [0, n), spreading the calls over the
// workers as they come free: no two calls with the same r run at once.
func (g *Group) Each(n int, f func(r, i int)) {
	if min(g.W, n) <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	g.Run(func(r, _ int) {
		for {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			f(r, i)
		}
	})
}

// With runs f with a Team for the group's sections, when there are no
// more workers than the Go scheduler runs at once, and stops the team
// after it.
func (g *Group) With(f func()) {
	if g.W > 1 && g.W <= runtime.GOMAXPROCS(0) && g.team == nil {
		g.team = NewTeam(g.W)
		defer func() {
			g.team.Stop()
			g.team = nil
		}()
	}
	f()
}
