package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dsb/catalog"
	"dsb/objects"
)

// Reconciled says how the catalog's view of a disk was corrected.
type Reconciled struct {
	Present     int64 // objects found on the disk
	Missing     int64 // copies the catalog expected but the disk lacks (now lost copies)
	Adopted     int64 // objects on the disk the catalog did not count, hashed and found right
	Quarantined int64 // objects whose size (or, unrecorded ones, content) was wrong, moved to bad-objects/
	Junk        []string
	TempRemoved int
}

// Reconcile brings the catalog's copies of disk in line with the objects
// really present in dir.
func Reconcile(ctx context.Context, cat *catalog.Catalog, disk catalog.Disk, dir *objects.Dir) (Reconciled, error) {
	var r Reconciled
	var err error
	if r.TempRemoved, err = dir.CleanTemp(ctx); err != nil {
		return r, fmt.Errorf("remove leftover temp files: %w", err)
	}
	present := map[objects.ID]int64{}
	err = dir.Walk(ctx, func(id objects.ID, size int64) error {
		present[id] = size
		return nil
	}, func(rel string) { r.Junk = append(r.Junk, rel) })
	if err != nil {
		return r, fmt.Errorf("list objects: %w", err)
	}
	r.Present = int64(len(present))
	known, err := cat.DiskCopies(ctx, disk.ID)
	if err != nil {
		return r, err
	}
	ch := catalog.CopyChange{Disk: disk.ID}
	for _, cp := range known {
		size, ok := present[cp.Hash]
		delete(present, cp.Hash)
		switch {
		case !ok:
			r.Missing++
			ch.Remove = append(ch.Remove, cp.Object)
		case size != cp.Size:
			if err := dir.Quarantine(cp.Hash); err != nil && !errors.Is(err, objects.ErrNotFound) {
				return r, err
			}
			r.Quarantined++
			ch.Remove = append(ch.Remove, cp.Object)
		}
	}
	if err := adopt(ctx, cat, dir, present, &ch, &r); err != nil {
		return r, err
	}
	if len(ch.Add)+len(ch.Remove) > 0 {
		if err := cat.ApplyCopies(ctx, ch); err != nil {
			return r, err
		}
	}
	// What the catalog now counts on this disk was seen on it: confirmed.
	return r, cat.ConfirmDisk(ctx, disk.ID, time.Now())
}

// adopt records objects present on the disk that the catalog did not
// count (crash leftovers, hand copies), once their bytes were read and
// hash to their name: a copy counts only once checked. Ones the catalog
// has never heard of become orphans, which the plan then deletes.
func adopt(ctx context.Context, cat *catalog.Catalog, dir *objects.Dir, present map[objects.ID]int64,
	ch *catalog.CopyChange, r *Reconciled) error {
	ids := make([]objects.ID, 0, len(present))
	for id := range present {
		ids = append(ids, id)
	}
	refs, err := cat.ObjectRefs(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		size := present[id]
		cp, ok := refs[id]
		if ok && cp.Size != size {
			if err := dir.Quarantine(id); err != nil {
				return err
			}
			r.Quarantined++
			continue
		}
		if !ok {
			cp = catalog.Copy{Hash: id, Size: size}
		}
		if _, err := dir.Verify(ctx, id); err != nil {
			if errors.Is(err, objects.ErrNotFound) {
				continue
			}
			if !errors.Is(err, objects.ErrCorrupt) {
				return fmt.Errorf("check unrecorded object %s: %w", id.Short(), err)
			}
			if err := dir.Quarantine(id); err != nil {
				return err
			}
			r.Quarantined++
			continue
		}
		ch.Add = append(ch.Add, cp)
		r.Adopted++
	}
	return nil
}
