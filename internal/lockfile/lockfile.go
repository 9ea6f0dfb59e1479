package lockfile

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrHeld is what a *HeldError unwraps to.
var ErrHeld = errors.New("lock held by another process")

// HeldError says who holds the lock, as far as its file tells: PID is 0
// and Host empty when the holder wrote nothing readable.
type HeldError struct {
	Path string
	PID  int
	Host string
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is held by pid %d on host %s", e.Path, e.PID, e.Host)
}

func (e *HeldError) Unwrap() error { return ErrHeld }

// Options change what Acquire does where the lock file cannot be created.
type Options struct {
	// ReadOnlyFS: on a read-only filesystem, lock an existing lock file
	// through a read-only descriptor (flock needs no write access), and
	// without one succeed with no lock: nobody can write there anyway.
	ReadOnlyFS bool
}

// Lock is a held lock. The zero value (from a read-only filesystem) holds
// nothing.
type Lock struct{ f *os.File }

// Acquire takes the lock on path without waiting, creating the file when
// needed. When another process (or another Acquire in this one) holds it,
// the error is a *HeldError. Other errors are the open or flock failure,
// unwrapped, for the caller to name the lock.
func Acquire(path string, opt Options) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if opt.ReadOnlyFS && errors.Is(err, unix.EROFS) {
		if f, err = os.Open(path); errors.Is(err, os.ErrNotExist) {
			return &Lock{}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, holder(path, f)
		}
		return nil, err
	}
	host, _ := os.Hostname()
	if f.Truncate(0) == nil { // best effort: only for the message
		_, _ = f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), host)), 0)
	}
	return &Lock{f: f}, nil
}

// holder reads "<pid> <host>" from the lock file.
func holder(path string, f *os.File) error {
	buf := make([]byte, 512)
	n, _ := f.ReadAt(buf, 0)
	e := &HeldError{Path: path}
	if fields := strings.Fields(string(buf[:n])); len(fields) == 2 {
		e.PID, _ = strconv.Atoi(fields[0])
		e.Host = fields[1]
	}
	return e
}

// Release empties the file (the holder is gone) and releases the lock.
// It is safe to call more than once, and on a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	_ = f.Truncate(0) // best effort
	return f.Close()  // closing the last descriptor releases the flock
}
