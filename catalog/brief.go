package catalog

import (
	"context"
	"database/sql/driver"
	"math/bits"
	"sort"
)

// Brief is a file as whole-tree reports (tree, restore --plan) see it:
// no name, no metadata, and the disks holding its object as a bit set.
type Brief struct {
	ID     int64 // the file's row id; 0 from a whole-tree Each (no report needs it)
	Dir    int64
	Type   FileType
	Size   int64
	Object int64
	// Disks: bit i set when the i-th disk of Briefs.Disks holds the
	// object; only disks not marked lost count.
	Disks uint64
}

// Copies is how many disks (not lost) hold the file's object.
func (b Brief) Copies() int { return bits.OnesCount64(b.Disks) }

// Briefs reads Brief rows.
type Briefs struct {
	Disks []Disk // the disks not marked lost, by id (at most 64 count)
	bit   map[int64]uint
}

// NewBriefs lists the disks for Brief.Disks.
func (c *Catalog) NewBriefs(ctx context.Context) (*Briefs, error) {
	ds, err := c.Disks(ctx)
	if err != nil {
		return nil, err
	}
	b := &Briefs{bit: map[int64]uint{}}
	for _, d := range ds {
		if !d.Lost && len(b.bit) < 64 {
			b.bit[d.ID] = 0
			b.Disks = append(b.Disks, d)
		}
	}
	// By id: the order in which ListFiles's per-file query names disks.
	sort.Slice(b.Disks, func(i, j int) bool { return b.Disks[i].ID < b.Disks[j].ID })
	for i, d := range b.Disks {
		b.bit[d.ID] = uint(i)
	}
	return b, nil
}

// Each calls fn for every file in the directories for which in is true
// (in no particular order; dirs lists them). A large share of the tree
// is read as two scans, every copy then every file, which at a million
// files is several times cheaper than one query per directory; a few
// directories are read one query each.
func (b *Briefs) Each(ctx context.Context, c *Catalog, dirs []int64, in func(dir int64) bool, total int, fn func(Brief) error) error {
	if len(dirs) <= total/4 {
		return b.eachByDir(ctx, c, dirs, fn)
	}
	var maxRef int64
	if err := c.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM objects`).Scan(&maxRef); err != nil {
		return err
	}
	masks := make([]uint64, maxRef+1) // objects are never deleted: ids are dense
	err := c.eachRaw(ctx, `SELECT object, disk FROM copies`, func(row []driver.Value) error {
		ref, _ := row[0].(int64)
		disk, _ := row[1].(int64)
		if bit, ok := b.bit[disk]; ok && ref >= 0 && ref <= maxRef {
			masks[ref] |= 1 << bit
		}
		return nil
	})
	if err != nil {
		return err
	}
	// No id: each column costs the driver a call per row.
	return c.eachRaw(ctx, `SELECT dir, type, size, coalesce(object, 0) FROM files`, func(row []driver.Value) error {
		var f Brief
		f.Dir, _ = row[0].(int64)
		if !in(f.Dir) {
			return nil
		}
		t, _ := row[1].(int64)
		f.Type = FileType(t)
		f.Size, _ = row[2].(int64)
		f.Object, _ = row[3].(int64)
		if f.Object > 0 && f.Object <= maxRef {
			f.Disks = masks[f.Object]
		}
		return fn(f)
	})
}

func (b *Briefs) eachByDir(ctx context.Context, c *Catalog, dirs []int64, fn func(Brief) error) error {
	for _, d := range dirs {
		var cur Brief
		have := false
		err := c.eachRaw(ctx, `SELECT f.id, f.type, f.size, coalesce(f.object, 0), c.disk
			FROM files f LEFT JOIN copies c ON c.object=f.object WHERE f.dir=? ORDER BY f.id`, func(row []driver.Value) error {
			id, _ := row[0].(int64)
			if !have || id != cur.ID {
				if have {
					if err := fn(cur); err != nil {
						return err
					}
				}
				t, _ := row[1].(int64)
				size, _ := row[2].(int64)
				obj, _ := row[3].(int64)
				cur, have = Brief{ID: id, Dir: d, Type: FileType(t), Size: size, Object: obj}, true
			}
			if disk, ok := row[4].(int64); ok {
				if bit, ok := b.bit[disk]; ok {
					cur.Disks |= 1 << bit
				}
			}
			return nil
		}, d)
		if err != nil {
			return err
		}
		if have {
			if err := fn(cur); err != nil {
				return err
			}
		}
	}
	return nil
}

// ListDir lists the files of directory dir (at dirPath) alone, in name
// order, as ListFiles does.
func (c *Catalog) ListDir(ctx context.Context, dir int64, dirPath string) ([]Entry, error) {
	stmt, err := c.db.PrepareContext(ctx, listSQL)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	return listDir(ctx, stmt, dir, dirPath)
}
