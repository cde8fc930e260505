package par

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A team runs every part of every call once, before run returns, also
// after its members went to sleep, and its members end when it stops.
func TestTeam(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, w := range []int{2} {
		tm := NewTeam(w)
		counts := make([]atomic.Int64, w)
		for call := range 2000 {
			seen := make([]bool, w)
			tm.Run(func(r, n int) {
				if n != w {
					t.Errorf("run gave w = %d, want %d", n, w)
				}
				seen[r] = true
				counts[r].Add(1)
			})
			for r, ok := range seen {
				if !ok {
					t.Fatalf("call %d: part %d did not run before run returned", call, r)
				}
			}
			if call == 1000 {
				time.Sleep(20 * time.Millisecond) // the members sleep
			}
		}
		for r := range counts {
			if c := counts[r].Load(); c != 2000 {
				t.Errorf("w = %d: part %d ran %d times, want 2000", w, r, c)
			}
		}
		tm.Stop()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after stop, %d before", n, before)
	}
}

// BenchmarkSpins measures how long a member waits awake, spinning on a
// generation that does not change, before it goes to sleep.
func BenchmarkSpins(b *testing.B) {
	var gen atomic.Uint64
	for b.Loop() {
		g := gen.Load()
		for i := 0; g == 0 && i < spins; i++ {
			g = gen.Load()
		}
	}
}
