package scan

import (
	"os"
	"runtime/debug"
)

// tuneGC lets the collector run less often during a scan. A warm update
// allocates short-lived rows and entries fast over a live heap of a few
// MB, so with the default GOGC (heap goal twice the live heap) the
// collector ran about 100 times at 200,000 files and took 9 % of the CPU.
// GOGC 400 under a soft limit of 48 MiB keeps the heap small where the
// live heap is large (the limit makes the collector work harder instead).
// A GOGC or GOMEMLIMIT in the environment is left as the user set it.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(48 << 20)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}
