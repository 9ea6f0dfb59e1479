package catalog

import (
	"context"
	"fmt"
)

// Refuse records that disk's filesystem cannot hold object ref (a file
// size limit), so that plans stop scheduling it there.
func (c *Catalog) Refuse(ctx context.Context, disk, ref int64, reason string, at int64) error {
	if err := c.writable(); err != nil {
		return err
	}
	_, err := c.db.ExecContext(ctx, `INSERT OR REPLACE INTO refusals(disk, object, reason, at) VALUES(?,?,?,?)`,
		disk, ref, reason, at)
	if err != nil {
		return fmt.Errorf("record refusal: %w", err)
	}
	return nil
}

// ReasonUnreadable is the refusal reason of an object that a backup could
// read from none of its files (changed since 'dsb update', or gone, or an
// unplugged source): plans for that disk leave it out until the next
// completed update (Updater.Finish forgets these), so that no backup
// evicts a copy for an object it cannot read.
const ReasonUnreadable = "unreadable"

// Refusals maps the objects disk's filesystem refused to the reason.
func (c *Catalog) Refusals(ctx context.Context, disk int64) (map[int64]string, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT object, reason FROM refusals WHERE disk=?`, disk)
	if err != nil {
		return nil, fmt.Errorf("read refusals: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var ref int64
		var why string
		if err := rows.Scan(&ref, &why); err != nil {
			return nil, err
		}
		out[ref] = why
	}
	return out, rows.Err()
}
