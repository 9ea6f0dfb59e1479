package dbimport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"dsb/catalog"
	"dsb/distbackup"
	"dsb/objects"
)

// Disk is an attached distbackup disk directory, read in place.
type Disk struct {
	distbackup.Identity
	Dir   string
	Store *objects.Dir         // its distbackup-objects/, read and verified like a dsb store
	Holds map[objects.ID]int64 // what its object files hold (hash -> size)
}

// OpenDisk opens the distbackup disk at dir read-only and lists what its
// object files hold: that, not the disk's own catalog snapshot (which is
// stale about that very disk), says which objects it has.
func OpenDisk(ctx context.Context, dir string) (Disk, error) {
	id, err := distbackup.ReadIdentity(dir)
	if err != nil {
		return Disk{}, err
	}
	objs, ok := distbackup.ObjectsPath(dir)
	if !ok {
		// Half-way through dsb disk convert on a filesystem without
		// symlinks: the objects have moved to objects/ already.
		objs = filepath.Join(dir, "objects")
		if fi, err := os.Stat(objs); err != nil || !fi.IsDir() {
			return Disk{}, fmt.Errorf("%w: %s has no %s directory", distbackup.ErrNotDisk, dir, distbackup.ObjectsDir)
		}
	}
	st, err := objects.OpenDirNamed(dir, filepath.Base(objs))
	if err != nil {
		return Disk{}, err
	}
	d := Disk{Identity: id, Dir: dir, Store: st, Holds: map[objects.ID]int64{}}
	err = st.Walk(ctx, func(oid objects.ID, size int64) error {
		d.Holds[oid] = size
		return nil
	}, nil)
	return d, err
}

// ForRestore builds a temporary dsb catalog in tmpDir from the distbackup
// catalog src, with each disk's copies taken from its object files; a
// restore then reads it like any dsb catalog.
func ForRestore(ctx context.Context, src *distbackup.Catalog, ds []Disk, tmpDir string) (*catalog.Catalog, error) {
	cat, err := catalog.Open(ctx, filepath.Join(tmpDir, catalog.FileName), catalog.Options{Create: true})
	if err != nil {
		return nil, err
	}
	opt := Options{Holdings: map[string]map[objects.ID]int64{}}
	for _, d := range ds {
		opt.Holdings[d.UUID] = d.Holds
	}
	if _, err := Import(ctx, src, cat, opt); err != nil {
		cat.Close()
		return nil, err
	}
	return cat, nil
}

// FindDisks returns the distbackup disks among dirs, and the disk holding
// the catalog at catPath when it sits on one.
func FindDisks(ctx context.Context, catPath string, dirs []string) ([]Disk, error) {
	var out []Disk
	seen := map[string]bool{}
	cands := append([]string{filepath.Dir(catPath)}, dirs...)
	for i, dir := range cands {
		if !distbackup.IsDisk(dir) {
			if i == 0 {
				continue // a home catalog, not on a disk
			}
			if _, err := os.Stat(dir); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s", distbackup.ErrNotDisk, dir)
		}
		d, err := OpenDisk(ctx, dir)
		if err != nil {
			return nil, err
		}
		if !seen[d.UUID] {
			seen[d.UUID] = true
			out = append(out, d)
		}
	}
	return out, nil
}
