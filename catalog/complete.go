package catalog

import (
	"context"
	"database/sql"
	"strings"
)

// CompletePath returns up to limit virtual paths starting with prefix, for
// shell completion: directories end in "/". It walks the path by the
// dirs(parent, name) index and lists names by range queries on the unique
// (parent, name) and (dir, name) indexes, so it stays fast on catalogs of
// millions of files.
func (c *Catalog) CompletePath(ctx context.Context, prefix string, limit int) ([]string, error) {
	if !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	i := strings.LastIndexByte(prefix, '/')
	dirPath, base := prefix[:i+1], prefix[i+1:]
	dir := RootDir
	for _, name := range strings.Split(strings.Trim(dirPath, "/"), "/") {
		if name == "" {
			continue
		}
		err := c.db.QueryRowContext(ctx, `SELECT id FROM dirs WHERE parent=? AND name=?`, dir, []byte(name)).Scan(&dir)
		if err == sql.ErrNoRows {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	lo, hi := []byte(base), successor(base)
	var out []string
	for _, q := range []struct{ sql, suffix string }{
		{`SELECT name FROM dirs WHERE parent=? AND name>=? AND (? IS NULL OR name<?) ORDER BY name LIMIT ?`, "/"},
		{`SELECT name FROM files WHERE dir=? AND name>=? AND (? IS NULL OR name<?) ORDER BY name LIMIT ?`, ""},
	} {
		rows, err := c.db.QueryContext(ctx, q.sql, dir, lo, hi, hi, limit-len(out))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name []byte
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, dirPath+string(name)+q.suffix)
		}
		rows.Close()
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

// successor is the smallest byte string greater than every string that
// starts with p, or nil when there is none (p empty or all 0xFF).
func successor(p string) []byte {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xFF {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return nil
	}
	b[len(b)-1]++
	return b
}
