package catalog

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// ManifestBound bounds the size of any disk's manifest: one line
// ("<sha256>  <path>\n", escapes doubling the path at worst) for every
// current file with content, as if one disk held them all. It sums every
// file by directory from the (dir, name) index, which holds all it needs
// (SQLite reads a name's length from the record header), and subtracts
// the files without content (the files_no_object index of 0007): reading
// every file's row took three times as long. The sum over the index is
// split in two ranges of directories read at once, the upper one on a
// connection of its own (Beside): it was a fifth of a plan's time before
// the pool is read, at a million files.
func (c *Catalog) ManifestBound(ctx context.Context) (int64, error) {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return 0, err
	}
	var split int64 // the first directory of the upper range
	if err := c.db.QueryRowContext(ctx, `SELECT coalesce((min(id)+max(id))/2, 0) FROM dirs`).Scan(&split); err != nil {
		return 0, fmt.Errorf("manifest size: %w", err)
	}
	const sum = `SELECT dir, sum(length(name)), count(*) FROM files INDEXED BY sqlite_autoindex_files_1 `
	upper, err := c.besideDirSums(ctx, sum+`WHERE dir >= ? GROUP BY dir`, split)
	if err != nil {
		return 0, fmt.Errorf("manifest size: %w", err)
	}
	lower, err := c.dirSums(ctx, sum+`WHERE dir < ? GROUP BY dir`, split)
	if err = firstError(<-upper.done, err); err != nil { // waits for the upper range either way
		return 0, fmt.Errorf("manifest size: %w", err)
	}
	empty, err := c.dirSums(ctx, `SELECT dir, sum(length(name)), count(*) FROM files INDEXED BY files_no_object
		WHERE object IS NULL GROUP BY dir`)
	if err != nil {
		return 0, fmt.Errorf("manifest size: %w", err)
	}
	return lineBytes(t, lower) + lineBytes(t, upper.rows) - lineBytes(t, empty), nil
}

// lineBytes is the bytes of the manifest lines of the files summed in rows.
func lineBytes(t *DirTree, rows []dirSum) (n int64) {
	for _, r := range rows {
		n += r.files*(64+2+1+1+int64(len(t.Path(r.dir)))) + r.names
	}
	return n
}

// dirSum is one directory's row of a manifest sum: its files and the
// bytes of their names.
type dirSum struct{ dir, names, files int64 }

// dirSums runs q (dir, bytes of names, files per directory) on c.
func (c *Catalog) dirSums(ctx context.Context, q string, args ...any) ([]dirSum, error) {
	var out []dirSum
	err := c.eachRaw(ctx, q, func(row []driver.Value) error {
		var v [3]int64
		for i := range v {
			var err error
			if v[i], err = rawInt(row[i]); err != nil {
				return err
			}
		}
		out = append(out, dirSum{v[0], v[1], v[2]})
		return nil
	}, args...)
	return out, err
}

// pendingSums are dirSums running beside c: rows is set once done
// has delivered.
type pendingSums struct {
	rows []dirSum
	done chan error
}

// besideDirSums starts dirSums of q on a read-only view of c (Beside).
func (c *Catalog) besideDirSums(ctx context.Context, q string, args ...any) (*pendingSums, error) {
	side, closeSide, err := c.Beside(ctx)
	if err != nil {
		return nil, err
	}
	p := &pendingSums{done: make(chan error, 1)}
	go func() {
		rows, err := side.dirSums(ctx, q, args...)
		p.rows = rows
		p.done <- firstError(err, closeSide())
	}()
	return p, nil
}

// firstError returns the first error that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
