package pool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"dsb/catalog"
	"dsb/description"
	"dsb/disks"
	"dsb/objects"
)

// ErrCatalogExists: adopting a snapshot would overwrite a home catalog.
var ErrCatalogExists = errors.New("a catalog already exists")

// Snapshot is a disk's copy of the catalog.
type Snapshot struct {
	Dir      string // the disk's data directory
	Disk     catalog.Disk
	At       time.Time // when it was written
	Catalog  string    // the catalog's UUID
	Attached []string  // data directories of the other disks it knows that are attached
}

// ReadSnapshot reads the catalog snapshot of the disk at dir (one written
// by an older dsb too: it is not migrated until adopted).
func ReadSnapshot(ctx context.Context, dir string) (Snapshot, error) {
	s := Snapshot{Dir: dir}
	info, err := catalog.ReadSnapshotInfo(ctx, filepath.Join(dir, description.SnapshotFile))
	if err != nil {
		return s, fmt.Errorf("%s: %w", dir, err)
	}
	s.At, s.Catalog = info.At, info.Catalog
	if info.Disk == "" {
		return s, fmt.Errorf("%s/%s is not a disk's catalog snapshot", dir, description.SnapshotFile)
	}
	found := false
	for _, d := range info.Disks {
		if d.UUID == info.Disk {
			s.Disk, found = d, true
			continue
		}
		p, err := disks.Find(disks.Location{UUID: d.UUID, LastPath: d.LastPath, MountRel: d.MountRel, FSUUID: d.FSUUID})
		if err == nil {
			s.Attached = append(s.Attached, p)
		}
	}
	if !found {
		return s, fmt.Errorf("%s: its snapshot does not know its own disk %s", dir, info.Disk)
	}
	return s, nil
}

// NewestSnapshot reads the snapshots of the disks at dirs and of every
// disk they know that is attached, and returns the newest of this
// catalog's (the first catalog's seen) with all it considered.
func NewestSnapshot(ctx context.Context, dirs []string) (Snapshot, []Snapshot, error) {
	var all []Snapshot
	seen := map[string]bool{}
	queue := append([]string(nil), dirs...)
	for len(queue) > 0 {
		dir, _ := filepath.Abs(queue[0])
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		s, err := ReadSnapshot(ctx, dir)
		if err != nil {
			if len(all) == 0 && len(queue) == 0 {
				return s, nil, err
			}
			continue // another disk's damaged snapshot: use the others
		}
		if len(all) > 0 && s.Catalog != all[0].Catalog {
			continue
		}
		all = append(all, s)
		queue = append(queue, s.Attached...)
	}
	if len(all) == 0 {
		return Snapshot{}, nil, fmt.Errorf("no catalog snapshot found in %v", dirs)
	}
	best := all[0]
	for _, s := range all[1:] {
		if s.At.After(best.At) {
			best = s
		}
	}
	return best, all, nil
}

// Adopted says what adopting a snapshot did.
type Adopted struct {
	Unconfirmed int64 // copies on other disks marked unconfirmed
	OtherDisks  int
}

// AdoptSnapshot installs snapshot s as the home catalog at dest (which
// must not exist): a durable copy, no longer marked as a disk's snapshot.
// Every copy on a disk other than s's is marked unconfirmed: later
// backups of those disks may have removed copies the snapshot lists, so
// until each is reconciled (backup, or disk refresh) they count in
// reports but never justify deleting a copy.
func AdoptSnapshot(ctx context.Context, s Snapshot, dest string) (Adopted, error) {
	var r Adopted
	if _, err := os.Lstat(dest); err == nil {
		return r, fmt.Errorf("%w at %s: move it away first if it is to be replaced", ErrCatalogExists, dest)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return r, err
	}
	if err := copyDurably(filepath.Join(s.Dir, description.SnapshotFile), dest); err != nil {
		return r, fmt.Errorf("copy the snapshot of disk %s: %w", s.Disk.Name, err)
	}
	if err := catalog.ExecRaw(ctx, dest, `DELETE FROM meta WHERE key IN ('snapshot_of_disk', 'snapshot_at')`); err != nil {
		return r, err
	}
	cat, err := catalog.Open(ctx, dest, catalog.Options{})
	if err != nil {
		return r, err
	}
	defer cat.Close()
	if r.Unconfirmed, err = cat.MarkUnconfirmed(ctx, s.Disk.ID, s.Disk.UUID); err != nil {
		return r, err
	}
	ds, err := cat.Disks(ctx)
	if err != nil {
		return r, err
	}
	r.OtherDisks = len(ds) - 1
	return r, nil
}

func copyDurably(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := objects.CreateAtomic(dst, 0o600)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Commit()
}
