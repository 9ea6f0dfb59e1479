package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"dsb/objects"
)

// Version is one version of a path: its current row, or a history row.
type Version struct {
	Entry // Path, type, size, mtime, mode, object and hash, target, Disks
	// HistoryID is the history row; 0 for the current version.
	HistoryID int64
	// SinceGen is the generation that first saw it; LastGen the last one
	// (-1: history recorded before generations; meaningless when current).
	SinceGen, LastGen int64
	Until             int64  // ns: when an update found it replaced or deleted; 0 when current
	Reason            string // history: changed, touched, deleted, bitrot, bitrot-accepted
}

// Current reports whether this is the path's current version.
func (v Version) Current() bool { return v.HistoryID == 0 }

// Pinned reports whether this is the good version of a file found
// silently changed, not yet accepted: kept whatever the policy.
func (v Version) Pinned() bool { return v.Reason == "bitrot" }

// Versions lists every version of root and of the paths below it, current
// and past, by path and then oldest first. Directory versions are
// included only from history (type DirType).
func (c *Catalog) Versions(ctx context.Context, root string) ([]Version, error) {
	var out []Version
	if err := c.currentVersions(ctx, root, &out); err != nil {
		return nil, err
	}
	where, args := under(root)
	rows, err := c.db.QueryContext(ctx, `SELECT h.path, h.type, h.size, h.mtime, h.mode, h.object, h.target,
		h.uid, h.gid, h.xattrs, h.rdev, o.hash,
		(SELECT group_concat(d.name, '/') FROM copies c JOIN disks d ON d.id=c.disk WHERE c.object=h.object AND d.lost=0),
		h.until, h.id, h.since_gen, h.last_gen, h.reason
		FROM history h LEFT JOIN objects o ON o.id=h.object
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v Version
		var path, target, hash []byte
		var obj, uid, gid, xattrs, rdev sql.NullInt64
		var disks sql.NullString
		if err := rows.Scan(&path, &v.Type, &v.Size, &v.MTime, &v.Mode, &obj, &target, &uid, &gid, &xattrs, &rdev,
			&hash, &disks, &v.Until, &v.HistoryID, &v.SinceGen, &v.LastGen, &v.Reason); err != nil {
			return nil, err
		}
		v.Meta = scanMeta(uid, gid, xattrs, rdev)
		v.Path, v.Target, v.Object = string(path), string(target), obj.Int64
		v.Name = v.Path[strings.LastIndexByte(v.Path, '/')+1:]
		if hash != nil {
			if v.Hash, err = objects.IDFromBytes(hash); err != nil {
				return nil, err
			}
		}
		if disks.Valid && disks.String != "" {
			v.Disks = strings.Split(disks.String, "/")
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Current() != b.Current() {
			return b.Current()
		}
		if a.Until != b.Until {
			return a.Until < b.Until
		}
		return a.HistoryID < b.HistoryID
	})
	return out, nil
}

// currentVersions appends the current files at or below root, with the
// generation that first saw each.
func (c *Catalog) currentVersions(ctx context.Context, root string, out *[]Version) error {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return err
	}
	var dirs []int64
	single := ""
	if id, ok := t.Lookup(root); ok {
		dirs = t.Subtree(id)
	} else if id, ok := t.Lookup(parentOf(root)); ok {
		dirs, single = []int64{id}, root
	}
	list, err := c.db.PrepareContext(ctx, listSQL)
	if err != nil {
		return err
	}
	defer list.Close()
	gens, err := c.db.PrepareContext(ctx, `SELECT id, since_gen FROM files WHERE dir=?`)
	if err != nil {
		return err
	}
	defer gens.Close()
	for _, d := range dirs {
		entries, err := listDir(ctx, list, d, t.Path(d))
		if err != nil {
			return fmt.Errorf("list %s: %w", t.Path(d), err)
		}
		since := map[int64]int64{}
		rows, err := gens.QueryContext(ctx, d)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, g int64
			if err := rows.Scan(&id, &g); err != nil {
				rows.Close()
				return err
			}
			since[id] = g
		}
		rows.Close()
		for _, e := range entries {
			if single == "" || e.Path == single {
				*out = append(*out, Version{Entry: e, SinceGen: since[e.ID], LastGen: -1})
			}
		}
	}
	return nil
}
