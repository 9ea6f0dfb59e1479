package pool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dsb/catalog"
	"dsb/disks"
	"dsb/objects"
)

// ErrLostIdentity is wrapped by *LostIdentityError.
var ErrLostIdentity = errors.New("disk identity lost")

// LostIdentityError: a directory without a readable dsb-disk.json holds a
// known disk's objects; it must get that disk's identity back, not become
// a second disk (which would count its copies twice).
type LostIdentityError struct {
	Path string
	Disk catalog.Disk
	By   string // how it was recognised
}

func (e *LostIdentityError) Error() string {
	return fmt.Sprintf("%s is disk %s (%s: %s) whose dsb-disk.json is missing or damaged; give it back its identity with: dsb disk reidentify %s %s",
		e.Path, e.Disk.Name, e.Disk.UUID, e.By, e.Disk.Name, e.Path)
}

func (e *LostIdentityError) Unwrap() error { return ErrLostIdentity }

// sampleObjects is how many objects Recognise looks at.
const sampleObjects = 1000

// Recognise tells whether dir, which has no readable identity, is a known
// disk of this catalog: by the filesystem UUID and mount-relative path
// recorded when the disk was seen, or by its objects (most of a sample of
// them are copies the catalog places on that one disk). A disk attached
// elsewhere with its identity is not claimed.
func Recognise(ctx context.Context, cat *catalog.Catalog, dir string) (catalog.Disk, string, bool, error) {
	ds, err := cat.Disks(ctx)
	if err != nil {
		return catalog.Disk{}, "", false, err
	}
	if m, rel, err := disks.MountOf(dir); err == nil && m.FSUUID != "" {
		for _, d := range ds {
			if d.FSUUID == m.FSUUID && d.MountRel == rel && notAttached(cat, d) {
				return d, fmt.Sprintf("its filesystem %s and path %s", m.FSUUID, rel), true, nil
			}
		}
	}
	ids, err := sample(ctx, dir)
	if err != nil || len(ids) == 0 {
		return catalog.Disk{}, "", false, err
	}
	held, err := cat.DisksHolding(ctx, ids)
	if err != nil {
		return catalog.Disk{}, "", false, err
	}
	for _, d := range ds {
		if n := held[d.ID]; 2*n > len(ids) && notAttached(cat, d) {
			return d, fmt.Sprintf("%d of %d objects looked at are its copies", n, len(ids)), true, nil
		}
	}
	return catalog.Disk{}, "", false, nil
}

func notAttached(cat *catalog.Catalog, d catalog.Disk) bool {
	_, err := Attached(cat, d)
	return err != nil
}

// sample lists up to sampleObjects object IDs found in dir.
func sample(ctx context.Context, dir string) ([]objects.ID, error) {
	if fi, err := os.Stat(filepath.Join(dir, "objects")); err != nil || !fi.IsDir() {
		return nil, nil
	}
	st, err := objects.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	var ids []objects.ID
	errEnough := errors.New("enough")
	err = st.Walk(ctx, func(id objects.ID, _ int64) error {
		ids = append(ids, id)
		if len(ids) >= sampleObjects {
			return errEnough
		}
		return nil
	}, nil)
	if errors.Is(err, errEnough) {
		err = nil
	}
	return ids, err
}

// Reidentify writes disk d's identity back into dir, after checking that
// dir is recognisably d (Recognise), and records where d is now.
func Reidentify(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, dir string, now time.Time) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if id, err := disks.ReadIdentity(abs); err == nil {
		if id.UUID == d.UUID && id.Catalog == cat.UUID() {
			return "its identity is intact", nil
		}
		return "", fmt.Errorf("%s already is disk %q (%s); refusing to overwrite its identity", abs, id.Name, id.UUID)
	}
	got, by, ok, err := Recognise(ctx, cat, abs)
	if err != nil {
		return "", err
	}
	if !ok || got.ID != d.ID {
		return "", fmt.Errorf("%s is not recognisably disk %s (not its filesystem and path, and not mostly its objects); refusing to write its identity there", abs, d.Name)
	}
	if err := disks.Rewrite(abs, disks.Identity{UUID: d.UUID, Name: d.Name, Catalog: cat.UUID()}); err != nil {
		return "", err
	}
	return by, Seen(ctx, cat, &d, abs, now)
}
