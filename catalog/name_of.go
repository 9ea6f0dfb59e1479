package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dsb/objects"
	"dsb/vpath"
)

// NameOf names one object for a message: its first current file (in
// directory and name order) and how many more have it; with no current
// file, the last path history saw it at, with History set. It reads a
// few rows by index and never the whole tree, so that it can name each
// line of a long run. An unknown object has no names.
func (c *Catalog) NameOf(ctx context.Context, id objects.ID) (Names, error) {
	var n Names
	var ref int64
	err := c.db.QueryRowContext(ctx, `SELECT id FROM objects WHERE hash=?`, id[:]).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return n, nil
	} else if err != nil {
		return n, fmt.Errorf("name object %s: %w", id.Short(), err)
	}
	var dir, count int64
	var name []byte
	err = c.db.QueryRowContext(ctx, `SELECT dir, name, (SELECT count(*) FROM files WHERE object=?1)
		FROM files WHERE object=?1 ORDER BY dir, name LIMIT 1`, ref).Scan(&dir, &name, &count)
	if errors.Is(err, sql.ErrNoRows) {
		var p []byte
		err = c.db.QueryRowContext(ctx, `SELECT path FROM history WHERE object=? ORDER BY until DESC LIMIT 1`, ref).Scan(&p)
		if errors.Is(err, sql.ErrNoRows) {
			return n, nil
		}
		n.Paths, n.History = []string{string(p)}, true
		return n, err
	}
	if err != nil {
		return n, fmt.Errorf("name object %s: %w", id.Short(), err)
	}
	d, err := c.dirPath(ctx, dir)
	if err != nil {
		return n, err
	}
	n.Paths, n.More = []string{vpath.Join(d, string(name))}, count-1
	return n, nil
}

// dirPath is the virtual path of directory id, read up its parents.
func (c *Catalog) dirPath(ctx context.Context, id int64) (string, error) {
	p := ""
	for id != RootDir {
		var name []byte
		err := c.db.QueryRowContext(ctx, `SELECT parent, name FROM dirs WHERE id=?`, id).Scan(&id, &name)
		if err != nil {
			return "", fmt.Errorf("path of directory: %w", err)
		}
		p = "/" + string(name) + p
	}
	if p == "" {
		p = "/"
	}
	return p, nil
}
