package disks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// LockFile is the name of the lock file in a disk's data path.
const LockFile = "dsb-disk.lock"

// DirLock is a held disk lock: an exclusive flock on <dir>/dsb-disk.lock.
// The kernel releases it when the process exits, however it exits. The
// file holds "<pid> <host>" only to name the holder in LockedError; it is
// never removed, because removing a lock file races with the next locker.
type DirLock struct {
	f *os.File // nil for a read-only filesystem: nobody can write there
}

// Lock takes the disk lock of dir without waiting. When another process
// (or another Lock in this one) holds it, the error is a *LockedError
// wrapping ErrLocked, naming the holder's pid and host.
func Lock(dir string) (*DirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, unix.EROFS) {
		// flock works on a read-only descriptor; without a lock file on
		// a read-only filesystem there is no writer to exclude.
		if f, err = os.Open(path); errors.Is(err, os.ErrNotExist) {
			return &DirLock{}, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lock disk %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, lockHolder(dir, f)
		}
		return nil, fmt.Errorf("lock disk %s: %w", dir, err)
	}
	host, _ := os.Hostname()
	if f.Truncate(0) == nil { // best effort: only for the message
		_, _ = f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), host)), 0)
	}
	return &DirLock{f: f}, nil
}

// lockHolder reads "<pid> <host>" from the lock file.
func lockHolder(dir string, f *os.File) error {
	buf := make([]byte, 512)
	n, _ := f.ReadAt(buf, 0)
	e := &LockedError{Dir: dir}
	if fields := strings.Fields(string(buf[:n])); len(fields) == 2 {
		e.PID, _ = strconv.Atoi(fields[0])
		e.Host = fields[1]
	}
	return e
}

// Unlock releases the lock. It is safe to call more than once.
func (l *DirLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	_ = f.Truncate(0)                 // the holder is gone; best effort
	if err := f.Close(); err != nil { // closing the last descriptor releases the flock
		return fmt.Errorf("unlock disk: %w", err)
	}
	return nil
}
