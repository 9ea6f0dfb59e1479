package catalog

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// smallSubtree is how many directories listDirs finds one query at a
// time before it reads the whole directory table instead.
const smallSubtree = 256

// dirRef is a directory and its virtual path.
type dirRef struct {
	id   int64
	path string
}

// listDirs returns the directory at root and those below it, ordered as
// DirTree.Subtree orders them (by path, siblings by name). A small
// subtree (`dsb ls DIR` of a leaf) is found with one indexed query per
// directory instead of loading the whole tree: at a million files
// LoadDirs alone was most of an ls. ok false: no directory at root.
func (c *Catalog) listDirs(ctx context.Context, root string) (out []dirRef, ok bool, err error) {
	id, ok, err := c.lookupDir(ctx, root)
	if err != nil || !ok {
		return nil, ok, err
	}
	stmt, err := c.db.PrepareContext(ctx, `SELECT id, name FROM dirs WHERE parent=? ORDER BY name`)
	if err != nil {
		return nil, false, err
	}
	defer stmt.Close()
	var walk func(dirRef) error
	errLarge := errors.New("large subtree")
	walk = func(d dirRef) error {
		out = append(out, d)
		if len(out) > smallSubtree {
			return errLarge
		}
		kids, err := childDirs(ctx, stmt, d)
		if err != nil {
			return err
		}
		for _, k := range kids {
			if err := walk(k); err != nil {
				return err
			}
		}
		return nil
	}
	err = walk(dirRef{id, root})
	if !errors.Is(err, errLarge) {
		return out, true, err
	}
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return nil, false, err
	}
	out = out[:0]
	for _, d := range t.Subtree(id) {
		out = append(out, dirRef{d, t.Path(d)})
	}
	return out, true, nil
}

func childDirs(ctx context.Context, stmt *sql.Stmt, d dirRef) ([]dirRef, error) {
	rows, err := stmt.QueryContext(ctx, d.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var kids []dirRef
	for rows.Next() {
		var k dirRef
		var name []byte
		if err := rows.Scan(&k.id, &name); err != nil {
			return nil, err
		}
		k.path = joinPath(d.path, string(name))
		kids = append(kids, k)
	}
	return kids, rows.Err()
}

// lookupDir finds the directory at virtual path p by its names, one
// indexed query per component.
func (c *Catalog) lookupDir(ctx context.Context, p string) (int64, bool, error) {
	id := RootDir
	if p == "/" {
		return id, true, nil
	}
	for _, name := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		err := c.db.QueryRowContext(ctx, `SELECT id FROM dirs WHERE parent=? AND name=?`, id, []byte(name)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
	}
	return id, true, nil
}
