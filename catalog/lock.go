package catalog

import (
	"errors"
	"fmt"

	"dsb/internal/lockfile"
)

// writerLock is the lockfile on "<catalog>.lock": one writer process at a
// time, released by the kernel when the process dies.
type writerLock struct{ l *lockfile.Lock }

// LockPath is the writer lock file of the catalog at dbPath. Only a
// catalog nobody else can know of (import's temporary one) may have it
// removed; see package lockfile.
func LockPath(dbPath string) string { return dbPath + ".lock" }

func lockWriter(dbPath string) (*writerLock, error) {
	name := LockPath(dbPath)
	l, err := lockfile.Acquire(name, lockfile.Options{})
	var held *lockfile.HeldError
	switch {
	case errors.As(err, &held):
		return nil, &LockedError{Path: dbPath, PID: held.PID, Host: held.Host}
	case err != nil:
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return &writerLock{l: l}, nil
}

func (l *writerLock) unlock() error {
	if l == nil {
		return nil
	}
	return l.l.Release()
}
