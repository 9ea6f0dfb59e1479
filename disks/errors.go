package disks

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoIdentity means the directory holds no dsb-disk.json: it is not
	// a dsb disk (or not yet).
	ErrNoIdentity = errors.New("not a dsb disk")

	// ErrCorruptIdentity means dsb-disk.json exists but cannot be read as
	// an identity: bad JSON or a missing or malformed field.
	ErrCorruptIdentity = errors.New("corrupt dsb-disk.json")

	// ErrFormat means the disk was written by a newer dsb, in a format this
	// binary does not know; it must not touch it.
	ErrFormat = errors.New("disk format is newer than this dsb")

	// ErrAlreadyDisk is wrapped by *AlreadyDiskError, returned by Init for a
	// directory that already is a dsb disk.
	ErrAlreadyDisk = errors.New("already a dsb disk")

	// ErrNotAttached means no attached directory carries the disk's UUID.
	ErrNotAttached = errors.New("disk is not attached")

	// ErrDuplicate is wrapped by *DuplicateError: two attached directories
	// carry the same disk UUID (a copied dsb-disk.json), so which one is
	// the disk is ambiguous.
	ErrDuplicate = errors.New("disk attached twice")

	// ErrLocked is wrapped by *LockedError: another process holds the disk.
	ErrLocked = errors.New("disk in use")
)

// AlreadyDiskError names the disk that Init found in directory Dir. Its
// message leaves Dir out because Init's error already names it.
type AlreadyDiskError struct {
	Dir      string
	Identity Identity
}

func (e *AlreadyDiskError) Error() string {
	return fmt.Sprintf("already dsb disk %q (uuid %s) of catalog %s",
		e.Identity.Name, e.Identity.UUID, e.Identity.Catalog)
}

func (e *AlreadyDiskError) Unwrap() error { return ErrAlreadyDisk }

// DuplicateError names every attached directory carrying the disk's UUID.
type DuplicateError struct {
	UUID  string
	Paths []string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("disk %s is attached twice, at %s: one is a copy; re-initialise or detach it",
		e.UUID, strings.Join(e.Paths, " and "))
}

func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// LockedError says which process holds a disk's lock. PID is 0 when the
// holder did not record itself (or the lock file is unreadable).
type LockedError struct {
	Dir  string
	PID  int
	Host string
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("disk %s in use by another dsb process", e.Dir)
	}
	return fmt.Sprintf("disk %s in use by pid %d on host %s", e.Dir, e.PID, e.Host)
}

func (e *LockedError) Unwrap() error { return ErrLocked }
