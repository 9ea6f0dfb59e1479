package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profiled runs fn under the CPU profiler when DSB_CPUPROFILE names a
// file (for bench/: `go tool pprof dsb FILE`); main's os.Exit would skip
// a deferred StopCPUProfile, so the profile is stopped here.
func profiled(fn func() int) int {
	path := os.Getenv("DSB_CPUPROFILE")
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dsb: DSB_CPUPROFILE:", err)
		return fn()
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "dsb: DSB_CPUPROFILE:", err)
		return fn()
	}
	defer pprof.StopCPUProfile()
	return fn()
}
