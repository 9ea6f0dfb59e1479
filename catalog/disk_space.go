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

// ManifestBound bounds the size of any disk's manifest: one line
// ("<sha256>  <path>\n", escapes doubling the path at worst) for every
// current file with content, as if one disk held them all.
// (NOT INDEXED: a scan in row order, about dir order, then a sort, is a
// third cheaper than walking the (dir, name) index and each row it names.)
func (c *Catalog) ManifestBound(ctx context.Context) (int64, error) {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := c.db.QueryContext(ctx, `SELECT dir, sum(length(name)), count(*) FROM files NOT INDEXED WHERE object IS NOT NULL GROUP BY dir`)
	if err != nil {
		return 0, fmt.Errorf("manifest size: %w", err)
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var dir, names, n int64
		if err := rows.Scan(&dir, &names, &n); err != nil {
			return 0, err
		}
		total += n*(64+2+1+1+int64(len(t.Path(dir)))) + names
	}
	return total, rows.Err()
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
