package description

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"dsb/catalog"
)

// DescribedNow reports whether the disk attached at root already carries
// the description Describe would write now: idle (the plan does
// nothing), the catalog's content version unchanged since the disk was last
// described (catalog.ContentVersion counts every change a description
// holds), and its three files as they were written: same size, mtime,
// inode and ctime (the scan's trust rule), so a file damaged, truncated
// or replaced since is written again.
func DescribedNow(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, idle bool) (bool, error) {
	if !idle {
		return false, nil
	}
	gen, err := cat.ContentVersion(ctx)
	if err != nil {
		return false, err
	}
	was, files, err := cat.DescribedVersion(ctx, d.ID)
	if err != nil || was != gen || files == "" {
		return false, err
	}
	now, ok := descriptionIdentity(root)
	return ok && now == files, nil
}

// DescribeRecorded is Describe, then records the content version it described (read
// before, so that a change made meanwhile makes the next run describe
// again) and the identity of the files it wrote.
func DescribeRecorded(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, now time.Time) error {
	gen, err := cat.ContentVersion(ctx)
	if err != nil {
		return err
	}
	if err := Describe(ctx, cat, d, root, now); err != nil {
		return err
	}
	files, ok := descriptionIdentity(root)
	if !ok {
		files = ""
	}
	return cat.SetDescribedVersion(ctx, d.ID, gen, files)
}

// descriptionIdentity is the size, mtime, inode and ctime of the
// snapshot, manifest and README.txt at root; false if one is missing.
func descriptionIdentity(root string) (string, bool) {
	var b strings.Builder
	for _, name := range []string{SnapshotFile, ManifestFile, ReadmeFile} {
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(root, name), &st); err != nil {
			return "", false
		}
		fmt.Fprintf(&b, "%s %d %d.%09d %d %d.%09d;", name, st.Size, st.Mtim.Sec, st.Mtim.Nsec, st.Ino,
			st.Ctim.Sec, st.Ctim.Nsec)
	}
	return b.String(), true
}
