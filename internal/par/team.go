package par

import (
	"runtime"
	"sync/atomic"
)

// spins is how many times a member of a team looks for new work before
// it sleeps: 0.6 ms on the 2-core machine (BenchmarkSpins), longer than
// the serial work between two parallel sections of a training epoch. Waking a sleeping goroutine takes
// the runtime and the operating system tens of microseconds, as long as
// a section; a core that waits awake costs nothing while it has nothing
// else to do. Measured on the 2-core machine: two halves of 42 us of work
// take 43 us on a team, 55-61 us on goroutines started for them and 91 us
// when the caller runs one half itself.
const spins = 1 << 21

// Team runs a function on w goroutines at once, many times over, with
// goroutines that stay between the calls: w-1 members and the caller. It
// is meant for w no larger than GOMAXPROCS: a member that waits holds its
// core. A Team is not safe for concurrent use; Stop ends its members.
type Team struct {
	w    int
	f    func(r, w int)
	gen  atomic.Uint64 // counts the calls of Run and Stop
	done atomic.Int64  // members that finished the current call
	quit atomic.Bool
	wake []chan struct{} // per member, a token when it may be asleep
	zzz  []atomic.Bool   // per member, set while it sleeps or is about to
}

// NewTeam starts a team of w goroutines, the caller of Run included.
func NewTeam(w int) *Team {
	t := &Team{w: w, wake: make([]chan struct{}, w), zzz: make([]atomic.Bool, w)}
	for r := 1; r < w; r++ {
		t.wake[r] = make(chan struct{}, 1)
		go t.member(r)
	}
	return t
}

// member is the loop of member r.
func (t *Team) member(r int) {
	// Not t.gen.Load(): the first call may come before the member starts.
	seen := uint64(0)
	for {
		g := t.gen.Load()
		for i := 0; g == seen && i < spins; i++ {
			g = t.gen.Load()
		}
		if g == seen {
			t.zzz[r].Store(true)
			// A call that came between the last look and the store
			// above sent no token: look again before sleeping.
			if g = t.gen.Load(); g == seen {
				<-t.wake[r]
				t.zzz[r].Store(false)
				continue // the token may be stale: look at gen again
			}
			t.zzz[r].Store(false)
		}
		seen = g
		if t.quit.Load() {
			return
		}
		t.f(r, t.w)
		t.done.Add(1)
	}
}

// Run calls f(r, w) for every r in [0, w) at once, f(0, w) in the
// calling goroutine, and returns when all have returned.
func (t *Team) Run(f func(r, w int)) {
	t.f = f
	t.done.Store(0)
	t.gen.Add(1)
	t.wakeAll()
	f(0, t.w)
	for i := 0; t.done.Load() != int64(t.w-1); i++ {
		if i >= spins {
			runtime.Gosched()
		}
	}
	t.f = nil
}

// wakeAll gives a token to every member that may be asleep.
func (t *Team) wakeAll() {
	for r := 1; r < t.w; r++ {
		if t.zzz[r].Load() {
			select {
			case t.wake[r] <- struct{}{}:
			default:
			}
		}
	}
}

// Stop ends the members.
func (t *Team) Stop() {
	t.quit.Store(true)
	t.gen.Add(1)
	for r := 1; r < t.w; r++ {
		select {
		case t.wake[r] <- struct{}{}:
		default:
		}
	}
}
