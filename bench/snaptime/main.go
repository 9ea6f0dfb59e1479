//go:build ignore

// Command snaptime writes one catalog snapshot as backup's Describe does
// (catalog.Snapshot: a page copy, or VACUUM INTO when many pages are free, then the
// snapshot's own settings) and
// prints its seconds and bytes, for P12's snapshot cost:
//
//	go build -o snaptime bench/snaptime/main.go
//	snaptime -db cat.sqlite -out /tmp/snap.sqlite
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dsb/catalog"
)

func main() {
	db := flag.String("db", "", "catalog path")
	out := flag.String("out", "", "snapshot to write (removed first)")
	flag.Parse()
	if *db == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: snaptime -db CATALOG -out FILE")
		os.Exit(2)
	}
	path, err := filepath.Abs(*db)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, path, catalog.Options{ReadOnly: true})
	if err != nil {
		fail(err)
	}
	defer cat.Close()
	_ = os.Remove(*out)
	start := time.Now()
	if err := cat.Snapshot(ctx, *out, "bench", start); err != nil {
		fail(err)
	}
	secs := time.Since(start).Seconds()
	fi, err := os.Stat(*out)
	if err != nil {
		fail(err)
	}
	fmt.Printf("%.4f %d\n", secs, fi.Size())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "snaptime:", err)
	os.Exit(1)
}
