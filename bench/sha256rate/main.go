//go:build ignore

// Command sha256rate prints how many bytes per second one goroutine hashes
// with crypto/sha256 from an in-memory buffer: the single-core reference of
// benchmark P1. It is a standalone program (build tag ignore keeps it out of
// `go test ./...` and the import-rules test); build it by file name:
//
//	go build -o sha256rate bench/sha256rate/main.go
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"runtime"
	"time"
)

func main() {
	dur := flag.Duration("d", time.Second, "how long to hash")
	size := flag.Int("buf", 1<<20, "bytes per Write (dsb's hashers read 1 MiB at a time)")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	buf := make([]byte, *size)
	for i := range buf {
		buf[i] = byte(i*131 + i>>8)
	}
	h := sha256.New()
	h.Write(buf) // warm up
	var n int64
	start := time.Now()
	deadline := start.Add(*dur)
	for time.Now().Before(deadline) {
		for i := 0; i < 16; i++ {
			h.Write(buf)
			n += int64(len(buf))
		}
	}
	el := time.Since(start)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	fmt.Printf("%.0f\n", float64(n)/el.Seconds())
}
