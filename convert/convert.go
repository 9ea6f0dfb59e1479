package convert

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"dsb/backup"
	"dsb/catalog"
	"dsb/description"
	"dsb/disks"
	"dsb/distbackup"
	"dsb/objects"
	"dsb/pool"
)

const objectsName = "objects" // dsb's object directory in a disk's data path

var (
	// ErrUnknownDisk: the catalog has no disk with the distbackup disk's UUID.
	ErrUnknownDisk = errors.New("this catalog does not know the distbackup disk")
	// ErrOtherDisk: the directory is already a dsb disk, of another disk or catalog.
	ErrOtherDisk = errors.New("already a dsb disk of another disk or catalog")
	// ErrBothStores: both distbackup-objects/ and a non-empty objects/ exist.
	ErrBothStores = errors.New("both distbackup-objects/ and objects/ hold files")
)

// Options tune a conversion.
type Options struct {
	RemoveDistbackup bool // remove distbackup's own files at the end
	Now              func() time.Time
	// Pause, when set, is called after each durable step (moved, identity
	// written), so that a test can kill the process in between.
	Pause func(step string)
	// stopAfter ends the run after that many steps, as a kill would (tests).
	stopAfter int
}

// Result says what a conversion did.
type Result struct {
	Disk       catalog.Disk
	Moved      bool // objects were moved in this run (false: already done)
	LinkKept   bool // distbackup-objects is a link to objects/: distbackup still reads the disk
	Reconciled backup.Reconciled
	Removed    []string // distbackup files removed
}

var errStopped = errors.New("stopped (test)")

// Convert converts the distbackup disk at dir (or finishes an interrupted
// conversion) into a dsb disk of cat, which must know it (dsb import
// distbackup brings its disks along).
func Convert(ctx context.Context, cat *catalog.Catalog, dir string, opt Options) (Result, error) {
	var r Result
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return r, err
	}
	did, err := distbackup.ReadIdentity(dir)
	if err != nil {
		return r, err
	}
	d, err := cat.DiskByName(ctx, did.UUID)
	if errors.Is(err, catalog.ErrNotFound) {
		return r, fmt.Errorf("%w: %s (%s, %s)", ErrUnknownDisk, dir, did.Name, did.UUID)
	}
	if err != nil {
		return r, err
	}
	r.Disk = d
	if id, err := disks.ReadIdentity(dir); err == nil && (id.UUID != d.UUID || id.Catalog != cat.UUID()) {
		return r, fmt.Errorf("%w: %s holds disk %q (%s) of catalog %s", ErrOtherDisk, dir, id.Name, id.UUID, id.Catalog)
	}
	step := 0
	stop := func() bool { step++; return opt.stopAfter > 0 && step >= opt.stopAfter }
	pause := func(name string) {
		if opt.Pause != nil {
			opt.Pause(name)
		}
	}

	lock, err := disks.Lock(dir)
	if err != nil {
		return r, err
	}
	r.Moved, r.LinkKept, err = moveObjects(dir, stop)
	if uerr := lock.Unlock(); err == nil {
		err = uerr
	}
	if err != nil {
		return r, err
	}
	pause("moved")
	if stop() {
		return r, errStopped
	}
	err = disks.Init(dir, disks.Identity{UUID: d.UUID, Name: d.Name, Catalog: cat.UUID()})
	var already *disks.AlreadyDiskError
	if errors.As(err, &already) && already.Identity.UUID == d.UUID && already.Identity.Catalog == cat.UUID() {
		err = nil // an earlier run got this far
	}
	if err != nil {
		return r, err
	}
	pause("identity")
	if stop() {
		return r, errStopped
	}
	if err := finish(ctx, cat, &r, dir, now()); err != nil {
		return r, err
	}
	if opt.RemoveDistbackup {
		r.Removed, err = removeDistbackup(dir)
	}
	return r, err
}

func finish(ctx context.Context, cat *catalog.Catalog, r *Result, dir string, now time.Time) error {
	lock, err := disks.Lock(dir)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	store, err := objects.OpenDir(dir)
	if err != nil {
		return err
	}
	if r.Reconciled, err = backup.Reconcile(ctx, cat, r.Disk, store); err != nil {
		return err
	}
	if err := pool.Seen(ctx, cat, &r.Disk, dir, now); err != nil {
		return err
	}
	d, err := cat.DiskByName(ctx, r.Disk.UUID)
	if err != nil {
		return err
	}
	r.Disk = d
	return description.Describe(ctx, cat, d, dir, now)
}

// moveObjects makes dir's distbackup object directory dir/objects. It
// returns whether it moved anything now, and whether distbackup-objects
// is left as a link to objects/.
func moveObjects(dir string, stop func() bool) (moved, link bool, err error) {
	old, ok := distbackup.ObjectsPath(dir)
	dst := filepath.Join(dir, objectsName)
	fi, lerr := os.Lstat(old)
	if lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		ok = false // already exchanged: the old name is the link
	}
	if !ok {
		if st, err := os.Stat(dst); err != nil || !st.IsDir() {
			return false, false, fmt.Errorf("%w: %s has neither %s/ nor %s/", distbackup.ErrNotDisk, dir, distbackup.ObjectsDir, objectsName)
		}
		t, _ := os.Readlink(old)
		return false, t == objectsName, nil
	}
	// A leftover of an interrupted run: the self-link, or an empty objects/.
	if st, err := os.Lstat(dst); err == nil {
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			if err := os.Remove(dst); err != nil {
				return false, false, err
			}
		case st.IsDir():
			if err := os.Remove(dst); err != nil { // only an empty directory goes
				return false, false, fmt.Errorf("%w in %s", ErrBothStores, dir)
			}
		default:
			return false, false, fmt.Errorf("%w in %s (objects is a file)", ErrBothStores, dir)
		}
	}
	if err := os.Symlink(objectsName, dst); err == nil {
		if stop() {
			return false, false, errStopped
		}
		err = unix.Renameat2(unix.AT_FDCWD, old, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
		if err == nil {
			link = filepath.Base(old) == distbackup.ObjectsDir
			if !link { // a legacy .distbackup.data: distbackup 1.0.20 reads the new name only
				err = os.Remove(old)
			}
			return true, link, errors.Join(err, objects.SyncDir(dir))
		}
		if rerr := os.Remove(dst); rerr != nil {
			return false, false, rerr
		}
		if !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOSYS) && !errors.Is(err, syscall.EOPNOTSUPP) {
			return false, false, fmt.Errorf("move %s to %s: %w", old, dst, err)
		}
	}
	// No symlinks or no exchange here: one plain rename.
	if err := os.Rename(old, dst); err != nil {
		return false, false, fmt.Errorf("move %s to %s: %w", old, dst, err)
	}
	return true, false, objects.SyncDir(dir)
}

// removeDistbackup removes distbackup's own files from a converted disk:
// its identity, its catalog snapshot, the link to objects/ and temp files
// of crashed copies. bad-objects/ has the same layout in both tools and stays.
func removeDistbackup(dir string) ([]string, error) {
	names := []string{distbackup.FileName, distbackup.FileName + "-wal", distbackup.FileName + "-shm"}
	if t, err := os.Readlink(filepath.Join(dir, distbackup.ObjectsDir)); err == nil && t == objectsName {
		names = append(names, distbackup.ObjectsDir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "distbackup-tmp.") && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	// The identity last: until it goes, a rerun still knows the disk.
	names = append(names, ".distbackup.name", ".distbackup.uuid", distbackup.IdentityFile)
	var out []string
	for _, n := range names {
		err := os.Remove(filepath.Join(dir, n))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, n)
	}
	return out, objects.SyncDir(dir)
}
