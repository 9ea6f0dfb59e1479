//go:build ignore

// Command sortref prints the seconds one sort.Slice of -n 80-byte structs
// takes (random uint64 keys, best of -r runs, each on a fresh copy of the
// same shuffled slice): the same-run reference of benchmark P5, a plan of
// 1,000,000 planner.Object values, which are 80 bytes each. Build it by
// file name:
//
//	go build -o sortref bench/sortref/main.go
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
	"unsafe"
)

// item has the size of planner.Object: an 8-byte key and 72 bytes that
// travel with it through every swap.
type item struct {
	key uint64
	pad [9]uint64
}

func main() {
	n := flag.Int("n", 1_000_000, "number of structs")
	runs := flag.Int("r", 3, "runs (the best is printed)")
	flag.Parse()
	if unsafe.Sizeof(item{}) != 80 {
		panic("item is not 80 bytes")
	}
	r := rand.New(rand.NewPCG(8, 8))
	master := make([]item, *n)
	for i := range master {
		master[i].key = r.Uint64()
		master[i].pad[0] = uint64(i)
	}
	work := make([]item, *n)
	best := time.Duration(1 << 62)
	for range *runs {
		copy(work, master)
		start := time.Now()
		sort.Slice(work, func(i, j int) bool { return work[i].key < work[j].key })
		best = min(best, time.Since(start))
	}
	for i := 1; i < len(work); i++ {
		if work[i-1].key > work[i].key {
			panic("not sorted")
		}
	}
	fmt.Printf("%.4f\n", best.Seconds())
}
