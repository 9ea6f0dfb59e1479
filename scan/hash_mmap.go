package scan

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// Large files are hashed through a mapping of the page cache rather than
// read(2) into a buffer: the copy into the buffer was 15-50 % of the
// hasher's CPU on cached files (more under memory-bandwidth contention),
// the mapping costs page-table work instead (P1: 0.93 of the in-memory
// SHA-256 rate per CPU-second against 0.85 with read(2), measured
// 2026-12-01). Small files keep read(2): a mapping costs more than it saves.
const (
	mmapMin    = 8 << 20  // files from this size are mapped
	mmapWindow = 32 << 20 // mapped at a time
	mmapChunk  = 1 << 20  // hashed between checks of ctx and the progress count
)

// errMapFault is a fault while hashing a mapping: the file shrank under it.
var errMapFault = fmt.Errorf("shrank while mapped: %w", errChanged)

// errNoMap means the file cannot be mapped (a filesystem without mmap).
var errNoMap = errors.New("cannot be mapped")

// hashMapped hashes the first size bytes of fd into h through mappings and
// returns how many it hashed. A file truncated meanwhile makes the kernel
// send SIGBUS for the pages past its end; SetPanicOnFault turns that into a
// panic of this goroutine, recovered here as errChanged.
func hashMapped(ctx context.Context, fd int, size int64, h hash.Hash, hs *hashState) (n int64, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	for off := int64(0); off < size; off += mmapWindow {
		l := min(size-off, mmapWindow)
		m, err := unix.Mmap(fd, off, int(l), unix.PROT_READ, unix.MAP_SHARED)
		if err != nil && off == 0 {
			return 0, errNoMap
		}
		if err != nil {
			return n, fmt.Errorf("map: %w", err)
		}
		_ = unix.Madvise(m, unix.MADV_SEQUENTIAL)
		k, err := hashWindow(ctx, m, h, hs)
		_ = unix.Munmap(m)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// hashWindow hashes one mapping, a chunk at a time.
func hashWindow(ctx context.Context, m []byte, h hash.Hash, hs *hashState) (n int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); !ok {
				panic(r)
			}
			err = errMapFault
		}
	}()
	for len(m) > 0 {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		c := m[:min(len(m), mmapChunk)]
		h.Write(c)
		m = m[len(c):]
		n += int64(len(c))
		hs.read.Add(int64(len(c)))
		if testHookRead != nil {
			testHookRead()
		}
	}
	return n, nil
}
