package catalog

import "context"

// RehashImported makes the next update re-read every file whose hash was
// imported and not read by dsb since (update --rehash-imported). It
// returns how many there are. The mark is CTimeReread, as for a file a
// backup found changed, so an interrupted update still reads them later.
func (c *Catalog) RehashImported(ctx context.Context) (int64, error) {
	if err := c.writable(); err != nil {
		return 0, err
	}
	res, err := c.db.ExecContext(ctx, `UPDATE files SET ctime=? WHERE gen=? AND type=0`, CTimeReread, GenImported)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
