package objects

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// AtomicFile is a file written under a temp name next to its final path and
// made visible, complete and durable by Commit: readers (and a crash) see the
// old file or the new one, never a part. The recipe is temp file in the same
// directory → write → Sync → Close → Rename → fsync the directory.
//
//	f, err := objects.CreateAtomic(path, 0o644)
//	if err != nil { ... }
//	defer f.Abort() // removes the temp file unless Commit succeeded
//	... write to f ...
//	return f.Commit()
type AtomicFile struct {
	f         *os.File
	path      string
	closed    bool
	committed bool
}

// CreateAtomic starts writing path. The temp file is named .<base>.tmp-*
// in path's directory; RemoveAtomicTemps cleans leftovers of a crash.
func CreateAtomic(path string, perm fs.FileMode) (*AtomicFile, error) {
	dir, base := filepath.Split(path)
	f, err := createTemp(dir, "."+base+atomicTempInfix, perm)
	if err != nil {
		return nil, err
	}
	return &AtomicFile{f: f, path: path}, nil
}

// Write writes to the temp file.
func (a *AtomicFile) Write(p []byte) (int, error) { return a.f.Write(p) }

// ReadFrom lets io.Copy from another file use copy_file_range.
func (a *AtomicFile) ReadFrom(r io.Reader) (int64, error) { return a.f.ReadFrom(r) }

// TempPath is the temp file's name, for writers that insist on a path:
// SQLite's VACUUM INTO and online backup accept an existing empty file. Commit's fsync
// covers bytes written through any descriptor of the file.
func (a *AtomicFile) TempPath() string { return a.f.Name() }

// Commit makes the file durable and visible under its final path.
func (a *AtomicFile) Commit() error {
	if a.closed {
		return fmt.Errorf("commit %s: already committed or aborted", a.path)
	}
	a.closed = true
	if err := a.f.Sync(); err != nil {
		a.f.Close()
		return fmt.Errorf("commit %s: %w", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("commit %s: %w", a.path, err)
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		return fmt.Errorf("commit %s: %w", a.path, err)
	}
	a.committed = true
	if err := SyncDir(filepath.Dir(a.path)); err != nil {
		return fmt.Errorf("commit %s: %w", a.path, err)
	}
	return nil
}

// Abort drops the temp file. It does nothing after a successful Commit, so
// it is meant to be deferred.
func (a *AtomicFile) Abort() error {
	if a.committed {
		return nil
	}
	if !a.closed {
		a.closed = true
		a.f.Close()
	}
	if err := os.Remove(a.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// WriteFileAtomic replaces path with data durably (see AtomicFile).
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := CreateAtomic(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// SyncDir fsyncs a directory so that entries just created, renamed or
// removed in it survive a power cut. Filesystems that cannot sync a
// directory (EINVAL, ENOTSUP) are tolerated: there is nothing more to do.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	err = d.Sync()
	cerr := d.Close()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return cerr
}

// RemoveAtomicTemps removes the temp files that AtomicFile writers left in
// dir when they crashed, and returns how many it removed. Call it only
// while holding the lock that serialises writers of dir.
func RemoveAtomicTemps(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("remove temp files: %w", err)
	}
	n := 0
	var errs []error
	for _, e := range entries {
		if !isAtomicTemp(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

const atomicTempInfix = ".tmp-"

func isAtomicTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, atomicTempInfix)
}

// createTemp creates a new file prefix+<random> in dir with perm (minus the
// umask). Unlike os.CreateTemp it takes the mode at creation, so no chmod
// is needed: FAT and exFAT mounts refuse chmod.
func createTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+randomSuffix())
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("create temp file in %s: too many collisions", dir)
}

// randomSuffix makes temp file names unique enough for O_EXCL to retry.
func randomSuffix() string { return strconv.FormatUint(rand.Uint64(), 36) }
