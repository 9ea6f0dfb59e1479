package scan

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/objects"
)

// errChanged means the file changed while it was read.
var errChanged = errors.New("changed while being read")

type hashJob struct {
	dir    int64
	vpath  string
	e      entry
	old    *catalog.File
	check  bool // --paranoid re-read of a file that looks unchanged
	oldID  objects.ID
	queued int64 // bytes counted in the queue
}

type hashResult struct {
	job hashJob
	id  objects.ID
	st  entry // the stat that brackets the read
	err error
}

// hasher hashes files; read counts every byte read (for a progress bar
// that moves within a large file too).
func hasher(ctx context.Context, retries int, jobs <-chan hashJob, out chan<- hashResult, read *atomic.Int64) {
	hs := hashState{buf: make([]byte, 1<<20), classes: fsClasses{}, read: read}
	for j := range jobs {
		r := hashResult{job: j}
		r.id, r.st, r.err = hashRetry(ctx, j.e, retries, &hs)
		out <- r
	}
}

// errRacy means the file's times lie within one timestamp tick of the read:
// a write during the read could have left them unchanged, so the read is
// repeated once the tick has passed.
var errRacy = errors.New("modified too recently to trust its times")

// hashState is one hasher's reusable state.
type hashState struct {
	buf     []byte
	classes fsClasses
	read    *atomic.Int64
}

func hashRetry(ctx context.Context, e entry, retries int, hs *hashState) (objects.ID, entry, error) {
	for try, racy := 0, 0; ; {
		id, st, err := hashFile(ctx, e, hs)
		var wait racyWait
		if errors.As(err, &wait) && racy < 2*retries {
			racy++
			if sleepCtx(ctx, wait.d) != nil {
				return id, st, ctx.Err()
			}
			continue
		}
		if !errors.Is(err, errChanged) && !errors.Is(err, errRacy) || try >= retries {
			if errors.Is(err, errChanged) || errors.Is(err, errRacy) {
				err = fmt.Errorf("%s %w %d times; left as it was, run update again later", e.real, errChanged, try+1)
			}
			return id, st, err
		}
		try++
	}
}

// racyWait is errRacy with how long to wait before the next read.
type racyWait struct{ d time.Duration }

func (racyWait) Error() string        { return errRacy.Error() }
func (racyWait) Is(target error) bool { return target == errRacy }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hashFile reads the file once, sequentially, and returns its SHA-256 with
// the stat taken before the read. If size, mtime or ctime differ after the
// read, or fewer or more bytes than the size were read, the content is not
// trusted and errChanged is returned. If the times are within one tick of
// the read (see racy), a racyWait is returned: same-tick writes are
// invisible in the times, so only a read that starts a tick after the last
// change is trusted. It works on a raw descriptor: an *os.File would
// register every file with the network poller, which costs several system
// calls per file for nothing.
func hashFile(ctx context.Context, e entry, hs *hashState) (objects.ID, entry, error) {
	buf := hs.buf
	var id objects.ID
	// O_NONBLOCK: a file replaced by a FIFO since the walk must not hang
	// the open (the fstat below refuses it); regular files ignore it.
	flags := unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK
	if e.follow {
		flags &^= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(e.real, flags, 0)
	if err != nil {
		return id, e, &os.PathError{Op: "open", Path: e.real, Err: err}
	}
	defer unix.Close(fd)
	start := time.Now().UnixNano()
	before, after := e, e
	if err := fstatEntry(fd, &before); err != nil {
		return id, e, err
	}
	if before.rawMode&unix.S_IFMT != unix.S_IFREG {
		return id, e, fmt.Errorf("%s is no longer a regular file: %w", e.real, errChanged)
	}
	if before.size > int64(len(buf)) {
		_ = unix.Fadvise(fd, 0, 0, unix.FADV_SEQUENTIAL)
	}
	h := sha256.New()
	var n int64
	if before.size >= mmapMin {
		n, err = hashMapped(ctx, fd, before.size, h, hs)
		if errors.Is(err, errNoMap) { // a filesystem without mappings: read it
			h.Reset()
			n, err = hashRead(ctx, fd, h, hs)
		} else if err == nil && n == before.size {
			// A byte past the size: the file grew (the stat below tells too).
			var one [1]byte
			if m, _ := unix.Pread(fd, one[:], before.size); m > 0 {
				n++
			}
		}
	} else {
		n, err = hashRead(ctx, fd, h, hs)
	}
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, errChanged) {
			return id, e, err
		}
		return id, e, &os.PathError{Op: "read", Path: e.real, Err: err}
	}
	if err := fstatEntry(fd, &after); err != nil {
		return id, e, err
	}
	if n != before.size || !sameStat(&before, &after) {
		return id, e, errChanged
	}
	if d := racy(hs.classes.classOf(fd, before.dev), &before, start, time.Now().UnixNano()); d > 0 {
		return id, e, racyWait{d}
	}
	before.gen = generation(fd)
	before.xattrs, err = readXAttrsFd(fd)
	before.xattrsRead = err == nil
	h.Sum(id[:0])
	return id, before, nil
}

// hashRead hashes fd from its offset to its end with read(2).
func hashRead(ctx context.Context, fd int, h hash.Hash, hs *hashState) (int64, error) {
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := unix.Read(fd, hs.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if testHookRead != nil {
			testHookRead()
		}
		if m == 0 {
			return n, nil
		}
		h.Write(hs.buf[:m])
		n += int64(m)
		hs.read.Add(int64(m))
	}
}

// sameStat compares what a write changes.
func sameStat(a, b *entry) bool {
	return a.size == b.size && a.mtime == b.mtime && a.ctime == b.ctime && a.ino == b.ino && a.dev == b.dev
}

// racy returns how long to wait before a read of the file can be trusted,
// or 0 when this read (from start to end, wall-clock ns) can be: when a
// write during it must have moved mtime or (where trusted) ctime. A write
// stamps the coarse "now"; it leaves a time unchanged only if that time was
// already within one tick of the read. Times far in the future are not
// racy: a write would set them back to now.
func racy(c fsClass, st *entry, start, end int64) time.Duration {
	near := func(t int64) bool { return t > start-c.tick && t < end+c.tick }
	if !near(st.mtime) || c.ctimeTrusted && !near(st.ctime) {
		return 0
	}
	last := st.mtime
	if c.ctimeTrusted && st.ctime > last {
		last = st.ctime
	}
	d := time.Duration(last + c.tick - time.Now().UnixNano())
	if d <= 0 {
		d = time.Millisecond // the tick has passed since: read again now
	}
	return d
}

// testHookRead, when set by a test, runs after every read of a file being
// hashed (to change the file under the hasher's feet).
var testHookRead func()
