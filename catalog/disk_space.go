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

// DataSize is the bytes of the catalog's pages in use: about what a
// snapshot of it (VACUUM INTO) takes, whatever its WAL holds.
func (c *Catalog) DataSize(ctx context.Context) (int64, error) {
	var pages, free, size int64
	if err := c.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, err
	}
	if err := c.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return 0, err
	}
	if err := c.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		return 0, err
	}
	return (pages - free) * size, nil
}
