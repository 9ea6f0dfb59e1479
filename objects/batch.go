package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Staged is an object written to a temp file next to its final name and
// found to hash to its ID, but not yet durable nor under its name: it is
// not in the store until CommitStaged, and after a crash it is a temp
// file, which CleanTemp removes.
type Staged struct {
	ID          ID
	temp, final string
	dir         string // its objects/<h3> directory
}

// Batch switches Put to batch mode: an object is written and its digest
// checked, but it gets its final name only at the next Commit, which makes
// the whole batch durable with two filesystem syncs instead of two fsyncs
// per object (small files on a USB disk cost little more than cp then).
// Until Commit an object is not in the store; after a crash it is a temp
// file, which CleanTemp removes.
func (d *Dir) Batch() {
	d.mu.Lock()
	d.batch = true
	d.mu.Unlock()
}

// Commit makes every object Put since the last Commit durable under its
// final name (see CommitStaged). Only after Commit returns may a caller
// record them.
func (d *Dir) Commit() error {
	d.mu.Lock()
	batch := d.pending
	d.pending = nil
	d.mu.Unlock()
	return d.CommitStaged(batch)
}

// Stage writes r's content to a temp file for id, hashing it on the way;
// a content that does not hash to id is dropped (ErrHashMismatch). It
// does not look for an object already stored under id, and needs no
// Batch: the caller (a backup, which just listed the disk under its lock)
// stages only objects it found missing, and CommitStaged keeps whatever
// object file is there by then. Errors are classified as Put's are.
func (d *Dir) Stage(ctx context.Context, id ID, r io.Reader) (Staged, int64, error) {
	s := Staged{ID: id, final: d.Path(id)}
	sub, err := d.subdir(id, true)
	if err != nil {
		return s, 0, fmt.Errorf("put object %s: %w", id.Short(), noSpace(err))
	}
	t, n, err := writeTemp(ctx, sub, id, r)
	if err == nil {
		// No fsync here: CommitStaged's filesystem sync covers the batch.
		if err = unix.Close(t.fd); err != nil {
			os.Remove(t.name)
		}
	}
	if err != nil {
		return s, 0, fmt.Errorf("put object %s: %w", id.Short(), noSpace(err))
	}
	s.temp, s.dir = t.name, sub
	return s, n, nil
}

// Discard removes a staged object's temp file (one that will not be
// committed).
func (d *Dir) Discard(s Staged) {
	if s.temp != "" {
		os.Remove(s.temp)
	}
}

// CommitStaged makes staged objects durable under their final names:
// sync the filesystem (their data, the temp files, new <h3> directories),
// rename, sync again (the names). Only after it returns may a caller
// record them. The renames never replace an entry: whatever appeared at
// an object's name since it was listed is kept (a regular file is taken
// as the object, as Put takes it; anything else is set aside in
// bad-objects/ first).
func (d *Dir) CommitStaged(batch []Staged) error {
	if len(batch) == 0 {
		return nil
	}
	if err := d.SyncStaged(batch, nil); err != nil {
		return err
	}
	if err := d.Publish(batch); err != nil {
		return err
	}
	return d.SyncStaged(nil, batch)
}

// SyncStaged makes durable, with one filesystem sync, the data of the
// staged objects in data (before they may be published) and the names of
// those in published (before they may be recorded). A stream of batches
// needs one sync per batch this way: batch k's data with batch k−1's
// names.
func (d *Dir) SyncStaged(data, published []Staged) error {
	if len(data)+len(published) == 0 {
		return nil
	}
	if err := syncfs(d.objects); err == nil {
		return nil
	}
	// No syncfs: fsync each temp file, each directory, and objects/
	// (which holds the new <h3> directories).
	done := map[string]bool{}
	fsync := func(name string) error {
		if done[name] {
			return nil
		}
		done[name] = true
		return fsyncPath(name)
	}
	for _, s := range data {
		if err := fsync(s.temp); err != nil {
			return err
		}
	}
	for _, s := range published {
		if err := fsync(s.dir); err != nil {
			return err
		}
	}
	return fsyncPath(d.objects)
}

// Publish gives staged objects, synced by SyncStaged, their final names.
// The names are not durable until the next SyncStaged that lists them.
func (d *Dir) Publish(batch []Staged) error {
	for _, s := range batch {
		if err := d.rename(s); err != nil {
			return fmt.Errorf("commit object %s: %w", s.ID.Short(), err)
		}
	}
	return nil
}

// rename moves a staged object to its name without replacing anything,
// with renameat2(RENAME_NOREPLACE) where the filesystem has it (one call,
// no stat of the final name first).
func (d *Dir) rename(s Staged) error {
	err := unix.Renameat2(unix.AT_FDCWD, s.temp, unix.AT_FDCWD, s.final, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case err == unix.EEXIST:
	case err == unix.EINVAL || err == unix.ENOSYS || err == unix.ENOTSUP:
		// No RENAME_NOREPLACE here (FAT, some FUSE filesystems): look first.
	default:
		return err
	}
	_, err = statObject(s.final)
	switch {
	case err == nil:
		// Already present: a Put that tests presence keeps it too.
		return os.Remove(s.temp)
	case errors.Is(err, ErrCorrupt):
		// Something other than an object file is in the way (a directory,
		// a symlink): set it aside for a human, never delete it.
		if err := d.quarantine(s.ID); err != nil {
			return err
		}
	case !errors.Is(err, ErrNotFound):
		return err
	}
	return os.Rename(s.temp, s.final)
}

// tempFile is an open temp file written by writeTemp.
type tempFile struct {
	fd   int
	name string
}

// writeTemp writes r's content to a new temp file in dir, with holes
// where whole blocks are zeros, and checks that it hashes to id. The file
// is left open for the caller (to fsync or close); on error it is closed
// and removed. A raw descriptor: an *os.File registers with the runtime's
// poller, several wasted system calls per small object.
func writeTemp(ctx context.Context, dir string, id ID, r io.Reader) (tempFile, int64, error) {
	t, err := createTempFD(dir, tempPrefix, objectPerm)
	if err != nil {
		return t, 0, err
	}
	sw := NewSparseWriter(t.fd)
	n, sum, err := copyHashing(ctx, &writeBehind{w: sw, fd: t.fd}, r)
	if err == nil {
		err = sw.Finish()
	}
	if err == nil && sum != id {
		err = fmt.Errorf("%w: content hashes to %s", ErrHashMismatch, sum.Short())
	}
	if err != nil {
		unix.Close(t.fd)
		os.Remove(t.name)
		return t, 0, err
	}
	return t, n, nil
}

// createTempFD is createTemp with a raw descriptor, opened write-only.
func createTempFD(dir, prefix string, perm os.FileMode) (tempFile, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+randomSuffix())
		fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(perm.Perm()))
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			return tempFile{}, &os.PathError{Op: "open", Path: name, Err: err}
		}
		return tempFile{fd, name}, nil
	}
	return tempFile{}, fmt.Errorf("create temp file in %s: too many collisions", dir)
}

// writeBehindStep: after this many bytes of one file, its writeback is
// started (sync_file_range SYNC_FILE_RANGE_WRITE, which does not wait),
// so that a large object is mostly on the device when the batch's sync
// comes, instead of the device idling while the object is hashed and
// then the whole file being written out at the sync. It is only a hint:
// durability is still the commit's sync.
const writeBehindStep = 8 << 20

type writeBehind struct {
	w          io.Writer
	fd         int
	off, start int64 // bytes written; start of the range not yet kicked
}

func (b *writeBehind) Write(p []byte) (int, error) {
	n, err := b.w.Write(p)
	b.off += int64(n)
	if b.off-b.start >= writeBehindStep {
		// Errors (a filesystem without it) change nothing: the sync comes.
		_ = unix.SyncFileRange(b.fd, b.start, b.off-b.start, unix.SYNC_FILE_RANGE_WRITE)
		b.start = b.off
	}
	return n, err
}
