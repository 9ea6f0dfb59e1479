package catalog

import (
	"context"
	"fmt"
)

// HistoryCounts counts the file versions in history (directories left out)
// and the paths they belong to.
func (c *Catalog) HistoryCounts(ctx context.Context) (versions, paths int64, err error) {
	err = c.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT path) FROM history WHERE type != 5`).Scan(&versions, &paths)
	if err != nil {
		err = fmt.Errorf("count history: %w", err)
	}
	return
}

// EachContentVersion calls fn for every version with content to restore
// (a non-empty regular file), current and past, with the generations that
// saw it (last is -1 for a current version: up to now) and its object (0:
// never hashed). Versions no generation saw are left out.
func (c *Catalog) EachContentVersion(ctx context.Context, fn func(since, last, object int64)) error {
	if err := c.eachVersion(ctx, `SELECT since_gen, -1, coalesce(object, 0) FROM files WHERE type=0 AND size>0`, fn); err != nil {
		return err
	}
	return c.EachPastContentVersion(ctx, fn)
}

// EachPastContentVersion is EachContentVersion of history alone.
func (c *Catalog) EachPastContentVersion(ctx context.Context, fn func(since, last, object int64)) error {
	return c.eachVersion(ctx, `SELECT since_gen, last_gen, coalesce(object, 0) FROM history
		WHERE type=0 AND size>0 AND last_gen >= since_gen`, fn)
}

func (c *Catalog) eachVersion(ctx context.Context, q string, fn func(since, last, object int64)) error {
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	defer rows.Close()
	var since, last, obj int64
	for rows.Next() {
		if err := rows.Scan(&since, &last, &obj); err != nil {
			return err
		}
		fn(since, last, obj)
	}
	return rows.Err()
}
