package catalog

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// The pool-wide counts of migration 0007, kept by triggers: `dsb status`
// reads them instead of every object, file and copy.

// LiveLevel counts the live objects (and their bytes) that have Copies
// copies on disks that exist and are not lost.
type LiveLevel struct {
	Copies         int
	Objects, Bytes int64
}

// LiveLevels returns the levels that hold objects, by copy count.
func (c *Catalog) LiveLevels(ctx context.Context) ([]LiveLevel, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT copies, objects, bytes FROM live_levels WHERE objects <> 0 ORDER BY copies`)
	if err != nil {
		return nil, fmt.Errorf("read live levels: %w", err)
	}
	defer rows.Close()
	var out []LiveLevel
	for rows.Next() {
		var l LiveLevel
		if err := rows.Scan(&l.Copies, &l.Objects, &l.Bytes); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// EachSpoiledSince calls fn with each generation (since) and the number of
// current content versions first seen then that no disk can restore: not
// hashed, or no copy on a disk not lost. It equals what EachContentVersion
// gives for such current versions, counted by generation.
func (c *Catalog) EachSpoiledSince(ctx context.Context, fn func(since, versions int64)) error {
	rows, err := c.db.QueryContext(ctx, `SELECT gen, versions FROM spoiled_since WHERE versions <> 0`)
	if err != nil {
		return fmt.Errorf("read spoiled versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g, n int64
		if err := rows.Scan(&g, &n); err != nil {
			return err
		}
		fn(g, n)
	}
	return rows.Err()
}

// HasCopyTargets reports whether any path sets a copy target (source set
// --copies N with N > 0): without one, every object's target is 0.
func (c *Catalog) HasCopyTargets(ctx context.Context) (bool, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM settings WHERE copies > 0)`).Scan(&n)
	return n != 0, err
}

// EachLiveHistoryObject calls fn once for every object that a history
// entry and a current file both reference (work in proportion to history).
func (c *Catalog) EachLiveHistoryObject(ctx context.Context, fn func(ref int64)) error {
	return c.eachRaw(ctx, `SELECT DISTINCT h.object FROM history h
		WHERE h.object IS NOT NULL AND EXISTS (SELECT 1 FROM files f WHERE f.object = h.object)`,
		func(row []driver.Value) error {
			ref, err := rawInt(row[0])
			if err == nil {
				fn(ref)
			}
			return err
		})
}

// EachHistoryCopy calls fn for every copy of an object that a history
// entry references, lost disks included.
func (c *Catalog) EachHistoryCopy(ctx context.Context, fn func(ref, disk int64, unconfirmed bool)) error {
	return c.eachRaw(ctx, `SELECT c.object, c.disk, c.unconfirmed FROM copies c
		WHERE c.object IN (SELECT object FROM history WHERE object IS NOT NULL)`,
		func(row []driver.Value) error {
			var v [3]int64
			for i := range v {
				var err error
				if v[i], err = rawInt(row[i]); err != nil {
					return err
				}
			}
			fn(v[0], v[1], v[2] != 0)
			return nil
		})
}

// UnconfirmedCopies counts the copies only believed, of objects the
// catalog has, on disks not lost (a scan of every copy: callers first ask
// the disks' totals whether there are any).
func (c *Catalog) UnconfirmedCopies(ctx context.Context) (int64, error) {
	var n int64
	err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk
		WHERE c.unconfirmed AND NOT d.lost AND EXISTS (SELECT 1 FROM objects o WHERE o.id = c.object)`).Scan(&n)
	return n, err
}
