package catalog

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// eachRaw runs query on one connection of the pool and calls fn with each
// row's values straight from the driver (int64, float64, []byte, string or
// nil), skipping database/sql's per-row locking and conversions: for the
// scans of every object, file or copy (pool.Load) those were a fifth of
// the time. fn must not keep a []byte it is given past its return.
func (c *Catalog) eachRaw(ctx context.Context, query string, fn func(row []driver.Value) error, args ...any) error {
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("catalog: the SQLite driver cannot query directly")
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := q.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(row); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			if err := fn(row); err != nil {
				return err
			}
		}
	})
}

// rawInt reads an INTEGER value of eachRaw (0 for NULL).
func rawInt(v driver.Value) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("catalog: %T where an integer was expected", v)
}

// Counts are the numbers of rows of the big tables.
type Counts struct{ Objects, Copies int64 }

// CountRows counts objects and copies (SQLite counts a table without
// decoding its rows: milliseconds where reading them takes seconds).
func (c *Catalog) CountRows(ctx context.Context) (Counts, error) {
	var n Counts
	err := c.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM objects), (SELECT count(*) FROM copies)`).
		Scan(&n.Objects, &n.Copies)
	return n, err
}

// ObjectTotals returns the number and bytes of all objects (kept by
// triggers, migration 0006).
func (c *Catalog) ObjectTotals(ctx context.Context) (objects, bytes int64, err error) {
	err = c.db.QueryRowContext(ctx, `SELECT objects, bytes FROM object_totals WHERE id=1`).Scan(&objects, &bytes)
	return objects, bytes, err
}

// ContentVersion is the catalog's content version (migration 0006): it
// changes whenever anything a disk's description holds changes. (Not an
// update generation of migration 0005.)
func (c *Catalog) ContentVersion(ctx context.Context) (int64, error) {
	var g int64
	err := c.db.QueryRowContext(ctx, `SELECT gen FROM content_version WHERE id=1`).Scan(&g)
	return g, err
}

// DescribedVersion returns the content version disk's description was written at
// (0: unknown) and the identity its files had then (see SetDescribedVersion).
func (c *Catalog) DescribedVersion(ctx context.Context, disk int64) (int64, string, error) {
	var g int64
	var files string
	err := c.db.QueryRowContext(ctx, `SELECT described_version, described_files FROM disks WHERE id=?`, disk).Scan(&g, &files)
	return g, files, err
}

// SetDescribedVersion records that disk's description holds content version gen,
// in files whose identity (size, mtime, inode, ctime) is files.
func (c *Catalog) SetDescribedVersion(ctx context.Context, disk, gen int64, files string) error {
	if err := c.writable(); err != nil {
		return err
	}
	_, err := c.db.ExecContext(ctx, `UPDATE disks SET described_version=?, described_files=? WHERE id=?`, gen, files, disk)
	return err
}
