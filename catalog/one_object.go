package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"dsb/objects"
)

// The queries of one object, for questions about one file (`dsb why`)
// that must not read the whole pool: each is an index probe.

// ObjectByRef returns the hash and size of object ref.
func (c *Catalog) ObjectByRef(ctx context.Context, ref int64) (objects.ID, int64, error) {
	var h []byte
	var size int64
	err := c.db.QueryRowContext(ctx, `SELECT hash, size FROM objects WHERE id=?`, ref).Scan(&h, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return objects.ID{}, 0, fmt.Errorf("object %d: %w", ref, ErrNotFound)
	}
	if err != nil {
		return objects.ID{}, 0, err
	}
	id, err := objects.IDFromBytes(h)
	return id, size, err
}

// EachLiveFileOf calls fn with the directory of every current file whose
// content is object ref (EachLiveFile for one object).
func (c *Catalog) EachLiveFileOf(ctx context.Context, ref int64, fn func(ref, dir int64)) error {
	return c.eachRaw(ctx, `SELECT object, dir FROM files WHERE object=?`, func(row []driver.Value) error {
		dir, err := rawInt(row[1])
		if err == nil {
			fn(ref, dir)
		}
		return err
	}, ref)
}

// EachHistoryEntryOf calls fn for every history entry of object ref.
func (c *Catalog) EachHistoryEntryOf(ctx context.Context, ref int64, fn func(HistoryEntry)) error {
	return c.eachHistory(ctx, `WHERE h.object=?`, []any{ref}, fn)
}

// EachCopyOf calls fn for every copy of object ref, lost disks included.
func (c *Catalog) EachCopyOf(ctx context.Context, ref int64, fn func(disk int64, unconfirmed bool)) error {
	return c.eachRaw(ctx, `SELECT disk, unconfirmed FROM copies WHERE object=?`, func(row []driver.Value) error {
		disk, err := rawInt(row[0])
		if err != nil {
			return err
		}
		u, err := rawInt(row[1])
		if err == nil {
			fn(disk, u != 0)
		}
		return err
	}, ref)
}

// FileBound returns bounds for sizing a manifest without reading every
// file: the largest file row id (at least the number of files) and the
// length of the longest directory path (summed in SQL over the tree, so
// no directory row crosses into Go).
func (c *Catalog) FileBound(ctx context.Context) (files, longestDir int64, err error) {
	err = c.db.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM files),
		(WITH RECURSIVE p(id, len) AS (SELECT 1, 0
			UNION ALL SELECT d.id, p.len + 1 + length(d.name) FROM dirs d JOIN p ON d.parent = p.id WHERE d.id <> 1)
		SELECT max(max(len), 1) FROM p)`).Scan(&files, &longestDir)
	return files, longestDir, err
}
