package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// DirTree is the whole virtual directory tree in memory. Directories are
// few next to files (a catalog of a million files has some ten thousand),
// so this is how full paths are built without recursive SQL.
type DirTree struct {
	dirs     map[int64]Dir
	children map[int64][]int64
	paths    map[int64]string
}

// LoadDirs reads the directory tree.
func (c *Catalog) LoadDirs(ctx context.Context) (*DirTree, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, parent, name, mode, mtime, uid, gid, xattrs FROM dirs`)
	if err != nil {
		return nil, fmt.Errorf("load directories: %w", err)
	}
	defer rows.Close()
	t := &DirTree{dirs: map[int64]Dir{}, children: map[int64][]int64{}, paths: map[int64]string{}}
	for rows.Next() {
		var d Dir
		var name []byte
		var uid, gid, xattrs sql.NullInt64
		if err := rows.Scan(&d.ID, &d.Parent, &name, &d.Mode, &d.MTime, &uid, &gid, &xattrs); err != nil {
			return nil, err
		}
		d.Meta = scanMeta(uid, gid, xattrs, sql.NullInt64{})
		d.Name = string(name)
		t.dirs[d.ID] = d
		t.children[d.Parent] = append(t.children[d.Parent], d.ID)
	}
	return t, rows.Err()
}

// Path returns the virtual path of directory id.
func (t *DirTree) Path(id int64) string {
	if p, ok := t.paths[id]; ok {
		return p
	}
	d, ok := t.dirs[id]
	if !ok || id == RootDir {
		return "/"
	}
	p := joinPath(t.Path(d.Parent), d.Name)
	t.paths[id] = p
	return p
}

// Dir returns the row of directory id.
func (t *DirTree) Dir(id int64) (Dir, bool) {
	d, ok := t.dirs[id]
	return d, ok
}

// Lookup finds the directory at virtual path p.
func (t *DirTree) Lookup(p string) (int64, bool) {
	id := RootDir
	if p == "/" {
		return id, true
	}
	for _, name := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		found := false
		for _, c := range t.children[id] {
			if t.dirs[c].Name == name {
				id, found = c, true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return id, true
}

// Subtree returns id and every directory below it, ordered by path.
func (t *DirTree) Subtree(id int64) []int64 {
	var out []int64
	var walk func(int64)
	walk = func(d int64) {
		out = append(out, d)
		kids := append([]int64(nil), t.children[d]...)
		sort.Slice(kids, func(i, j int) bool { return t.dirs[kids[i]].Name < t.dirs[kids[j]].Name })
		for _, k := range kids {
			walk(k)
		}
	}
	walk(id)
	return out
}

// Children returns the directories directly below id.
func (t *DirTree) Children(id int64) []int64 { return t.children[id] }

// Len is the number of directories, the root included.
func (t *DirTree) Len() int { return len(t.dirs) }
