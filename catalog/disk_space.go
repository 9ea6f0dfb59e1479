package catalog

import (
	"context"
	"database/sql/driver"
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
// current file with content, as if one disk held them all. It sums every
// file by directory from the (dir, name) index, which holds all it needs
// (SQLite reads a name's length from the record header), and subtracts
// the files without content (the files_no_object index of 0007): reading
// every file's row took three times as long.
func (c *Catalog) ManifestBound(ctx context.Context) (int64, error) {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for sign, q := range map[int64]string{
		1:  `SELECT dir, sum(length(name)), count(*) FROM files INDEXED BY sqlite_autoindex_files_1 GROUP BY dir`,
		-1: `SELECT dir, sum(length(name)), count(*) FROM files INDEXED BY files_no_object WHERE object IS NULL GROUP BY dir`,
	} {
		err := c.eachRaw(ctx, q, func(row []driver.Value) error {
			var v [3]int64
			for i := range v {
				var err error
				if v[i], err = rawInt(row[i]); err != nil {
					return err
				}
			}
			total += sign * (v[2]*(64+2+1+1+int64(len(t.Path(v[0])))) + v[1])
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("manifest size: %w", err)
		}
	}
	return total, nil
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
