package backup

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"dsb/catalog"
)

// describedNow reports whether the disk attached at root already carries
// the description Describe would write now: idle (the plan does
// nothing), the catalog's generation unchanged since the disk was last
// described (catalog.Generation counts every change a description
// holds), and the three files there.
func describedNow(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, idle bool) (bool, error) {
	if !idle {
		return false, nil
	}
	gen, err := cat.Generation(ctx)
	if err != nil {
		return false, err
	}
	was, err := cat.DescribedGen(ctx, d.ID)
	if err != nil || was != gen {
		return false, err
	}
	for _, name := range []string{SnapshotFile, ManifestFile, ReadmeFile} {
		if _, err := os.Lstat(filepath.Join(root, name)); err != nil {
			return false, nil
		}
	}
	return true, nil
}

// describe is Describe, then records the generation it described (read
// before, so that a change made meanwhile makes the next run describe
// again).
func describe(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, now time.Time) error {
	gen, err := cat.Generation(ctx)
	if err != nil {
		return err
	}
	if err := Describe(ctx, cat, d, root, now); err != nil {
		return err
	}
	return cat.SetDescribedGen(ctx, d.ID, gen)
}
