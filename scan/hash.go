package scan

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"

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

func hasher(ctx context.Context, retries int, jobs <-chan hashJob, out chan<- hashResult) {
	buf := make([]byte, 1<<20)
	for j := range jobs {
		r := hashResult{job: j}
		r.id, r.st, r.err = hashRetry(ctx, j.e, retries, buf)
		out <- r
	}
}

func hashRetry(ctx context.Context, e entry, retries int, buf []byte) (objects.ID, entry, error) {
	for try := 0; ; try++ {
		id, st, err := hashFile(ctx, e, buf)
		if !errors.Is(err, errChanged) || try >= retries {
			if errors.Is(err, errChanged) {
				err = fmt.Errorf("%s %w %d times; left as it was, run update again later", e.real, errChanged, try+1)
			}
			return id, st, err
		}
	}
}

// hashFile reads the file once, sequentially, and returns its SHA-256 with
// the stat taken before the read. If size, mtime or ctime differ after the
// read, or fewer or more bytes than the size were read, the content is not
// trusted and errChanged is returned. It works on a raw descriptor: an
// *os.File would register every file with the network poller, which costs
// several system calls per file for nothing.
func hashFile(ctx context.Context, e entry, buf []byte) (objects.ID, entry, error) {
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
	var before, after unix.Stat_t
	if err := unix.Fstat(fd, &before); err != nil {
		return id, e, err
	}
	if before.Mode&unix.S_IFMT != unix.S_IFREG {
		return id, e, fmt.Errorf("%s is no longer a regular file: %w", e.real, errChanged)
	}
	if before.Size > int64(len(buf)) {
		_ = unix.Fadvise(fd, 0, 0, unix.FADV_SEQUENTIAL)
	}
	h := sha256.New()
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return id, e, err
		}
		m, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return id, e, &os.PathError{Op: "read", Path: e.real, Err: err}
		}
		if testHookRead != nil {
			testHookRead()
		}
		if m == 0 {
			break
		}
		h.Write(buf[:m])
		n += int64(m)
	}
	if err := unix.Fstat(fd, &after); err != nil {
		return id, e, err
	}
	if n != before.Size || before.Size != after.Size || before.Mtim != after.Mtim || before.Ctim != after.Ctim {
		return id, e, errChanged
	}
	h.Sum(id[:0])
	st := e
	fillStat(&st, &before)
	return id, st, nil
}

// testHookRead, when set by a test, runs after every read of a file being
// hashed (to change the file under the hasher's feet).
var testHookRead func()
