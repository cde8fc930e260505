//go:build unix

package sparse

import (
	"syscall"
	"time"
)

// cpuTime returns the processor time of the process so far, user and
// system, over all its threads: the benchmarks report it beside the wall
// time because the machine they run on is shared.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
