package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dsb/objects"
	"dsb/vpath"
)

// Entry is a file with its virtual path and the disks holding its object.
type Entry struct {
	File
	Path  string
	Disks []string // names of the disks (not lost) holding a copy
}

const listSQL = `SELECT f.id, f.name, f.type, f.size, f.mtime, f.mode, f.ino, f.dev, f.object, f.target,
	f.uid, f.gid, f.xattrs, f.rdev, o.hash,
	(SELECT group_concat(d.name, '/') FROM copies c JOIN disks d ON d.id=c.disk WHERE c.object=f.object AND d.lost=0)
	FROM files f LEFT JOIN objects o ON o.id=f.object WHERE f.dir=? ORDER BY f.name`

// ListFiles calls fn for every file selected by sel, in path order. A
// plain path that names no file or directory is a *NotInCatalogError (a
// glob that matches nothing is not an error).
func (c *Catalog) ListFiles(ctx context.Context, sel vpath.Selector, fn func(Entry) error) error {
	root, dirSel := sel.Root, true
	dirs, ok, err := c.listDirs(ctx, root)
	if err != nil {
		return err
	}
	if !ok {
		// The pattern may name a single file.
		dir, _ := vpath.Split(root)
		id, ok, err := c.lookupDir(ctx, dir)
		if err != nil {
			return err
		}
		if !ok {
			return notInCatalog(sel)
		}
		dirs, dirSel = []dirRef{{id, dir}}, false
	}
	found := dirSel
	stmt, err := c.db.PrepareContext(ctx, listSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range dirs {
		entries, err := listDir(ctx, stmt, d.id, d.path)
		if err != nil {
			return fmt.Errorf("list %s: %w", d.path, err)
		}
		for _, e := range entries {
			if (dirSel || e.Path == root) && sel.Matches(e.Path) {
				found = true
				if err := fn(e); err != nil {
					return err
				}
			}
		}
	}
	if !found {
		return notInCatalog(sel)
	}
	return nil
}

func listDir(ctx context.Context, stmt *sql.Stmt, dir int64, dirPath string) ([]Entry, error) {
	rows, err := stmt.QueryContext(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e := Entry{File: File{Dir: dir}}
		var name, target, hash []byte
		var obj, uid, gid, xattrs, rdev sql.NullInt64
		var ino, dev int64
		var disks sql.NullString
		if err := rows.Scan(&e.ID, &name, &e.Type, &e.Size, &e.MTime, &e.Mode, &ino, &dev, &obj, &target,
			&uid, &gid, &xattrs, &rdev, &hash, &disks); err != nil {
			return nil, err
		}
		e.Meta = scanMeta(uid, gid, xattrs, rdev)
		e.Name, e.Target, e.Ino, e.Dev, e.Object = string(name), string(target), uint64(ino), uint64(dev), obj.Int64
		if hash != nil {
			if e.Hash, err = objects.IDFromBytes(hash); err != nil {
				return nil, err
			}
		}
		if disks.Valid && disks.String != "" {
			e.Disks = strings.Split(disks.String, "/")
		}
		e.Path = joinPath(dirPath, e.Name)
		out = append(out, e)
	}
	return out, rows.Err()
}

// EachFileOnDisk calls fn with the path and object of every current file
// whose object has a copy on disk, in path order.
func (c *Catalog) EachFileOnDisk(ctx context.Context, disk int64, fn func(path string, id objects.ID) error) error {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return err
	}
	stmt, err := c.db.PrepareContext(ctx, `SELECT f.name, o.hash FROM files f JOIN objects o ON o.id=f.object
		JOIN copies c ON c.object=f.object AND c.disk=? WHERE f.dir=? ORDER BY f.name`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range t.Subtree(RootDir) {
		type row struct {
			name string
			id   objects.ID
		}
		var rs []row
		rows, err := stmt.QueryContext(ctx, disk, d)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name, h []byte
			if err := rows.Scan(&name, &h); err != nil {
				rows.Close()
				return err
			}
			id, err := objects.IDFromBytes(h)
			if err != nil {
				rows.Close()
				return err
			}
			rs = append(rs, row{string(name), id})
		}
		rows.Close()
		dirPath := t.Path(d)
		for _, r := range rs {
			if err := fn(joinPath(dirPath, r.name), r.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// notInCatalog is the error for a selector that found nothing: a plain
// path names something that is not there; a glob merely matched nothing.
func notInCatalog(sel vpath.Selector) error {
	if sel.Glob() {
		return nil
	}
	return &NotInCatalogError{Path: sel.Root}
}
