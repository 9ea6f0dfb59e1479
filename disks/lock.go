package disks

import (
	"errors"
	"fmt"
	"path/filepath"

	"dsb/internal/lockfile"
)

// LockFile is the name of the lock file in a disk's data path.
const LockFile = "dsb-disk.lock"

// DirLock is a held disk lock: the lockfile <dir>/dsb-disk.lock. The
// kernel releases it when the process exits, however it exits; the file
// is never removed, because removing a lock file races with the next
// locker.
type DirLock struct {
	l *lockfile.Lock // holds nothing on a read-only filesystem: nobody can write there
}

// Lock takes the disk lock of dir without waiting. When another process
// (or another Lock in this one) holds it, the error is a *LockedError
// wrapping ErrLocked, naming the holder's pid and host.
func Lock(dir string) (*DirLock, error) {
	l, err := lockfile.Acquire(filepath.Join(dir, LockFile), lockfile.Options{ReadOnlyFS: true})
	var held *lockfile.HeldError
	switch {
	case errors.As(err, &held):
		return nil, &LockedError{Dir: dir, PID: held.PID, Host: held.Host}
	case err != nil:
		return nil, fmt.Errorf("lock disk %s: %w", dir, err)
	}
	return &DirLock{l: l}, nil
}

// Unlock releases the lock. It is safe to call more than once.
func (l *DirLock) Unlock() error {
	if l == nil {
		return nil
	}
	if err := l.l.Release(); err != nil {
		return fmt.Errorf("unlock disk: %w", err)
	}
	return nil
}
