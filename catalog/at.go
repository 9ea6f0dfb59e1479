package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"dsb/objects"
	"dsb/vpath"
)

// The tree at a point in history (At): current rows that generation G
// already saw (since_gen <= G), and history rows that G saw (since_gen <=
// G <= last_gen). Before generation 0 ended (Approximate), only rows of
// generation 0 count, and for each path the history row with the earliest
// end after the time replaces the current one, as dsb did before
// generations.

// historyAtSQL lists history rows under a root, with their holders; the
// first %s is the generation condition, the second the root's (under).
const historyAtSQL = `SELECT h.path, h.type, h.size, h.mtime, h.mode, h.object, h.target,
	h.uid, h.gid, h.xattrs, h.rdev, o.hash,
	(SELECT group_concat(d.name, '/') FROM copies c JOIN disks d ON d.id=c.disk WHERE c.object=h.object AND d.lost=0),
	h.until
	FROM history h LEFT JOIN objects o ON o.id=h.object
	WHERE %s AND h.type != 5 AND %s`

func (a At) historyCond() (string, []any) {
	if a.Approximate {
		return `h.since_gen = 0 AND h.until > ?`, []any{a.Time}
	}
	return `h.since_gen <= ? AND h.last_gen >= ?`, []any{a.Gen.ID, a.Gen.ID}
}

// under is the condition "h.path is root or below it", and its arguments.
// The range (from "root/" up to "root0", '0' being the byte after '/')
// lets SQLite search the index on history(path) where a prefix test would
// read every row.
func under(root string) (string, []any) {
	if root == "/" {
		return "1", nil
	}
	base := strings.TrimSuffix(root, "/")
	return "(h.path=? OR (h.path >= ? AND h.path < ?))", []any{[]byte(root), []byte(base + "/"), []byte(base + "0")}
}

// FilesAt calls fn for every file of the tree at a that sel selects, in
// path order.
func (c *Catalog) FilesAt(ctx context.Context, a At, sel vpath.Selector, fn func(Entry) error) error {
	byPath := map[string]int{}
	var out []Entry
	put := func(e Entry) {
		if i, ok := byPath[e.Path]; ok {
			out[i] = e // a history row replaces the current one (Approximate)
			return
		}
		byPath[e.Path] = len(out)
		out = append(out, e)
	}
	if err := c.currentFilesAt(ctx, a, sel, put); err != nil {
		return err
	}
	hist, err := c.historyFilesAt(ctx, a, sel)
	if err != nil {
		return err
	}
	for _, e := range hist {
		put(e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	for _, e := range out {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// currentFilesAt lists the current rows selected by sel that generation
// a.Gen had seen already.
func (c *Catalog) currentFilesAt(ctx context.Context, a At, sel vpath.Selector, put func(Entry)) error {
	q := strings.Replace(listSQL, "WHERE f.dir=?", fmt.Sprintf("WHERE f.since_gen <= %d AND f.dir=?", a.Gen.ID), 1)
	if q == listSQL {
		return fmt.Errorf("files at a time: the list query changed shape") // caught by the tests
	}
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return err
	}
	var dirs []int64
	if id, ok := t.Lookup(sel.Root); ok {
		dirs = t.Subtree(id)
	} else if id, ok := t.Lookup(parentOf(sel.Root)); ok {
		dirs = []int64{id} // the pattern may name a single file
	}
	stmt, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range dirs {
		entries, err := listDir(ctx, stmt, d, t.Path(d))
		if err != nil {
			return fmt.Errorf("list %s: %w", t.Path(d), err)
		}
		for _, e := range entries {
			if sel.Matches(e.Path) {
				put(e)
			}
		}
	}
	return nil
}

// historyFilesAt lists the history rows selected by sel that were current
// at a; Approximate: per path, the one with the earliest end.
func (c *Catalog) historyFilesAt(ctx context.Context, a At, sel vpath.Selector) ([]Entry, error) {
	cond, args := a.historyCond()
	where, wargs := under(sel.Root)
	rows, err := c.db.QueryContext(ctx, fmt.Sprintf(historyAtSQL, cond, where)+` ORDER BY h.path, h.until, h.id`,
		append(args, wargs...)...)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, _, err := scanHistoryEntry(rows)
		if err != nil {
			return nil, err
		}
		if !sel.Matches(e.Path) || len(out) > 0 && out[len(out)-1].Path == e.Path {
			continue // Approximate: the earliest end came first
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanHistoryEntry(rows *sql.Rows) (Entry, int64, error) {
	var e Entry
	var path, target, hash []byte
	var obj, uid, gid, xattrs, rdev sql.NullInt64
	var disks sql.NullString
	var until int64
	if err := rows.Scan(&path, &e.Type, &e.Size, &e.MTime, &e.Mode, &obj, &target, &uid, &gid, &xattrs, &rdev,
		&hash, &disks, &until); err != nil {
		return e, 0, err
	}
	e.Meta = scanMeta(uid, gid, xattrs, rdev)
	e.Path, e.Target, e.Object = string(path), string(target), obj.Int64
	e.Name = e.Path[strings.LastIndexByte(e.Path, '/')+1:]
	if hash != nil {
		var err error
		if e.Hash, err = objects.IDFromBytes(hash); err != nil {
			return e, 0, err
		}
	}
	if disks.Valid && disks.String != "" {
		e.Disks = strings.Split(disks.String, "/")
	}
	return e, until, nil
}

// DirAt is a directory of the tree at a point in history.
type DirAt struct {
	Path string
	Dir
}

// DirsAt lists the directories of the tree at a (the root excluded), in
// path order.
func (c *Catalog) DirsAt(ctx context.Context, a At) ([]DirAt, error) {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return nil, err
	}
	newer := map[int64]bool{}
	if err := c.eachPair(ctx, fmt.Sprintf(`SELECT id, 0 FROM dirs WHERE since_gen > %d`, a.Gen.ID),
		func(id, _ int64) { newer[id] = true }); err != nil {
		return nil, fmt.Errorf("read directories: %w", err)
	}
	byPath := map[string]DirAt{}
	for _, id := range t.Subtree(RootDir) {
		if id != RootDir && !newer[id] {
			d, _ := t.Dir(id)
			byPath[t.Path(id)] = DirAt{Path: t.Path(id), Dir: d}
		}
	}
	cond, args := a.historyCond()
	rows, err := c.db.QueryContext(ctx, `SELECT h.path, h.mode, h.mtime, h.uid, h.gid, h.xattrs
		FROM history h WHERE h.type = 5 AND `+cond+` ORDER BY h.path, h.until DESC, h.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("read directory history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d DirAt
		var path []byte
		var uid, gid, xattrs sql.NullInt64
		if err := rows.Scan(&path, &d.Mode, &d.MTime, &uid, &gid, &xattrs); err != nil {
			return nil, err
		}
		d.Path, d.Meta = string(path), scanMeta(uid, gid, xattrs, sql.NullInt64{})
		d.Name = d.Path[strings.LastIndexByte(d.Path, '/')+1:]
		byPath[d.Path] = d // ordered by end, latest first: the earliest end wins
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]DirAt, 0, len(byPath))
	for _, d := range byPath {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func parentOf(p string) string {
	dir, _ := vpath.Split(p)
	return dir
}
