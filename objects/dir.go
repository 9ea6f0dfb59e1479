package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Names inside a disk's data directory.
const (
	objectsDir = "objects"     // objects/<h3>/<h>
	badDir     = "bad-objects" // bad-objects/<h>
	tempPrefix = "tmp-"        // objects/<h3>/tmp-*, objects/tmp-*

	// objectPerm lets any local user who can reach the disk restore with cp,
	// as DESIGN.md promises; the umask still applies.
	objectPerm = 0o644
	dirPerm    = 0o755
)

// Dir is the durable object store in a disk's data directory (the root).
// Its methods are safe for concurrent use by one process; the disk lock
// (package disks) keeps other processes out.
type Dir struct {
	root    string
	objects string

	mu      sync.Mutex
	subdirs map[string]bool // <h3> directories known to exist durably
	// In batch mode Put leaves new objects as verified temp files; Commit
	// makes them durable and renames them into place.
	batch   bool
	pending []Staged
}

// InitDir creates the objects directory under root (and root itself) if
// missing, durably, and opens the store.
func InitDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, dirPerm); err != nil {
		return nil, fmt.Errorf("init object store: %w", err)
	}
	if _, err := mkdirDurable(filepath.Join(root, objectsDir)); err != nil {
		return nil, fmt.Errorf("init object store: %w", err)
	}
	return OpenDir(root)
}

// OpenDir opens the store of an existing disk; root/objects must exist.
func OpenDir(root string) (*Dir, error) { return OpenDirNamed(root, objectsDir) }

// OpenDirNamed opens a store whose objects live in root/name instead of
// root/objects, in the same <h3>/<h> layout: a distbackup disk's
// distbackup-objects/, read (and verified) before it is converted.
func OpenDirNamed(root, name string) (*Dir, error) {
	objs := filepath.Join(root, name)
	fi, err := os.Stat(objs)
	if err == nil && !fi.IsDir() {
		err = fmt.Errorf("%s is not a directory", objs)
	}
	if err != nil {
		return nil, fmt.Errorf("open object store: %w", err)
	}
	return &Dir{root: root, objects: objs, subdirs: make(map[string]bool)}, nil
}

// Root returns the disk data directory the store lives in.
func (d *Dir) Root() string { return d.root }

// Path returns the file name of an object, for messages and for tools
// that want to read it without dsb.
func (d *Dir) Path(id ID) string {
	h := id.String()
	return filepath.Join(d.objects, h[:3], h)
}

// Put stores r's content under id (see Store). The content goes to a temp
// file in the object's directory and is renamed into place only after its
// digest matched and it was fsynced, followed by an fsync of the directory:
// an object file that exists is complete. ENOSPC and EDQUOT are reported
// as ErrNoSpace, EFBIG as ErrTooLarge, a failed read of r as ErrSourceRead;
// on any error the temp file is removed.
func (d *Dir) Put(ctx context.Context, id ID, r io.Reader) (int64, error) {
	n, err := d.put(ctx, id, r)
	if err != nil {
		return 0, fmt.Errorf("put object %s: %w", id.Short(), noSpace(err))
	}
	return n, nil
}

func (d *Dir) put(ctx context.Context, id ID, r io.Reader) (int64, error) {
	d.mu.Lock()
	batch := d.batch
	d.mu.Unlock()
	if batch {
		s, n, err := d.Stage(ctx, id, r)
		if err != nil {
			return 0, err
		}
		d.mu.Lock()
		d.pending = append(d.pending, s)
		d.mu.Unlock()
		return n, nil
	}
	final := d.Path(id)
	size, err := statObject(final)
	switch {
	case err == nil:
		return size, nil // already present
	case errors.Is(err, ErrCorrupt):
		// Something other than an object file is in the way (a directory,
		// a symlink): set it aside for a human, never delete it.
		if err := d.quarantine(id); err != nil {
			return 0, err
		}
	case !errors.Is(err, ErrNotFound):
		return 0, err
	}
	sub, err := d.subdir(id, false)
	if err != nil {
		return 0, err
	}
	t, n, err := writeTemp(ctx, sub, id, r)
	if err != nil {
		return 0, err
	}
	err = unix.Fsync(t.fd)
	if cerr := unix.Close(t.fd); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(t.name, final)
	}
	if err != nil {
		os.Remove(t.name)
		return 0, err
	}
	return n, SyncDir(sub)
}

// subdir returns objects/<h3> for id, creating it durably the first time.
// The mutex makes a concurrent Put into the same new directory wait until
// the directory's entry is fsynced, so no Put returns before its path is
// durable.
func (d *Dir) subdir(id ID, batch bool) (string, error) {
	h3 := id.Shard()
	path := filepath.Join(d.objects, h3)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.subdirs[h3] {
		return path, nil
	}
	if batch {
		// Commit's filesystem sync makes the new directory durable before
		// any object in it is renamed into place or recorded.
		if err := os.Mkdir(path, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	} else if _, err := mkdirDurable(path); err != nil {
		return "", err
	}
	d.subdirs[h3] = true
	return path, nil
}

// mkdirDurable creates dir if missing and then fsyncs its parent. An
// existing directory is assumed durable: it was created by an earlier run
// that fsynced it, or it survived a reboot.
func mkdirDurable(dir string) (created bool, err error) {
	err = os.Mkdir(dir, dirPerm)
	if errors.Is(err, fs.ErrExist) {
		if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
			return false, nil
		}
		return false, err
	}
	if err != nil {
		return false, err
	}
	return true, SyncDir(filepath.Dir(dir))
}

// noSpace marks a full filesystem with ErrNoSpace so that callers can tell
// "this disk is full" from "this disk is broken".
func noSpace(err error) error {
	if errors.Is(err, ErrNoSpace) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	}
	if errors.Is(err, syscall.EFBIG) && !errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return err
}

// statObject returns the size of the object file at path: ErrNotFound if
// absent, ErrCorrupt if something other than a regular file is there.
func statObject(path string) (int64, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%w: %s is not a regular file", ErrCorrupt, path)
	}
	return fi.Size(), nil
}

// Open returns a digest-checking reader of the object (see Store). The
// object is opened without following symlinks: a symlink is not an object.
func (d *Dir) Open(ctx context.Context, id ID) (io.ReadCloser, int64, error) {
	rc, size, err := d.open(ctx, id)
	if err != nil {
		return nil, 0, fmt.Errorf("open object %s: %w", id.Short(), err)
	}
	return rc, size, nil
}

// OpenFile opens the object's file itself, for a caller that checks what
// it copies (restore copies in the kernel and hashes the copy). The caller
// closes it.
func (d *Dir) OpenFile(id ID) (*os.File, int64, error) {
	f, size, err := d.openRaw(d.Path(id))
	if err != nil {
		return nil, 0, fmt.Errorf("open object %s: %w", id.Short(), err)
	}
	return f, size, nil
}

func (d *Dir) open(ctx context.Context, id ID) (*verifyingReader, int64, error) {
	path := d.Path(id)
	f, size, err := d.openRaw(path)
	if err != nil {
		return nil, 0, err
	}
	return newVerifyingReader(ctx, f, id, path), size, nil
}

func (d *Dir) openRaw(path string) (*os.File, int64, error) {
	// O_NONBLOCK: a FIFO planted at an object's path must not hang the
	// open; the fstat below then refuses anything but a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, ErrNotFound
	case errors.Is(err, syscall.ELOOP):
		return nil, 0, fmt.Errorf("%w: %s is a symlink", ErrCorrupt, path)
	case err != nil:
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%w: %s is not a regular file", ErrCorrupt, path)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// Verify re-reads the object and checks its digest (see Store).
func (d *Dir) Verify(ctx context.Context, id ID) (int64, error) {
	v, _, err := d.open(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("verify object %s: %w", id.Short(), err)
	}
	defer v.Close()
	n, err := drain(v)
	if err != nil {
		return 0, fmt.Errorf("verify object %s: %w", id.Short(), err)
	}
	return n, nil
}

// Stat returns the size of a stored object (see Store).
func (d *Dir) Stat(id ID) (int64, error) {
	size, err := statObject(d.Path(id))
	if err != nil {
		return 0, fmt.Errorf("stat object %s: %w", id.Short(), err)
	}
	return size, nil
}

// Remove deletes an object durably (see Store).
func (d *Dir) Remove(id ID) error {
	path := d.Path(id)
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		err = ErrNotFound
	}
	if err == nil {
		err = SyncDir(filepath.Dir(path))
	}
	if err != nil {
		return fmt.Errorf("remove object %s: %w", id.Short(), err)
	}
	return nil
}

// Quarantine moves an object to bad-objects/<h> (or <h>.1, <h>.2… when an
// earlier bad copy of the same object is there), durably: the new entry is
// fsynced before the old one's removal.
func (d *Dir) Quarantine(id ID) error {
	if err := d.quarantine(id); err != nil {
		return fmt.Errorf("quarantine object %s: %w", id.Short(), err)
	}
	return nil
}

func (d *Dir) quarantine(id ID) error {
	src := d.Path(id)
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	bad := filepath.Join(d.root, badDir)
	if _, err := mkdirDurable(bad); err != nil {
		return err
	}
	dst, err := unusedName(filepath.Join(bad, id.String()))
	if err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	if err := SyncDir(bad); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(src))
}

// unusedName returns base, or base.N for the smallest N ≥ 1 not taken.
// No link(2) trick: exFAT has no hard links, and the disk lock keeps other
// writers out anyway.
func unusedName(base string) (string, error) {
	name := base
	for i := 1; ; i++ {
		_, err := os.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
		name = fmt.Sprintf("%s.%d", base, i)
	}
}
