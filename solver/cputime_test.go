//go:build unix

package solver

import (
	"syscall"
	"time"
)

// procTime returns the processor time of the process so far, user and
// system, over all its threads: benchmarks report it beside the wall time
// (cpu-ns/op) because the machine they run on is shared.
func procTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
