//go:build ignore

// Command mktree writes a synthetic tree of files with random content for
// the benchmarks: -files files spread evenly over -dirs directories (two
// levels deep), each of a random size in [-min, -max] bytes. With -large it
// instead writes -files files of exactly -max bytes each in DIR itself.
// Content comes from a seeded PRNG, so runs are repeatable and no two files
// share content (except by chance for the tiniest sizes).
//
//	go build -o mktree bench/mktree/main.go
//	mktree -files 200000 -dirs 1000 -min 1024 -max 16384 DIR
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

func main() {
	files := flag.Int("files", 1000, "number of files")
	dirs := flag.Int("dirs", 10, "number of leaf directories")
	minSize := flag.Int("min", 1, "smallest file size in bytes")
	maxSize := flag.Int("max", 1024, "largest file size in bytes")
	large := flag.Bool("large", false, "write -files files of -max bytes each directly in DIR")
	seed := flag.Uint64("seed", 1, "PRNG seed")
	workers := flag.Int("j", runtime.NumCPU(), "parallel writers")
	flag.Parse()
	if flag.NArg() != 1 || *files < 0 || *dirs < 1 || *minSize < 0 || *maxSize < *minSize {
		fmt.Fprintln(os.Stderr, "usage: mktree [-files N] [-dirs N] [-min B] [-max B] [-large] DIR")
		os.Exit(2)
	}
	root := flag.Arg(0)
	if err := os.MkdirAll(root, 0o755); err != nil {
		fail(err)
	}
	if *large {
		writeLarge(root, *files, int64(*maxSize), *seed, *workers)
		return
	}
	// Leaf directory d lives at root/gNN/dNNNN: about sqrt(dirs) groups.
	groups := 1
	for groups*groups < *dirs {
		groups++
	}
	leaf := func(d int) string {
		return filepath.Join(root, fmt.Sprintf("g%03d", d%groups), fmt.Sprintf("d%05d", d))
	}
	for d := 0; d < *dirs; d++ {
		if err := os.MkdirAll(leaf(d), 0o755); err != nil {
			fail(err)
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewChaCha8(seedBytes(*seed, uint64(w))))
			buf := make([]byte, *maxSize)
			for i := w; i < *files; i += *workers {
				size := *minSize + rng.IntN(*maxSize-*minSize+1)
				fill(rng, buf[:size])
				name := filepath.Join(leaf(i%*dirs), fmt.Sprintf("f%07d", i))
				if err := os.WriteFile(name, buf[:size], 0o644); err != nil {
					fail(err)
				}
			}
		}(w)
	}
	wg.Wait()
}

func writeLarge(root string, files int, size int64, seed uint64, workers int) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i := 0; i < files; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			rng := rand.New(rand.NewChaCha8(seedBytes(seed, uint64(1000+i))))
			f, err := os.Create(filepath.Join(root, fmt.Sprintf("large%03d.bin", i)))
			if err != nil {
				fail(err)
			}
			buf := make([]byte, 4<<20)
			for left := size; left > 0; {
				n := int64(len(buf))
				if n > left {
					n = left
				}
				fill(rng, buf[:n])
				if _, err := f.Write(buf[:n]); err != nil {
					fail(err)
				}
				left -= n
			}
			if err := f.Close(); err != nil {
				fail(err)
			}
		}(i)
	}
	wg.Wait()
}

func fill(rng *rand.Rand, b []byte) {
	for len(b) >= 8 {
		v := rng.Uint64()
		b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		b[4], b[5], b[6], b[7] = byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
		b = b[8:]
	}
	if len(b) > 0 {
		v := rng.Uint64()
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
	}
}

func seedBytes(seed, stream uint64) [32]byte {
	var s [32]byte
	for i := 0; i < 8; i++ {
		s[i] = byte(seed >> (8 * i))
		s[8+i] = byte(stream >> (8 * i))
	}
	return s
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mktree:", err)
	os.Exit(1)
}
