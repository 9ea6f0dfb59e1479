package lifecycle

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"dsb/backup"
	"dsb/catalog"
	"dsb/description"
	"dsb/disks"
	"dsb/distbackup"
	"dsb/objects"
	"dsb/pool"
)

// CheckNotDistbackup refuses a path that is a distbackup disk not yet
// converted: it is converted in place, never added or used as it is.
// Callers run it before opening (maybe creating) a catalog.
func CheckNotDistbackup(path string) error {
	if distbackup.IsDisk(path) && !pool.Exists(filepath.Join(path, disks.IdentityFile)) {
		return fmt.Errorf("%s: %w", path, distbackup.ErrIsDisk)
	}
	return nil
}

// Add makes path a new disk named name (see pool.Add) and describes it,
// so that even an empty disk carries its snapshot, manifest and README.
func Add(ctx context.Context, cat *catalog.Catalog, name, path string, size int64, now time.Time) (catalog.Disk, error) {
	d, err := pool.Add(ctx, cat, name, path, size, now)
	if err != nil {
		return d, err
	}
	return d, description.Describe(ctx, cat, d, d.LastPath, now)
}

// Renamed is a rename done. Attached is where the disk's identity file
// got the new name too; empty when the disk is not attached, and its
// dsb-disk.json keeps the old name until it is next attached and used.
type Renamed struct {
	Disk     catalog.Disk
	Old      string
	Attached string
}

// Rename gives d the name name, in the catalog and, when d is attached,
// in its identity file. A bad name wraps pool.ErrBadName; a taken one
// catalog.ErrExists.
func Rename(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, name string) (Renamed, error) {
	r := Renamed{Old: d.Name}
	if err := pool.CheckName(name); err != nil {
		return r, err
	}
	if _, err := cat.DiskByName(ctx, name); err == nil {
		return r, fmt.Errorf("disk %q: %w", name, catalog.ErrExists)
	}
	d.Name = name
	r.Disk = d
	if err := cat.SaveDisk(ctx, d); err != nil {
		return r, err
	}
	if path, err := pool.Attached(cat, d); err == nil {
		if err := disks.Rename(path, d.Name); err != nil {
			return r, err
		}
		r.Attached = path
	}
	return r, nil
}

// MarkLost marks d lost: its copies stop counting, so backups of the
// other disks re-replicate what it held.
func MarkLost(ctx context.Context, cat *catalog.Catalog, d catalog.Disk) (catalog.Disk, error) {
	d.Lost = true
	return d, cat.SaveDisk(ctx, d)
}

// Remove forgets d, which must be empty or lost (a *NotEmptyError
// otherwise). Its files on the drive are left alone.
func Remove(ctx context.Context, cat *catalog.Catalog, d catalog.Disk) error {
	if d.Objects > 0 && !d.Lost {
		return &NotEmptyError{Disk: d.Name, Copies: d.Objects, Bytes: d.Used}
	}
	return cat.RemoveDisk(ctx, d.ID)
}

// Change is what disk set changes; the zero value changes nothing.
type Change struct {
	Budget *int64 // the configured size; 0: what the filesystem holds for dsb
	Path   string // where the disk's data directory is now (relocate)
	Found  bool   // a disk marked lost is back: its copies count again
}

// Set applies c to d and saves it. A Path must hold d itself (a
// *WrongDiskError otherwise); d is then recorded as seen there.
func Set(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, c Change, now time.Time) (catalog.Disk, error) {
	if c.Found {
		d.Lost = false
	}
	if c.Budget != nil {
		d.Budget = *c.Budget
	}
	if c.Path == "" {
		return d, cat.SaveDisk(ctx, d)
	}
	id, err := disks.ReadIdentity(c.Path)
	if err != nil {
		return d, err
	}
	if id.UUID != d.UUID {
		return d, &WrongDiskError{Path: c.Path, Found: id.Name, FoundUUID: id.UUID, Want: d.Name}
	}
	return d, pool.Seen(ctx, cat, &d, absPath(c.Path), now)
}

// Refresh rebuilds the catalog's view of d from the objects on it (at
// the path arg names, or where it is found attached): reconcile under
// the disk lock, record it seen, and describe it again.
func Refresh(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, arg string, now time.Time) (catalog.Disk, backup.Reconciled, error) {
	path, err := pool.AttachedAs(cat, d, arg)
	if err != nil {
		return d, backup.Reconciled{}, err
	}
	lock, err := disks.Lock(path)
	if err != nil {
		return d, backup.Reconciled{}, err
	}
	defer lock.Unlock()
	dir, err := objects.OpenDir(path)
	if err != nil {
		return d, backup.Reconciled{}, err
	}
	r, err := backup.Reconcile(ctx, cat, d, dir)
	if err != nil {
		return d, r, err
	}
	if err := pool.Seen(ctx, cat, &d, path, now); err != nil {
		return d, r, err
	}
	return d, r, description.Describe(ctx, cat, d, path, now)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
