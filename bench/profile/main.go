//go:build ignore

// Command profile runs one `dsb update` (scan.Run) on an existing catalog
// under the CPU profiler, for finding where update spends its time. Map the
// sources with dsb first, then:
//
//	go build -o profile bench/profile/main.go
//	profile -db cat.sqlite -cpuprofile cold.pprof
//	go tool pprof -top profile cold.pprof
//
// It is a standalone program (build tag ignore keeps it out of
// `go test ./...` and the import-rules test).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"

	"dsb/catalog"
	"dsb/scan"
)

func main() {
	db := flag.String("db", "", "catalog path")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	mem := flag.String("memprofile", "", "write a heap profile here (after the scan)")
	jobs := flag.Int("jobs", 0, "hashers (0: NumCPU)")
	flag.Parse()
	if *db == "" {
		fmt.Fprintln(os.Stderr, "usage: profile -db CATALOG [-cpuprofile F] [-memprofile F]")
		os.Exit(2)
	}
	path, err := filepath.Abs(*db) // the catalog wants an absolute path
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, path, catalog.Options{})
	if err != nil {
		fail(err)
	}
	defer cat.Close()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	res, err := scan.Run(ctx, cat, scan.Options{Jobs: *jobs})
	if err != nil {
		fail(err)
	}
	fmt.Printf("new %d unchanged %d bytes_hashed %d seconds %.3f\n",
		res.New, res.Unchanged, res.BytesHashed, res.Elapsed.Seconds())
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			fail(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			fail(err)
		}
		_ = f.Close()
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "profile:", err)
	os.Exit(1)
}
