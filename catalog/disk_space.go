package catalog

import (
	"context"
	"fmt"
)

// DiskSpace is what a disk's filesystem said at the disk's last backup, in
// allocated bytes (what `du --block-size=1` counts), so that plans made
// while the disk is away use the numbers its backups use.
type DiskSpace struct {
	BlockSize int64  // the filesystem's allocation unit
	Capacity  int64  // allocated bytes of the data directory plus free space
	Foreign   int64  // allocated bytes of files in the data directory that are not dsb's
	Reserve   int64  // held for the disk's description (snapshot, manifest, README)
	Shards    int64  // object directories (objects/<h3>) present
	FSType    string // e.g. ext4, vfat
}

// SaveDiskSpace records what a backup measured on the disk.
func (c *Catalog) SaveDiskSpace(ctx context.Context, disk int64, sp DiskSpace) error {
	if err := c.writable(); err != nil {
		return err
	}
	_, err := c.db.ExecContext(ctx, `UPDATE disks SET block_size=?, capacity=?, foreign_bytes=?, reserve=?, shards=?, fs_type=?
		WHERE id=?`, sp.BlockSize, sp.Capacity, sp.Foreign, sp.Reserve, sp.Shards, sp.FSType, disk)
	if err != nil {
		return fmt.Errorf("save disk space: %w", err)
	}
	return nil
}

// DataSize is about the bytes a snapshot of the catalog takes (Snapshot),
// whatever its WAL holds: every page when the snapshot copies pages, the
// pages in use when it is a VACUUM INTO.
func (c *Catalog) DataSize(ctx context.Context) (int64, error) {
	pages, free, size, err := c.pageCounts(ctx)
	if err != nil {
		return 0, err
	}
	if snapshotByPages(pages, free) {
		return pages * size, nil
	}
	return (pages - free) * size, nil
}

// pageCounts returns the catalog's pages, its free pages and the page size.
func (c *Catalog) pageCounts(ctx context.Context) (pages, free, size int64, err error) {
	if err = c.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return
	}
	if err = c.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return
	}
	err = c.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size)
	return
}
