package catalog

import (
	"context"
	"fmt"
	"strings"
)

// filesOfChunk bounds the object refs of one FilesOfMany query (SQLite's
// default limit of bound parameters is 32,766; a few hundred is plenty to
// make the per-query cost vanish).
const filesOfChunk = 500

// FilesOfMany is FilesOf for many objects at once: the current files of
// each, by object ref, each object's in (dir, name) order. One query per
// few hundred objects instead of one per object: a backup of small files
// asked once per object, serially, before any could be copied.
func (c *Catalog) FilesOfMany(ctx context.Context, refs []int64) (map[int64][]FileRef, error) {
	out := make(map[int64][]FileRef, len(refs))
	for len(refs) > 0 {
		n := min(len(refs), filesOfChunk)
		if err := c.filesOfChunk(ctx, refs[:n], out); err != nil {
			return nil, err
		}
		refs = refs[n:]
	}
	return out, nil
}

func (c *Catalog) filesOfChunk(ctx context.Context, refs []int64, out map[int64][]FileRef) error {
	args := make([]any, len(refs))
	for i, r := range refs {
		args[i] = r
	}
	q := `SELECT object, dir, name FROM files WHERE object IS NOT NULL AND object IN (?` +
		strings.Repeat(",?", len(refs)-1) + `) ORDER BY object, dir, name`
	rows, err := c.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("files of objects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref int64
		var f FileRef
		var name []byte
		if err := rows.Scan(&ref, &f.Dir, &name); err != nil {
			return err
		}
		f.Name = string(name)
		out[ref] = append(out[ref], f)
	}
	return rows.Err()
}
