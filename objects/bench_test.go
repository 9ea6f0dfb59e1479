package objects

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// benchDir returns a store for benchmarks: in $DSB_BENCH_DIR when set (to
// measure a real disk; fsync on tmpfs is free), else in a temp dir.
func benchDir(b *testing.B) *Dir {
	b.Helper()
	root := b.TempDir()
	if base := os.Getenv("DSB_BENCH_DIR"); base != "" {
		var err error
		if root, err = os.MkdirTemp(base, "dsb-bench-"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(root) })
	}
	d, err := InitDir(root)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkPut measures Dir.Put with its fsyncs, for one large object and
// for many small ones (where fsync and directory creation dominate).
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	b.Run("64MiB", func(b *testing.B) {
		data, id := content(1, 64<<20)
		d := benchDir(b)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := d.Put(ctx, id, bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := d.Remove(id); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	const n, size = 4000, 8 << 10
	datas := make([][]byte, n)
	ids := make([]ID, n)
	for i := range n {
		datas[i], ids[i] = content(uint64(i), size)
	}
	// Small objects are fsync-bound; concurrent Puts share journal commits.
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("4000x8KiB/workers=%d", workers), func(b *testing.B) {
			b.SetBytes(n * size)
			for b.Loop() {
				b.StopTimer()
				d := benchDir(b)
				b.StartTimer()
				putAll(b, d, ids, datas, workers)
			}
		})
	}
}

func putAll(b *testing.B, d *Dir, ids []ID, datas [][]byte, workers int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(ids); i = int(next.Add(1) - 1) {
				if _, err := d.Put(context.Background(), ids[i], bytes.NewReader(datas[i])); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
