package scan

import (
	"os"
	"runtime/debug"
)

// tuneGC lets the collector run less often during a scan. A warm update
// allocates short-lived rows and entries fast over a live heap of a few
// MB, so with the default GOGC (heap goal twice the live heap) the
// collector ran about 100 times at 200,000 files and took 9 % of the CPU.
// GOGC 400 under a soft limit of 24 MiB: the limit is the heap goal the
// default already reached at a million files (live heap under 12 MB), so
// peak memory there (P6) does not grow; below it the collector runs a
// fifth as often.
// A GOGC or GOMEMLIMIT in the environment is left as the user set it.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(24 << 20)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}
