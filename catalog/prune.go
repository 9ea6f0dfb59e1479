package catalog

import (
	"context"
	"fmt"
)

// HistoryRow is what the retention policy looks at in one history row.
type HistoryRow struct {
	ID     int64
	Path   string
	Until  int64 // ns
	Reason string
	Object int64 // 0: no content
	Size   int64
}

// EachHistoryRow calls fn for every history row at or below root (files,
// directories, rows without content), by path and then by end.
func (c *Catalog) EachHistoryRow(ctx context.Context, root string, fn func(HistoryRow) error) error {
	where, args := under(root)
	rows, err := c.db.QueryContext(ctx, `SELECT id, path, until, reason, coalesce(object, 0), size FROM history h
		WHERE `+where+` ORDER BY path, until, id`, args...)
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	var out []HistoryRow
	for rows.Next() {
		var r HistoryRow
		var path []byte
		if err := rows.Scan(&r.ID, &path, &r.Until, &r.Reason, &r.Object, &r.Size); err != nil {
			rows.Close()
			return err
		}
		r.Path = string(path)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range out {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// PruneResult counts what Prune removed.
type PruneResult struct {
	HistoryRows int64 // history rows deleted
	Objects     int64 // object rows deleted: referenced by no file, no history and no copy
	Bytes       int64 // their sizes
}

// Prune deletes the history rows ids (versions a retention policy
// dropped), then every object row that nothing references any more: no
// current file, no history row, and no copy on any disk (an object still
// on a disk keeps its row until a backup of that disk deletes the copy as
// an orphan). One transaction.
func (c *Catalog) Prune(ctx context.Context, ids []int64) (PruneResult, error) {
	var res PruneResult
	if err := c.writable(); err != nil {
		return res, err
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer func() { _ = tx.Rollback() }()
	// The generations that saw a pruned version are no longer whole.
	mark, err := tx.PrepareContext(ctx, `UPDATE generations SET pruned = pruned + 1
		WHERE id BETWEEN (SELECT since_gen FROM history WHERE id=?1) AND (SELECT last_gen FROM history WHERE id=?1)`)
	if err != nil {
		return res, err
	}
	defer mark.Close()
	del, err := tx.PrepareContext(ctx, `DELETE FROM history WHERE id=?`)
	if err != nil {
		return res, err
	}
	defer del.Close()
	for _, id := range ids {
		if _, err := mark.ExecContext(ctx, id); err != nil {
			return res, fmt.Errorf("prune history row %d: %w", id, err)
		}
		r, err := del.ExecContext(ctx, id)
		if err != nil {
			return res, fmt.Errorf("prune history row %d: %w", id, err)
		}
		n, _ := r.RowsAffected()
		res.HistoryRows += n
	}
	const unreferenced = `NOT EXISTS(SELECT 1 FROM files f WHERE f.object=o.id)
		AND NOT EXISTS(SELECT 1 FROM history h WHERE h.object=o.id)
		AND NOT EXISTS(SELECT 1 FROM copies c WHERE c.object=o.id)`
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM objects o WHERE `+unreferenced).
		Scan(&res.Objects, &res.Bytes); err != nil {
		return res, fmt.Errorf("count unreferenced objects: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM refusals WHERE object IN (SELECT o.id FROM objects o WHERE `+unreferenced+`)`); err != nil {
		return res, fmt.Errorf("prune refusals: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM objects AS o WHERE `+unreferenced); err != nil {
		return res, fmt.Errorf("prune objects: %w", err)
	}
	return res, tx.Commit()
}

// RowCounts counts the rows of the tables pruning shrinks.
func (c *Catalog) RowCounts(ctx context.Context) (history, objects int64, err error) {
	err = c.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM history), (SELECT count(*) FROM objects)`).Scan(&history, &objects)
	return
}
