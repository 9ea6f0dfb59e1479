package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"dsb/objects"
)

// The Each* functions stream the facts the planner and the status report
// are computed from, without building anything in the catalog's memory.

// EachObject calls fn for every object row.
func (c *Catalog) EachObject(ctx context.Context, fn func(ref int64, id objects.ID, size int64)) error {
	err := c.eachRaw(ctx, `SELECT id, hash, size FROM objects`, func(row []driver.Value) error {
		ref, err := rawInt(row[0])
		if err != nil {
			return err
		}
		h, _ := row[1].([]byte)
		id, err := objects.IDFromBytes(h)
		if err != nil {
			return fmt.Errorf("object %d: %w", ref, err)
		}
		size, err := rawInt(row[2])
		if err != nil {
			return err
		}
		fn(ref, id, size)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read objects: %w", err)
	}
	return nil
}

// EachLiveFile calls fn for every current file that has an object.
func (c *Catalog) EachLiveFile(ctx context.Context, fn func(ref, dir int64)) error {
	return c.eachPair(ctx, `SELECT object, dir FROM files WHERE object IS NOT NULL`, fn)
}

// EachHistory calls fn for every history entry that has an object, with
// the time (ns) it stopped being current; bitrot says the entry is a good
// version replaced by silently changed content, which is kept always.
func (c *Catalog) EachHistory(ctx context.Context, fn func(ref, until int64, bitrot bool)) error {
	rows, err := c.db.QueryContext(ctx, `SELECT object, until, reason='bitrot' FROM history WHERE object IS NOT NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var ref, until int64
	var bitrot bool
	for rows.Next() {
		if err := rows.Scan(&ref, &until, &bitrot); err != nil {
			return err
		}
		fn(ref, until, bitrot)
	}
	return rows.Err()
}

// EachCopy calls fn for every copy, lost disks included.
func (c *Catalog) EachCopy(ctx context.Context, fn func(ref, disk int64)) error {
	return c.eachPair(ctx, `SELECT object, disk FROM copies`, fn)
}

func (c *Catalog) eachPair(ctx context.Context, q string, fn func(a, b int64)) error {
	return c.eachRaw(ctx, q, func(row []driver.Value) error {
		a, err := rawInt(row[0])
		if err != nil {
			return err
		}
		b, err := rawInt(row[1])
		if err != nil {
			return err
		}
		fn(a, b)
		return nil
	})
}

// FileRef names one current file by directory and name.
type FileRef struct {
	Dir  int64
	Name string
}

// FilesOf returns the current files whose content is object ref.
func (c *Catalog) FilesOf(ctx context.Context, ref int64) ([]FileRef, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT dir, name FROM files WHERE object=? ORDER BY dir, name`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileRef
	for rows.Next() {
		var f FileRef
		var name []byte
		if err := rows.Scan(&f.Dir, &name); err != nil {
			return nil, err
		}
		f.Name = string(name)
		out = append(out, f)
	}
	return out, rows.Err()
}

// FileAt returns the current file at dir/name.
func (c *Catalog) FileAt(ctx context.Context, dir int64, name string) (File, error) {
	f := File{Dir: dir, Name: name}
	var obj sql.NullInt64
	var target, h []byte
	var ino, dev int64
	var ctime, btime, gen sql.NullInt64
	err := c.db.QueryRowContext(ctx, `SELECT f.id, f.type, f.size, f.mtime, f.mode, f.ino, f.dev, f.object, f.target, o.hash,
		f.ctime, f.btime, f.gen
		FROM files f LEFT JOIN objects o ON o.id=f.object WHERE f.dir=? AND f.name=?`, dir, []byte(name)).
		Scan(&f.ID, &f.Type, &f.Size, &f.MTime, &f.Mode, &ino, &dev, &obj, &target, &h, &ctime, &btime, &gen)
	if err == sql.ErrNoRows {
		return f, fmt.Errorf("file %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return f, err
	}
	f.Ino, f.Dev, f.Object, f.Target = uint64(ino), uint64(dev), obj.Int64, string(target)
	f.CTime, f.BTime, f.Gen = identity(ctime, btime, gen)
	if h != nil {
		f.Hash, err = objects.IDFromBytes(h)
	}
	return f, err
}

// EachLiveObject calls fn with the object of every current file that has
// one (EachLiveFile without the directory: a scan of the narrow
// files_object index instead of the table, for when no setting depends on
// where a file is).
func (c *Catalog) EachLiveObject(ctx context.Context, fn func(ref int64)) error {
	return c.eachRaw(ctx, `SELECT object FROM files INDEXED BY files_object WHERE object IS NOT NULL`,
		func(row []driver.Value) error {
			ref, err := rawInt(row[0])
			if err == nil {
				fn(ref)
			}
			return err
		})
}
