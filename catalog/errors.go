package catalog

import (
	"errors"
	"fmt"
)

var (
	// ErrTooNew means the catalog was written by a newer dsb.
	ErrTooNew = errors.New("catalog is newer than this dsb")
	// ErrNotFound is returned when a named row (source, disk, file) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned when creating something that already exists.
	ErrExists = errors.New("already exists")
	// ErrReadOnly is returned by write operations on a catalog opened read-only.
	ErrReadOnly = errors.New("catalog is open read-only")
	// ErrSnapshot is returned when opening a disk's catalog snapshot for
	// writing: it describes that disk and must not drift from it.
	ErrSnapshot = errors.New("this is a backup disk's catalog snapshot, which dsb only reads")
	// ErrNoCatalog is returned when opening a missing catalog without Create.
	ErrNoCatalog = errors.New("no catalog")
)

// LockedError says which process holds a catalog's writer lock.
type LockedError struct {
	Path string
	PID  int
	Host string
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("catalog %s is in use by another dsb process", e.Path)
	}
	return fmt.Sprintf("catalog %s is in use by pid %d on host %s", e.Path, e.PID, e.Host)
}

// NotInCatalogError says a path or pattern names no file or directory of
// the catalog.
type NotInCatalogError struct{ Path string }

func (e *NotInCatalogError) Error() string { return fmt.Sprintf("%q is not in the catalog", e.Path) }
func (e *NotInCatalogError) Unwrap() error { return ErrNotFound }

// NoSourceError says no source is mapped at a virtual path.
type NoSourceError struct{ VPath string }

func (e *NoSourceError) Error() string { return fmt.Sprintf("no source is mapped at %q", e.VPath) }
func (e *NoSourceError) Unwrap() error { return ErrNotFound }

// FileSettingError refuses a per-directory setting (copies, priority) on a
// file: the planner takes them from each file's directory.
type FileSettingError struct{ Path string }

func (e *FileSettingError) Error() string {
	return fmt.Sprintf("%q is a file: --copies and --priority are set on directories (each file takes its directory's)", e.Path)
}

// NoMatchError says a glob pattern matched no file of the catalog.
type NoMatchError struct{ Pattern string }

func (e *NoMatchError) Error() string {
	return fmt.Sprintf("nothing in the catalog matches %q", e.Pattern)
}
func (e *NoMatchError) Unwrap() error { return ErrNotFound }
