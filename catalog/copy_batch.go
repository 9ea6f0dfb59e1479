package catalog

import (
	"context"
	"database/sql"
	"strconv"
)

// Recording a batch of new copies with the per-row triggers of migrations
// 0006 and 0007 cost ~40 µs a copy (four trigger programs, each with
// subqueries). Migration 0009 lets ApplyCopies do that work once per
// batch: the objects it lists in copy_batch are skipped by the insert
// triggers, and countBatch applies what those triggers would have done,
// from the counts copy_batch took before the inserts. Both run in the
// transaction that inserts the copies. TestLiveLevelsFollowRows and
// TestDiskTotalsFollowCopies compare the results with recounts.

// listBatch fills copy_batch with the objects of refs that have an object
// row and no copy on disk yet: exactly those whose insert will be a new
// row, not an upsert. Each gets its size, whether a file names it, and
// its copy count on disks that exist and are not lost.
func listBatch(ctx context.Context, tx *sql.Tx, disk int64, refs []int64) error {
	if len(refs) == 0 {
		return nil
	}
	// Empty between transactions; cleared anyway, so that rows someone
	// left there by hand cannot make this batch's counts skip objects.
	if _, err := tx.ExecContext(ctx, `DELETE FROM copy_batch`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO copy_batch(object, size, live, n)
		SELECT o.id, o.size, EXISTS (SELECT 1 FROM files f WHERE f.object = o.id),
		  (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = o.id AND NOT d.lost)
		FROM json_each(?1) j JOIN objects o ON o.id = j.value
		WHERE NOT EXISTS (SELECT 1 FROM copies c WHERE c.object = o.id AND c.disk = ?2)`, jsonInts(refs), disk)
	return err
}

// batchCounts are the statements of countBatch, in order; ?1 is the disk.
// They are the per-row insert triggers of copies (0006, 0007) summed over
// copy_batch: every listed object got one new copy on the disk, with
// unconfirmed = 0, so its count of copies went from n to n+1 when the disk
// exists and is not lost.
var batchCounts = []string{
	// disk_totals_copy_add
	`INSERT INTO disk_totals(disk) SELECT ?1
	 WHERE EXISTS (SELECT 1 FROM copy_batch) AND NOT EXISTS (SELECT 1 FROM disk_totals WHERE disk = ?1)`,
	`UPDATE disk_totals SET copies = copies + (SELECT count(*) FROM copy_batch),
	   bytes = bytes + (SELECT coalesce(sum(size), 0) FROM copy_batch),
	   allocated = allocated + coalesce((SELECT sum(((b.size + d.bs - 1) / d.bs + (b.size > 4*d.bs)) * d.bs + max(d.bs/16, 256))
	     FROM copy_batch b, (SELECT CASE WHEN block_size > 0 THEN block_size ELSE 4096 END AS bs FROM disks WHERE id = ?1) d), 0)
	 WHERE disk = ?1 AND EXISTS (SELECT 1 FROM copy_batch)`,
	// content_version_copies_insert: one change for the batch
	`UPDATE content_version SET gen = gen + 1 WHERE EXISTS (SELECT 1 FROM copy_batch)`,
	// live_levels_copy_add: each live object one level up
	`UPDATE live_levels SET objects = objects + g.k, bytes = bytes + g.b
	 FROM (SELECT lvl, sum(k) AS k, sum(b) AS b FROM (
	   SELECT n + 1 AS lvl, 1 AS k, size AS b FROM copy_batch WHERE live
	   UNION ALL SELECT n, -1, -size FROM copy_batch WHERE live) GROUP BY lvl) g
	 WHERE live_levels.copies = g.lvl AND EXISTS (SELECT 1 FROM disks WHERE id = ?1 AND NOT lost)`,
	// spoiled_since_copy_add: an object's first copy makes its versions
	// restorable (CROSS JOIN: copy_batch first, files by their object index)
	`UPDATE spoiled_since SET versions = versions - g.k
	 FROM (SELECT f.since_gen AS gen, count(*) AS k FROM copy_batch b CROSS JOIN files f ON f.object = b.object
	   WHERE b.n = 0 AND f.type = 0 AND f.size > 0 GROUP BY f.since_gen) g
	 WHERE spoiled_since.gen = g.gen AND EXISTS (SELECT 1 FROM disks WHERE id = ?1 AND NOT lost)`,
	`DELETE FROM copy_batch`,
}

// countBatch applies the counts of the copies listBatch listed, after they
// were inserted, and empties copy_batch.
func countBatch(ctx context.Context, tx *sql.Tx, disk int64) error {
	for _, q := range batchCounts {
		if _, err := tx.ExecContext(ctx, q, disk); err != nil {
			return err
		}
	}
	return nil
}

// jsonInts is refs as a JSON array, for json_each.
func jsonInts(refs []int64) string {
	b := make([]byte, 0, 2+len(refs)*8)
	b = append(b, '[')
	for i, r := range refs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, r, 10)
	}
	return string(append(b, ']'))
}
