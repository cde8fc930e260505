//go:build !unix

package sparse

import "time"

// cpuTime is not measured here: the cpu-ns/op metric reads zero.
func cpuTime() time.Duration { return 0 }
